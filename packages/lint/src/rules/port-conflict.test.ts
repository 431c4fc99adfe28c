import { testRule } from '@clusterspec/lint/testing';
import { portConflict } from './port-conflict';

// Fixed listeners (apiserver, balancers, Harbor, ingress, Consul) against each other, then the Consul
// services' own ports, on every Docker host (where registrator registers them).
const WEB_PORT = '      - name: web\n        port: 8081\n';
const webOn = (port: number) => [[WEB_PORT, `      - name: web\n        port: ${port}\n`]] as const;
const MODERN_DOCKER_HOSTS = ['worker-1', 'worker-2', 'worker-3', 'worker-4', 'harbor-1', 'harbor-2'];

testRule(portConflict, {
  valid: [
    { name: 'modern: Harbor, ingress and Consul apart', fixture: 'modern' },
    { name: "seed: Harbor's proxy moved off 80 to 8060", fixture: 'seed-ha' },
    { name: 'edge: a dedicated LB host on the apiserver port', fixture: 'edge' },
    { name: 'modern: a service on the apiserver port, where no Docker host runs an apiserver', fixture: 'modern', replacements: webOn(6443) },
    {
      name: 'seed: a service without a port',
      fixture: 'seed-ha',
      replacements: [['      - name: httpbackend\n        port: 8081\n', '      - name: httpbackend\n']],
    },
  ],
  invalid: [
    {
      name: 'Harbor balanced on port 80 where the ingress listens',
      fixture: 'seed-ha',
      replacements: [
        ['externalURL: http://hub.tonybai.com:8989', 'externalURL: http://hub.tonybai.com'],
        ['      hosts: [consul-1, consul-2]\n      port: 8989\n', '      hosts: [consul-1, consul-2]\n      port: 80\n'],
      ],
      errors: [
        {
          messageId: 'sharedPort',
          message: 'ingress http for httpfront and Harbor load balancer both listen on port 80 on 2 hosts (consul-1, consul-2)',
          line: '      port: 80', // the Harbor port, not the ingress service or the roles
          column: 13,
          field: 'spec.harbor.loadBalancer.port',
          hosts: ['consul-1', 'consul-2'],
        },
      ],
    },
    {
      name: "Harbor's proxy on the Consul agent's HTTP port",
      fixture: 'modern',
      replacements: [['httpPort: 8080', 'httpPort: 8500']],
      errors: [
        {
          messageId: 'sharedPort',
          message: 'Consul HTTP API and Harbor proxy both listen on port 8500 on 2 hosts (harbor-1, harbor-2)',
          line: 'httpPort: 8500',
          column: 15,
          field: 'spec.harbor.httpPort',
          hosts: ['harbor-1', 'harbor-2'],
        },
      ],
    },
    {
      name: "the legacy controller-manager's port taken by the apiserver",
      fixture: 'seed-ha',
      replacements: [['bindPort: 6443', 'bindPort: 10252']],
      errors: [
        {
          messageId: 'sharedPort',
          message: 'kube-controller-manager and kube-apiserver both listen on port 10252 on 3 hosts (shaolin, wudang, emei)',
          line: 'bindPort: 10252',
          column: 17,
          field: 'spec.kubernetes.apiServer.bindPort',
          hosts: ['shaolin', 'wudang', 'emei'],
        },
      ],
    },
    {
      name: "a service on the kubelet's port",
      fixture: 'modern',
      replacements: webOn(10250),
      errors: [
        {
          messageId: 'sharedPort',
          message: 'service web and kubelet both listen on port 10250 on 4 hosts (worker-1, worker-2, worker-3 and 1 more)',
          line: 'port: 10250',
          field: 'spec.consul.services[0].port',
          hosts: ['worker-1', 'worker-2', 'worker-3', 'worker-4'],
        },
      ],
    },
    {
      name: "a service on Harbor's httpPort",
      fixture: 'modern',
      replacements: webOn(8080),
      errors: [
        {
          messageId: 'sharedPort',
          message: 'service web and Harbor proxy both listen on port 8080 on 2 hosts (harbor-1, harbor-2)',
          field: 'spec.consul.services[0].port',
          hosts: ['harbor-1', 'harbor-2'],
        },
      ],
    },
    {
      name: "a service on Consul's HTTP API port",
      fixture: 'modern',
      replacements: webOn(8500),
      errors: [
        {
          messageId: 'sharedPort',
          message: 'service web and Consul HTTP API both listen on port 8500 on 6 hosts (worker-1, worker-2, worker-3 and 3 more)',
          hosts: MODERN_DOCKER_HOSTS,
        },
      ],
    },
    {
      name: 'two http services sharing a port',
      fixture: 'modern',
      replacements: [['      - name: api\n        port: 8082\n', '      - name: api\n        port: 8081   # the port of web too\n']],
      errors: [
        {
          messageId: 'sharedPort',
          message: 'service api and service web both listen on port 8081 on 6 hosts (worker-1, worker-2, worker-3 and 3 more)',
          line: 'the port of web too',
          field: 'spec.consul.services[1].port',
          hosts: MODERN_DOCKER_HOSTS,
        },
      ],
    },
    {
      name: "a service on the apiserver balancer's port, on the balancer host",
      fixture: 'seed-ha',
      replacements: [['      - name: httpbackend\n        port: 8081\n', '      - name: httpbackend\n        port: 8443\n']],
      errors: [
        {
          messageId: 'sharedPort',
          message: 'service httpbackend and apiserver load balancer both listen on port 8443 on emei',
          field: 'spec.consul.services[0].port',
          hosts: ['emei'],
        },
      ],
    },
  ],
});
