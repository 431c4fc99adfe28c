import { testRule } from '@clusterspec/lint/testing';
import { consulDnsUnreachable } from './consul-dns-unreachable';

const EDGE_DNS_THROUGH_H1 = { line: 'dns: [consul, 172.16.2.11]', column: 19, field: 'spec.docker.dns[1]' } as const;

testRule(consulDnsUnreachable, {
  valid: [
    { name: 'consul on port 53, on every host', fixture: 'seed-ha' },
    { name: 'consul on port 53, clients everywhere', fixture: 'edge' },
  ],
  invalid: [
    {
      name: 'Consul DNS left on port 8600',
      fixture: 'seed-ha',
      replacements: [['dnsPort: 53', 'dnsPort: 8600']],
      errors: [
        {
          messageId: 'dnsPortNot53',
          message:
            'Docker containers are told to use Consul DNS, but Consul answers on port 8600; daemon.json and resolv.conf cannot name a port, so only 53 works',
          line: 'dnsPort: 8600',
          column: 14,
          field: 'spec.consul.dnsPort',
        },
      ],
    },
    {
      name: 'containers resolving through a host with no Consul agent',
      fixture: 'edge',
      replacements: [['dns: [consul]', 'dns: [consul, 172.16.2.11]']],
      // h1's own containers apart: their message names h1 twice
      errors: [
        {
          messageId: 'noAgentAtServer',
          ...EDGE_DNS_THROUGH_H1,
          message: 'containers on 7 hosts (k1, k2, k3 and 4 more) resolve through 172.16.2.11 (h1), where no Consul agent answers DNS',
          artifact: 'hosts/k1/etc/docker/daemon.json',
          hosts: ['k1', 'k2', 'k3', 'w1', 'w2', 'h2', 'h3'],
        },
        {
          messageId: 'noAgentAtServer',
          ...EDGE_DNS_THROUGH_H1,
          message: 'containers on h1 resolve through 172.16.2.11 (h1), where no Consul agent answers DNS',
          artifact: 'hosts/h1/etc/docker/daemon.json',
          hosts: ['h1'],
        },
      ],
    },
  ],
});
