import { testRule } from '@clusterspec/lint/testing';
import type { ConsulAgentConfig } from '@clusterspec/consul';
import { consulBootstrapExpect } from './consul-bootstrap-expect';

const SERVICES = '    services:\n      - name: httpbackend';
const overrides = (entries: string) => [SERVICES, `    agentOverrides:\n${entries}${SERVICES}`] as const;
const HCL = 'hosts/consul-3/etc/consul.d/consul.hcl';

testRule(consulBootstrapExpect, {
  valid: [
    { name: 'bootstrap_expect 3 on three servers', fixture: 'seed-ha' },
    { name: 'bootstrap_expect 5 on five servers', fixture: 'edge' },
    {
      name: 'an override equal to the number of servers',
      fixture: 'seed-ha',
      replacements: [overrides('      - host: consul-3\n        bootstrapExpect: 3\n')],
    },
  ],
  invalid: [
    {
      name: 'consul-3 expecting 1 server',
      fixture: 'seed-ha',
      replacements: [overrides('      - host: consul-3\n        bootstrapExpect: 1\n')],
      errors: [
        {
          messageId: 'wrongBootstrapExpect',
          message:
            'the Consul server on consul-3 expects 1 servers (bootstrap_expect) but the site has 3: it elects a leader before the others are there, and can bootstrap a cluster of its own',
          line: 'bootstrapExpect: 1',
          column: 26,
          field: 'spec.consul.agentOverrides[0].bootstrapExpect',
          artifact: HCL,
          hosts: ['consul-3'],
        },
      ],
    },
    {
      name: 'consul-3 expecting 5 servers',
      fixture: 'seed-ha',
      replacements: [overrides('      - host: consul-3\n        bootstrapExpect: 5\n')],
      errors: [
        {
          messageId: 'wrongBootstrapExpect',
          message: 'the Consul server on consul-3 expects 5 servers (bootstrap_expect) but the site has 3: it waits for servers that never come',
          field: 'spec.consul.agentOverrides[0].bootstrapExpect',
        },
      ],
    },
    {
      name: 'a server file without bootstrap_expect, and one that is not a server',
      fixture: 'seed-ha',
      files: {
        [HCL]: (data: ConsulAgentConfig) => ({ ...data, bootstrapExpect: undefined }),
        'hosts/consul-2/etc/consul.d/consul.hcl': (data: ConsulAgentConfig) => ({ ...data, server: false }),
      },
      errors: [
        {
          messageId: 'notServer',
          message: 'the consul.hcl of consul-2 lacks server = true, though the host has the consul-server role',
          field: 'spec.hosts[6].roles',
          artifact: 'hosts/consul-2/etc/consul.d/consul.hcl',
        },
        {
          messageId: 'noBootstrapExpect',
          message: 'the Consul server on consul-3 has no bootstrap_expect: it never starts an election; the site has 3 servers',
          field: 'spec.hosts[7].roles',
          artifact: HCL,
        },
      ],
    },
  ],
});
