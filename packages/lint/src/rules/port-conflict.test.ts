import { testRule } from '../../../../tests/support/rule-tester';
import { portConflict } from './port-conflict';

// The rule's cases among fixed listeners (Harbor on the ingress port, ...) are still in ../rules.test.ts;
// these are the Consul services' own ports, on every Docker host (where registrator registers them).
const WEB_PORT = '      - name: web\n        port: 8081\n';
const webOn = (port: number) => [[WEB_PORT, `      - name: web\n        port: ${port}\n`]] as const;
const MODERN_DOCKER_HOSTS = ['worker-1', 'worker-2', 'worker-3', 'worker-4', 'harbor-1', 'harbor-2'];

testRule(portConflict, {
  valid: [
    { name: 'modern', fixture: 'modern' },
    { name: 'seed', fixture: 'seed-ha' },
    { name: 'edge', fixture: 'edge' },
    { name: "modern: a service on the apiserver port, where no Docker host runs an apiserver", fixture: 'modern', replacements: webOn(6443) },
    { name: 'seed: a service without a port', fixture: 'seed-ha', replacements: [['      - name: httpbackend\n        port: 8081\n', '      - name: httpbackend\n']] },
  ],
  invalid: [
    {
      name: "a service on the kubelet's port",
      fixture: 'modern',
      replacements: webOn(10250),
      errors: [
        {
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
      errors: [{ message: 'service web and Harbor proxy both listen on port 8080 on 2 hosts (harbor-1, harbor-2)', field: 'spec.consul.services[0].port', hosts: ['harbor-1', 'harbor-2'] }],
    },
    {
      name: "a service on Consul's HTTP API port",
      fixture: 'modern',
      replacements: webOn(8500),
      errors: [{ message: 'service web and Consul HTTP API both listen on port 8500 on 6 hosts (worker-1, worker-2, worker-3 and 3 more)', hosts: MODERN_DOCKER_HOSTS }],
    },
    {
      name: 'two http services sharing a port',
      fixture: 'modern',
      replacements: [['      - name: api\n        port: 8082\n', '      - name: api\n        port: 8081   # the port of web too\n']],
      errors: [{ message: 'service api and service web both listen on port 8081 on 6 hosts (worker-1, worker-2, worker-3 and 3 more)', line: 'the port of web too', field: 'spec.consul.services[1].port', hosts: MODERN_DOCKER_HOSTS }],
    },
    {
      name: "a service on the apiserver balancer's port, on the balancer host",
      fixture: 'seed-ha',
      replacements: [['      - name: httpbackend\n        port: 8081\n', '      - name: httpbackend\n        port: 8443\n']],
      errors: [{ message: 'service httpbackend and apiserver load balancer both listen on port 8443 on emei', field: 'spec.consul.services[0].port', hosts: ['emei'] }],
    },
  ],
});
