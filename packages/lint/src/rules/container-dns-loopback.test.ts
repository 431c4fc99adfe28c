import { testRule } from '@clusterspec/lint/testing';
import { containerDnsLoopback } from './container-dns-loopback';

const NOTHING_ANSWERS = "their own loopback, where nothing answers; use the host's address (write consul for Consul DNS)";

testRule(containerDnsLoopback, {
  valid: [
    { name: 'consul and a public server', fixture: 'seed-ha' },
    { name: 'consul alone', fixture: 'edge' },
  ],
  invalid: [
    {
      name: 'containers told to use 127.0.0.1',
      fixture: 'seed-ha',
      replacements: [['dns: [consul, 8.8.8.8]', 'dns: [127.0.0.1, 8.8.8.8]']],
      // one diagnostic for every Docker host, the first host's daemon.json standing for the eight
      errors: [
        {
          messageId: 'loopback',
          message: `containers on 8 hosts (shaolin, wudang, emei and 5 more) are told to use DNS at 127.0.0.1, ${NOTHING_ANSWERS}`,
          line: 'dns: [127.0.0.1, 8.8.8.8]',
          column: 11,
          field: 'spec.docker.dns[0]',
          artifact: 'hosts/shaolin/etc/docker/daemon.json',
          hosts: ['shaolin', 'wudang', 'emei', 'node1', 'node2', 'consul-1', 'consul-2', 'consul-3'],
        },
      ],
    },
    {
      name: "containers told to use systemd-resolved's 127.0.0.53",
      fixture: 'edge',
      replacements: [['dns: [consul]', 'dns: [consul, 127.0.0.53]']],
      errors: [
        {
          messageId: 'loopback',
          message: `containers on 8 hosts (k1, k2, k3 and 5 more) are told to use DNS at 127.0.0.53, ${NOTHING_ANSWERS}`,
          line: 'dns: [consul, 127.0.0.53]',
          column: 19,
          field: 'spec.docker.dns[1]',
          artifact: 'hosts/k1/etc/docker/daemon.json',
          hosts: ['k1', 'k2', 'k3', 'w1', 'w2', 'h1', 'h2', 'h3'],
        },
      ],
    },
  ],
});
