import { testRule } from '@clusterspec/lint/testing';
import { consulTemplateAgent } from './consul-template-agent';

const EMEI = ['roles: [control-plane, apiserver-lb]', 'roles: [control-plane, apiserver-lb, ingress]'] as const;

testRule(consulTemplateAgent, {
  valid: [
    { name: 'ingress on Consul servers (seed)', fixture: 'seed-ha' },
    { name: 'ingress on balancers with a Consul client (modern)', fixture: 'modern' },
    {
      name: 'an ingress host given a client agent',
      fixture: 'seed-ha',
      replacements: [[EMEI[0], 'roles: [control-plane, apiserver-lb, ingress, consul-client]']],
    },
  ],
  invalid: [
    {
      name: 'emei as ingress without an agent: consul-template reads the first server',
      fixture: 'seed-ha',
      replacements: [EMEI],
      errors: [
        {
          messageId: 'remoteAgent',
          message:
            'consul-template on emei reads the catalog from 192.168.0.129:8500, as emei runs no Consul agent: while that agent is down the ingress stops following the catalog; give emei the consul-client role and read 127.0.0.1:8500',
          line: 'roles: [control-plane, apiserver-lb, ingress]',
          column: 14,
          field: 'spec.hosts[2].roles',
          artifact: 'hosts/emei/etc/consul-template/config.hcl',
          hosts: ['emei'],
        },
      ],
    },
    {
      name: 'a config.hcl pointed away from the local agent',
      fixture: 'modern',
      files: { 'hosts/lb-2/etc/consul-template/config.hcl': (data: object) => ({ ...data, address: '10.20.0.51:8500' }) },
      errors: [
        {
          messageId: 'remoteAgent',
          message: "consul-template on lb-2 reads the catalog from 10.20.0.51:8500, not from lb-2's own agent",
          field: 'spec.hosts[8].roles',
          artifact: 'hosts/lb-2/etc/consul-template/config.hcl',
        },
      ],
    },
  ],
});
