import { testRule } from '../../../../tests/support/rule-tester';
import { endpointUnreachable } from './endpoint-unreachable';

// The cases of the rule's first half (wrong port, unmapped name) are still in ../rules.test.ts.
const NOWHERE = 'but no host and no virtualAddress of the site has that address, so nothing there serves the apiserver; dial an apiserver-lb host, the virtualAddress, or a name the generated /etc/hosts maps to them';
const WORKERS = ['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2', 'worker-3', 'worker-4'];

testRule(endpointUnreachable, {
  valid: [
    { name: 'modern: a name mapped to the virtual address', fixture: 'modern' },
    { name: 'edge: the address of its balancer host', fixture: 'edge' },
    { name: 'modern: the virtual address itself', fixture: 'modern', replacements: [['controlPlaneEndpoint: k8s-api.corp.example:8443', 'controlPlaneEndpoint: 10.20.0.10:8443']] },
    { name: 'modern: a balancer host by address', fixture: 'modern', replacements: [['controlPlaneEndpoint: k8s-api.corp.example:8443', 'controlPlaneEndpoint: 10.20.0.12:8443']] },
  ],
  invalid: [
    {
      name: 'controlPlaneEndpoint an address where no host or virtual address is: every client, grouped per kind',
      fixture: 'modern',
      replacements: [['controlPlaneEndpoint: k8s-api.corp.example:8443', 'controlPlaneEndpoint: 10.20.0.99:8443']],
      errors: [
        { message: `kube-proxy on 7 hosts (cp-1, cp-2, cp-3 and 4 more) dials 10.20.0.99:8443, ${NOWHERE}`, line: 'controlPlaneEndpoint: 10.20.0.99:8443', field: 'spec.kubernetes.controlPlaneEndpoint', artifact: 'cluster/kube-proxy-configmap.yaml', hosts: WORKERS },
        { message: `kubelet on 7 hosts (cp-1, cp-2, cp-3 and 4 more) dials 10.20.0.99:8443, ${NOWHERE}`, artifact: 'hosts/cp-1/etc/kubernetes/kubeadm-config.yaml', hosts: WORKERS },
        { message: `user alice dials 10.20.0.99:8443, ${NOWHERE}`, artifact: 'cluster/kubeconfig/alice.conf' },
        { message: `user bob dials 10.20.0.99:8443, ${NOWHERE}` },
        { message: `user kubernetes-admin dials 10.20.0.99:8443, ${NOWHERE}` },
      ],
    },
    {
      name: "a user's server at an address outside the site",
      fixture: 'seed-ha',
      replacements: [['        groups: [system:masters]\n', '        groups: [system:masters]\n        server: https://10.27.52.99:8443\n']],
      errors: [{ message: `user kubernetes-admin dials 10.27.52.99:8443, ${NOWHERE}`, line: 'server: https://10.27.52.99:8443', field: 'spec.kubernetes.users[0].server' }],
    },
  ],
});
