import { defineRule } from '../rule';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * consul-template's `service` cannot name a service with dots, and each published name must be a DNS name.
 * The loader already refuses a tcp service without -<port>; this rule checks the names as published.
 */
export const serviceName = defineRule({
  id: 'service-name',
  description: 'Consul service names are DNS-safe labels and their published names <service>.<domain> are valid DNS names.',
  severity: 'error',
  check({ model, report }) {
    const consul = model.consul;
    if (!consul) return;
    consul.services.forEach((service, index) => {
      const field = ['spec', 'consul', 'services', index, 'name'];
      if (!LABEL.test(service.name)) report({ field, message: `service name "${service.name}" is not a DNS label (letters, digits and '-', no dots)` });
      const published = consul.ingressDomain ? `${service.name}.${consul.ingressDomain}` : undefined;
      if (service.tags.includes('http') && published && published.length > 253)
        report({ field, message: `${published} is longer than the 253 characters of a DNS name` });
    });
  },
});
