import { testRule } from '@clusterspec/lint/testing';
import type { ConsulAgentConfig } from '@clusterspec/consul';
import { consulDatacenter } from './consul-datacenter';

const SERVICES = '    services:\n      - name: httpbackend';
const overrides = (entries: string) => [SERVICES, `    agentOverrides:\n${entries}${SERVICES}`] as const;
const HCL = 'hosts/consul-2/etc/consul.d/consul.hcl';

testRule(consulDatacenter, {
  valid: [
    { name: 'dc1 everywhere (seed)', fixture: 'seed-ha' },
    { name: 'corp-1 on servers and clients (modern)', fixture: 'modern' },
    { name: 'an override naming the site datacenter', fixture: 'seed-ha', replacements: [overrides('      - host: consul-2\n        datacenter: dc1\n')] },
  ],
  invalid: [
    {
      name: 'consul-2 in dc2',
      fixture: 'seed-ha',
      replacements: [overrides('      - host: consul-2\n        datacenter: dc2\n')],
      errors: [
        {
          messageId: 'otherDatacenter',
          message:
            'the Consul agent on consul-2 is in datacenter "dc2", the other agents in "dc1": it finds no server of its own datacenter; use one datacenter name for every agent',
          line: 'datacenter: dc2',
          column: 21,
          field: 'spec.consul.agentOverrides[0].datacenter',
          artifact: HCL,
          hosts: ['consul-2'],
        },
      ],
    },
    {
      name: "a file naming no datacenter (Consul defaults to dc1, here not the site's)",
      fixture: 'modern',
      files: { 'hosts/lb-1/etc/consul.d/consul.hcl': (data: ConsulAgentConfig) => ({ ...data, datacenter: undefined }) },
      errors: [
        {
          messageId: 'otherDatacenter',
          message: 'the Consul agent on lb-1 names no datacenter (Consul\'s default, dc1), the other agents in "corp-1"',
          line: 'datacenter: corp-1',
          field: 'spec.consul.datacenter',
          artifact: 'hosts/lb-1/etc/consul.d/consul.hcl',
        },
      ],
    },
  ],
});
