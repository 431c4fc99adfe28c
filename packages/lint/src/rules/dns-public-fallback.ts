import { defineRule } from '../rule';

/** musl and some resolvers ask every server at once: a public server's NXDOMAIN for *.consul can win the race. */
export const dnsPublicFallback = defineRule({
  id: 'dns-public-fallback',
  description: 'Consul DNS is not mixed with another resolver in one dns list.',
  severity: 'warning',
  messages: {
    mixedResolvers: `containers get Consul DNS and {{others}} in one list; resolvers that query them in parallel (musl) can take {{first}}'s NXDOMAIN for *.consul names; let Consul forward through its recursors instead`,
  },
  check({ model, report }) {
    const dns = model.docker?.dns ?? [];
    const consulIndex = dns.indexOf('consul');
    const others = dns.filter((server) => server !== 'consul');
    if (consulIndex < 0 || others.length === 0) return;
    report({
      field: ['spec', 'docker', 'dns', dns.indexOf(others[0])],
      messageId: 'mixedResolvers',
      data: { others: others.join(', '), first: others[0] },
    });
  },
});
