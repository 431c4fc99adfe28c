import { testRule } from '@clusterspec/lint/testing';
import { registratorAgent } from './registrator-agent';

const POINT_IT = 'but no Consul agent runs there; point it at a host with the consul-server or consul-client role';
const SEED_DNS = 'dns: [consul, 8.8.8.8]';
const seedRegistrator = (consul: string) => [SEED_DNS, `${SEED_DNS}\n    registrator:\n      consul: ${consul}`] as const;
const EDGE_H1 = { line: 'consul: h1:8500', column: 15, field: 'spec.docker.registrator.consul' } as const;

testRule(registratorAgent, {
  valid: [
    { name: 'registrator on an agent chosen by clusterspec', fixture: 'seed-ha' },
    { name: 'registrator pointed at a Consul server by name', fixture: 'seed-ha', replacements: [seedRegistrator('consul-3:8500')] },
  ],
  invalid: [
    {
      name: 'registrator on localhost:8500 where no agent runs',
      fixture: 'seed-ha',
      replacements: [seedRegistrator('localhost:8500')],
      // shaolin, wudang, emei, node1, node2: the first host's unit stands for the five
      errors: [
        {
          messageId: 'noAgent',
          message: `registrator on 5 hosts (shaolin, wudang, emei and 2 more) writes to the Consul agent at localhost (the host itself), ${POINT_IT}`,
          line: 'consul: localhost:8500',
          column: 15,
          field: 'spec.docker.registrator.consul',
          artifact: 'hosts/shaolin/etc/systemd/system/registrator.service',
          hosts: ['shaolin', 'wudang', 'emei', 'node1', 'node2'],
        },
      ],
    },
    {
      name: 'registrator pointed at a host without an agent',
      fixture: 'edge',
      replacements: [['dns: [consul]', 'dns: [consul]\n    registrator:\n      consul: h1:8500']],
      // h1's own registrator apart: its message names h1 twice
      errors: [
        {
          messageId: 'noAgent',
          ...EDGE_H1,
          message: `registrator on 7 hosts (k1, k2, k3 and 4 more) writes to the Consul agent at h1, ${POINT_IT}`,
          artifact: 'hosts/k1/etc/systemd/system/registrator.service',
          hosts: ['k1', 'k2', 'k3', 'w1', 'w2', 'h2', 'h3'],
        },
        {
          messageId: 'noAgent',
          ...EDGE_H1,
          message: `registrator on h1 writes to the Consul agent at h1, ${POINT_IT}`,
          artifact: 'hosts/h1/etc/systemd/system/registrator.service',
          hosts: ['h1'],
        },
      ],
    },
  ],
});
