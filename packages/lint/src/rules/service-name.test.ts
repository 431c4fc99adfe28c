import { testRule } from '@clusterspec/lint/testing';
import { serviceName } from './service-name';

const LONG_SERVICE = 'a'.repeat(63);
const LONG_DOMAIN = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example`;

testRule(serviceName, {
  valid: [
    { name: 'DNS-safe service names', fixture: 'seed-ha' },
    { name: 'a 63-character label under a short domain', fixture: 'seed-ha', replacements: [['      - name: httpfront\n', `      - name: ${LONG_SERVICE}\n`]] },
  ],
  invalid: [
    {
      name: 'a published service name longer than 253 characters',
      fixture: 'seed-ha',
      replacements: [
        ['domain: tonybai.com', `domain: ${LONG_DOMAIN}`],
        ['      - name: httpfront\n', `      - name: ${LONG_SERVICE}\n`],
      ],
      errors: [
        {
          message: `${LONG_SERVICE}.${LONG_DOMAIN} is longer than the 253 characters of a DNS name`,
          line: `- name: ${LONG_SERVICE}`,
          column: 15,
          field: 'spec.consul.services[1].name',
        },
      ],
    },
  ],
});
