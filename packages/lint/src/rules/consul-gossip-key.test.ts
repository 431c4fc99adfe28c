import { testRule } from '@clusterspec/lint/testing';
import type { ConsulAgentConfig } from '@clusterspec/consul';
import { consulGossipKey } from './consul-gossip-key';

const SERVICES = '    services:\n      - name: httpbackend';
const overrides = (entries: string) => [SERVICES, `    agentOverrides:\n${entries}${SERVICES}`] as const;
const HCL = 'hosts/consul-3/etc/consul.d/consul.hcl';
const WITHOUT_KEY = ({ encrypt: _encrypt, ...data }: ConsulAgentConfig) => data;

testRule(consulGossipKey, {
  valid: [
    { name: 'the key on every agent', fixture: 'modern' },
    {
      name: 'the key on no agent',
      fixture: 'seed-ha',
      replacements: [overrides(['consul-1', 'consul-2', 'consul-3'].map((host) => `      - host: ${host}\n        encrypt: false\n`).join(''))],
    },
  ],
  invalid: [
    {
      name: 'consul-3 without the key',
      fixture: 'seed-ha',
      replacements: [overrides('      - host: consul-3\n        encrypt: false\n')],
      errors: [
        {
          messageId: 'missingKey',
          message:
            'the Consul agent on consul-3 has no gossip key (encrypt) while other agents of the site have one: they refuse its gossip and it never joins; give it the key, or give none to any agent',
          line: 'encrypt: false',
          column: 18,
          field: 'spec.consul.agentOverrides[0].encrypt',
          artifact: HCL,
          hosts: ['consul-3'],
        },
      ],
    },
    {
      name: 'two agents without the key in their files: one finding for both, at spec.consul.encrypt',
      fixture: 'seed-ha',
      files: { [HCL]: WITHOUT_KEY, 'hosts/consul-2/etc/consul.d/consul.hcl': WITHOUT_KEY },
      errors: [
        {
          messageId: 'missingKey',
          message: 'the Consul agent on 2 hosts (consul-2, consul-3) has no gossip key (encrypt) while other agents of the site have one',
          line: 'encrypt: {fromEnv: CONSUL_GOSSIP_KEY}',
          field: 'spec.consul.encrypt',
          artifact: 'hosts/consul-2/etc/consul.d/consul.hcl',
          hosts: ['consul-2', 'consul-3'],
        },
      ],
    },
    {
      name: 'another key on one agent',
      fixture: 'seed-ha',
      files: { [HCL]: (data: ConsulAgentConfig) => ({ ...data, encrypt: '{{secret:env:OTHER_KEY}}' }) },
      errors: [
        {
          messageId: 'otherKey',
          message:
            "the Consul agent on consul-3 has a gossip key other than the site's ({{secret:env:OTHER_KEY}}, not {{secret:env:CONSUL_GOSSIP_KEY}}): agents with different keys cannot gossip",
          field: 'spec.consul.encrypt',
          artifact: HCL,
        },
      ],
    },
  ],
});
