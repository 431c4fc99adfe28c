import { testRule } from '@clusterspec/lint/testing';
import type { ConsulAgentConfig } from '@clusterspec/consul';
import { consulRetryJoin } from './consul-retry-join';

const SERVICES = '    services:\n      - name: httpbackend';
const overrides = (entries: string) => [SERVICES, `    agentOverrides:\n${entries}${SERVICES}`] as const;
const HCL = 'hosts/consul-2/etc/consul.d/consul.hcl';

testRule(consulRetryJoin, {
  valid: [
    { name: 'retry_join of every server on every agent (seed)', fixture: 'seed-ha' },
    { name: 'clients and servers apart (modern)', fixture: 'modern' },
    {
      name: 'an override that lists every server',
      fixture: 'seed-ha',
      replacements: [overrides('      - host: consul-2\n        retryJoin: [192.168.0.131, 192.168.0.130, 192.168.0.129]\n')],
    },
  ],
  invalid: [
    {
      name: '-join to consul-1 only, on consul-2 and consul-3',
      fixture: 'seed-ha',
      replacements: [overrides('      - host: consul-2\n        retryJoin: [192.168.0.129]\n      - host: consul-3\n        retryJoin: [192.168.0.129]\n')],
      errors: [
        {
          messageId: 'joinsSomeServers',
          message:
            'the Consul agent on consul-2 retry_joins 192.168.0.129 only: started while that server is down, it joins no cluster; add 192.168.0.130, 192.168.0.131',
          line: 'retryJoin: [192.168.0.129]',
          column: 20,
          field: 'spec.consul.agentOverrides[0].retryJoin',
          artifact: HCL,
          hosts: ['consul-2'],
        },
        {
          messageId: 'joinsSomeServers',
          message:
            'the Consul agent on consul-3 retry_joins 192.168.0.129 only: started while that server is down, it joins no cluster; add 192.168.0.130, 192.168.0.131',
          line: 94,
          column: 20,
          field: 'spec.consul.agentOverrides[1].retryJoin',
          artifact: 'hosts/consul-3/etc/consul.d/consul.hcl',
        },
      ],
    },
    {
      name: 'no retry_join at all ([] in the override)',
      fixture: 'seed-ha',
      replacements: [overrides('      - host: consul-2\n        retryJoin: []\n')],
      errors: [
        {
          messageId: 'noRetryJoin',
          message:
            'the Consul agent on consul-2 has no retry_join: started while no other agent contacts it, it joins no cluster; list every Consul server (192.168.0.129, 192.168.0.130, 192.168.0.131)',
          line: 'retryJoin: []',
          field: 'spec.consul.agentOverrides[0].retryJoin',
          artifact: HCL,
        },
      ],
    },
    {
      name: 'an address where no server runs',
      fixture: 'seed-ha',
      replacements: [overrides('      - host: consul-2\n        retryJoin: [192.168.0.129, 192.168.0.130, 192.168.0.131, 10.27.53.32]\n')],
      errors: [
        {
          messageId: 'joinsNoServer',
          message:
            'the Consul agent on consul-2 retry_joins 10.27.53.32, where no Consul server of the site runs; list the servers (192.168.0.129, 192.168.0.130, 192.168.0.131)',
          field: 'spec.consul.agentOverrides[0].retryJoin',
          artifact: HCL,
        },
      ],
    },
    {
      name: 'a consul.hcl edited after generation: the finding points at the host',
      fixture: 'seed-ha',
      files: { [HCL]: (data: ConsulAgentConfig) => ({ ...data, retryJoin: ['192.168.0.129'] }) },
      errors: [
        {
          messageId: 'joinsSomeServers',
          message: 'the Consul agent on consul-2 retry_joins 192.168.0.129 only',
          line: 33,
          column: 14,
          field: 'spec.hosts[6].roles',
          artifact: HCL,
        },
      ],
    },
  ],
});
