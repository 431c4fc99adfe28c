import { testRule } from '@clusterspec/lint/testing';
import { harborEndpoint } from './harbor-endpoint';

testRule(harborEndpoint, {
  valid: [
    { name: 'externalURL is what the balancer serves', fixture: 'seed-ha' },
    { name: 'plain http listed in insecure-registries', fixture: 'edge' },
    { name: 'https on the ingress', fixture: 'modern' },
  ],
  invalid: [
    {
      name: "externalURL on the instances' port, not the balancer's (documents: hostname = node_public_ip:8060)",
      fixture: 'seed-ha',
      replacements: [['externalURL: http://hub.tonybai.com:8989', 'externalURL: http://hub.tonybai.com:8060']],
      errors: [
        {
          messageId: 'wrongPort',
          message:
            'externalURL http://hub.tonybai.com:8060 names port 8060, but the Harbor load balancer listens on 8989: pushes and token redirects go nowhere',
          line: 'externalURL: http://hub.tonybai.com:8060',
          column: 18,
          field: 'spec.harbor.externalURL',
        },
      ],
    },
    {
      name: "externalURL naming an instance's address instead of the balancer's",
      fixture: 'edge',
      replacements: [['externalURL: http://172.16.2.10:8088', 'externalURL: http://172.16.2.11:8088']],
      errors: [
        {
          messageId: 'notBalancerHost',
          message: 'externalURL http://172.16.2.11:8088 names 172.16.2.11, which is not a Harbor load balancer host (hlb 172.16.2.10)',
          line: 'externalURL: http://172.16.2.11:8088',
          column: 18,
          field: 'spec.harbor.externalURL',
        },
      ],
    },
    {
      name: 'a daemon.json without the plain-http Harbor in insecure-registries',
      fixture: 'edge',
      files: { 'hosts/h1/etc/docker/daemon.json': { dns: ['172.16.3.11'] } },
      errors: [
        {
          messageId: 'notInsecureRegistry',
          message:
            'Harbor is served over plain http at 172.16.2.10:8088, but Docker on h1 does not list it in insecure-registries: every push and pull there fails',
          line: 'hosts: [k1, k2, k3, w1, w2, h1, h2, h3]',
          column: 12,
          field: 'spec.docker.hosts',
          artifact: 'hosts/h1/etc/docker/daemon.json',
          hosts: ['h1'],
        },
      ],
    },
  ],
});
