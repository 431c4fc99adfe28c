import { testRule } from '@clusterspec/lint/testing';
import { registratorRemoteAgent } from './registrator-remote-agent';

const tail = (agent: string) =>
  `registers its containers on the Consul agent of ${agent}, as services of node ${agent}: they leave the ingress when ${agent} dies, though they still run, and those of a dead Docker host only when their 30s TTL check expires; give the Docker host the consul-client role so that registrator uses its own agent`;

testRule(registratorRemoteAgent, {
  valid: [
    { name: 'every Docker host runs its own agent', fixture: 'modern' },
    {
      name: "the seed site's Docker hosts given the consul-client role",
      fixture: 'seed-ha',
      replacements: [
        [/roles: \[control-plane\]/g, 'roles: [control-plane, consul-client]'],
        ['roles: [control-plane, apiserver-lb]', 'roles: [control-plane, apiserver-lb, consul-client]'],
        [/roles: \[harbor\]/g, 'roles: [harbor, consul-client]'],
      ],
    },
  ],
  invalid: [
    {
      name: "the seed site: five Docker hosts without an agent register through consul-1's",
      fixture: 'seed-ha',
      errors: [
        {
          messageId: 'remoteAgent',
          message: `registrator on 5 hosts (shaolin, wudang, emei and 2 more) ${tail('consul-1')}`,
          field: 'spec.docker.hosts',
          artifact: 'hosts/shaolin/etc/systemd/system/registrator.service',
          hosts: ['shaolin', 'wudang', 'emei', 'node1', 'node2'],
        },
      ],
    },
    {
      name: 'registrator pointed at a named server from a host with its own agent',
      fixture: 'modern',
      replacements: [['dns: [consul]', 'dns: [consul]\n    registrator:\n      consul: consul-1:8500']],
      errors: [
        {
          messageId: 'remoteAgent',
          message: `registrator on 6 hosts (worker-1, worker-2, worker-3 and 3 more) ${tail('consul-1')}`,
          field: 'spec.docker.registrator.consul',
          artifact: 'hosts/worker-1/etc/systemd/system/registrator.service',
          hosts: ['worker-1', 'worker-2', 'worker-3', 'worker-4', 'harbor-1', 'harbor-2'],
        },
      ],
    },
  ],
});
