import { testRule } from '@clusterspec/lint/testing';
import { serviceName } from './service-name';
import { loadSpecText, SpecError } from '@clusterspec/spec';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
          messageId: 'publishedTooLong',
          message: `${LONG_SERVICE}.${LONG_DOMAIN} is longer than the 253 characters of a DNS name`,
          line: `- name: ${LONG_SERVICE}`,
          column: 15,
          field: 'spec.consul.services[1].name',
        },
      ],
    },
  ],
});

// The rule's former check that a name is a DNS label could never fire: the loader refuses the spec first.
describe('a service name that is not a DNS label', () => {
  it('is refused when the spec is loaded, at the name, before any rule runs', () => {
    const text = readFileSync(join(__dirname, '../../../../fixtures/seed-ha/cluster.yaml'), 'utf8').replace(
      '      - name: httpfront\n',
      '      - name: http.front\n',
    );
    let error: unknown;
    try {
      loadSpecText('seed-ha-variant.yaml', Buffer.from(text));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).problems.map((problem) => problem.field)).toEqual(['spec.consul.services[1].name']);
  });
});
