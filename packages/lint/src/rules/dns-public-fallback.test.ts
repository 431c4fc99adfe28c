import { testRule } from '@clusterspec/lint/testing';
import { dnsPublicFallback } from './dns-public-fallback';

testRule(dnsPublicFallback, {
  valid: [
    { name: 'consul alone', fixture: 'edge' },
    { name: 'consul alone, on the seed site', fixture: 'seed-ha', replacements: [['dns: [consul, 8.8.8.8]', 'dns: [consul]']] },
  ],
  invalid: [
    {
      name: 'Consul DNS beside 8.8.8.8 (the seed site)',
      fixture: 'seed-ha',
      errors: [
        {
          messageId: 'mixedResolvers',
          message:
            "containers get Consul DNS and 8.8.8.8 in one list; resolvers that query them in parallel (musl) can take 8.8.8.8's NXDOMAIN for *.consul names; let Consul forward through its recursors instead",
          line: 'dns: [consul, 8.8.8.8]',
          column: 19,
          field: 'spec.docker.dns[1]',
        },
      ],
    },
  ],
});
