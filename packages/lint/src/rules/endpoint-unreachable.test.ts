import { testRule, type ExpectedError } from '@clusterspec/lint/testing';
import { seedKubeProxy, seedUserServer } from '../../../../tests/support/spec-edits';
import { endpointUnreachable } from './endpoint-unreachable';

const NOWHERE =
  'but no host and no virtualAddress of the site has that address, so nothing there serves the apiserver; dial an apiserver-lb host, the virtualAddress, or a name the generated /etc/hosts maps to them';
const WRONG_PORT = (port: number) => `but nothing there serves the apiserver on port ${port}: the load balancer listens on 8443, apiservers on 6443`;
const WORKERS = ['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2', 'worker-3', 'worker-4'];
const MODERN_ENDPOINT = 'controlPlaneEndpoint: k8s-api.corp.example:8443';

/** A finding of the modern site whose controlPlaneEndpoint names the apiserver port, 6443, instead of the balancers' 8443. */
const modernOn6443 = (client: string, artifact: string, hosts?: readonly string[]): ExpectedError => ({
  messageId: 'wrongPort',
  message: `${client} dials k8s-api.corp.example:6443 (10.20.0.10), ${WRONG_PORT(6443)}`,
  line: 'controlPlaneEndpoint: k8s-api.corp.example:6443',
  column: 27,
  field: 'spec.kubernetes.controlPlaneEndpoint',
  artifact,
  hosts,
});

testRule(endpointUnreachable, {
  valid: [
    { name: 'modern: a name mapped to the virtual address', fixture: 'modern' },
    { name: 'edge: the endpoint as the address of its balancer host, on the apiserver port, where the balancer listens', fixture: 'edge' },
    { name: 'modern: the virtual address itself', fixture: 'modern', replacements: [[MODERN_ENDPOINT, 'controlPlaneEndpoint: 10.20.0.10:8443']] },
    { name: 'modern: a balancer host by address', fixture: 'modern', replacements: [[MODERN_ENDPOINT, 'controlPlaneEndpoint: 10.20.0.12:8443']] },
    { name: 'seed: a user dialling the load balancer port', fixture: 'seed-ha', replacements: [seedUserServer('https://kubernetes.default.svc:8443')] },
  ],
  invalid: [
    {
      name: 'a user dialling the LB host on a port nothing serves',
      fixture: 'seed-ha',
      replacements: [seedUserServer('https://10.27.52.72:9443')],
      errors: [
        {
          messageId: 'wrongPort',
          message: `user kubernetes-admin dials 10.27.52.72:9443 (10.27.52.72), ${WRONG_PORT(9443)}`,
          line: 'server: https://10.27.52.72:9443',
          column: 17,
          field: 'spec.kubernetes.users[0].server',
          artifact: 'cluster/kubeconfig/kubernetes-admin.conf',
        },
      ],
    },
    {
      name: 'controlPlaneEndpoint on the apiserver port while the balancers listen on 8443: every client, grouped per kind',
      fixture: 'modern',
      replacements: [[MODERN_ENDPOINT, 'controlPlaneEndpoint: k8s-api.corp.example:6443']],
      // the 7 kube-proxies as one, the 7 kubelets (kubeadm-config) as one, each of the 3 users
      errors: [
        modernOn6443('kube-proxy on 7 hosts (cp-1, cp-2, cp-3 and 4 more)', 'cluster/kube-proxy-configmap.yaml', WORKERS),
        modernOn6443('kubelet on 7 hosts (cp-1, cp-2, cp-3 and 4 more)', 'hosts/cp-1/etc/kubernetes/kubeadm-config.yaml', WORKERS),
        modernOn6443('user alice', 'cluster/kubeconfig/alice.conf'),
        modernOn6443('user bob', 'cluster/kubeconfig/bob.conf'),
        modernOn6443('user kubernetes-admin', 'cluster/kubeconfig/kubernetes-admin.conf'),
      ],
    },
    {
      name: 'kube-proxy dialling a name no generated /etc/hosts maps',
      fixture: 'seed-ha',
      replacements: [seedKubeProxy('https://api.nowhere.example:8443')],
      errors: [
        {
          messageId: 'unresolved',
          message:
            'kube-proxy on 3 hosts (shaolin, wudang, emei) dials api.nowhere.example, which the generated /etc/hosts there does not map and which is not an address; add an apiserver-lb host or a virtualAddress, or make sure DNS has it',
          line: 'server: https://api.nowhere.example:8443',
          column: 15,
          field: 'spec.kubernetes.kubeProxy.server',
          artifact: 'cluster/kube-proxy-configmap.yaml',
          hosts: ['shaolin', 'wudang', 'emei'],
        },
      ],
    },
    {
      name: 'controlPlaneEndpoint an address where no host or virtual address is: every client, grouped per kind',
      fixture: 'modern',
      replacements: [[MODERN_ENDPOINT, 'controlPlaneEndpoint: 10.20.0.99:8443']],
      errors: [
        {
          messageId: 'noHostAtAddress',
          message: `kube-proxy on 7 hosts (cp-1, cp-2, cp-3 and 4 more) dials 10.20.0.99:8443, ${NOWHERE}`,
          line: 'controlPlaneEndpoint: 10.20.0.99:8443',
          field: 'spec.kubernetes.controlPlaneEndpoint',
          artifact: 'cluster/kube-proxy-configmap.yaml',
          hosts: WORKERS,
        },
        {
          messageId: 'noHostAtAddress',
          message: `kubelet on 7 hosts (cp-1, cp-2, cp-3 and 4 more) dials 10.20.0.99:8443, ${NOWHERE}`,
          artifact: 'hosts/cp-1/etc/kubernetes/kubeadm-config.yaml',
          hosts: WORKERS,
        },
        { messageId: 'noHostAtAddress', message: `user alice dials 10.20.0.99:8443, ${NOWHERE}`, artifact: 'cluster/kubeconfig/alice.conf' },
        { messageId: 'noHostAtAddress', message: `user bob dials 10.20.0.99:8443, ${NOWHERE}` },
        { messageId: 'noHostAtAddress', message: `user kubernetes-admin dials 10.20.0.99:8443, ${NOWHERE}` },
      ],
    },
    {
      name: "a user's server at an address outside the site",
      fixture: 'seed-ha',
      replacements: [seedUserServer('https://10.27.52.99:8443')],
      errors: [
        {
          messageId: 'noHostAtAddress',
          message: `user kubernetes-admin dials 10.27.52.99:8443, ${NOWHERE}`,
          line: 'server: https://10.27.52.99:8443',
          field: 'spec.kubernetes.users[0].server',
        },
      ],
    },
  ],
});
