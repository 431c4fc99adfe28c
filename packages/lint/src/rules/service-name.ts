import { defineRule } from '../rule';

/**
 * Each published name must be a DNS name. That each service name is a DNS label (consul-template's `service`
 * cannot name a service with dots) is the schema's (`$defs/dnsLabel`): the loader refuses any other name before a
 * rule runs, so this rule no longer checks it (it could never fire). The loader also refuses a tcp service
 * without -<port>; this rule checks the names as published.
 */
export const serviceName = defineRule({
  id: 'service-name',
  description: "An http service's published name <service>.<consul.ingress.domain> fits a DNS name (253 characters); the schema makes each name a DNS label.",
  severity: 'error',
  messages: {
    publishedTooLong: `{{published}} is longer than the 253 characters of a DNS name`,
  },
  check({ model, report }) {
    const consul = model.consul;
    if (!consul) return;
    consul.services.forEach((service, index) => {
      const field = ['spec', 'consul', 'services', index, 'name'];
      const published = consul.ingressDomain ? `${service.name}.${consul.ingressDomain}` : undefined;
      if (service.tags.includes('http') && published && published.length > 253) report({ field, messageId: 'publishedTooLong', data: { published } });
    });
  },
});
