import { testRule } from '@clusterspec/lint/testing';
import { consulQuorum } from './consul-quorum';

const EDGE_C5 = '      address: 172.16.3.15\n      roles: [consul-server]\n';

testRule(consulQuorum, {
  valid: [
    { name: 'three servers', fixture: 'seed-ha' },
    { name: 'five servers', fixture: 'edge' },
  ],
  invalid: [
    {
      name: 'four Consul servers',
      fixture: 'seed-ha',
      replacements: [
        ['      roles: [consul-server]\n', '      roles: [consul-server]\n    - name: consul-4\n      address: 192.168.0.132\n      roles: [consul-server]\n'],
      ],
      // The finding points at spec.hosts, whose first entry is shaolin.
      errors: [
        {
          messageId: 'even',
          message: '4 Consul server members: an even count tolerates no more failures than 3 and can split in two; use 3 or 5',
          line: '- name: shaolin',
          column: 5,
          field: 'spec.hosts',
        },
      ],
    },
    {
      name: 'seven Consul servers',
      fixture: 'edge',
      replacements: [
        [
          EDGE_C5,
          `${EDGE_C5}    - name: c6\n      address: 172.16.3.16\n      roles: [consul-server]\n    - name: c7\n      address: 172.16.3.17\n      roles: [consul-server]\n`,
        ],
      ],
      errors: [
        {
          messageId: 'tooLarge',
          message: '7 Consul server members: every write waits for 4; more than 5 slows writes for no real gain',
          line: '- name: k1',
          column: 5,
          field: 'spec.hosts',
          severity: 'warning',
        },
      ],
    },
  ],
});
