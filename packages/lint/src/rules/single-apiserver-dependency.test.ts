import { testRule } from '@clusterspec/lint/testing';
import { seedKubeProxy } from '../../../../tests/support/spec-edits';
import { singleApiServerDependency } from './single-apiserver-dependency';

const LOSES_THE_CLUSTER = 'when that host is down it loses the cluster: dial controlPlaneEndpoint';
const SEED_LB = `${LOSES_THE_CLUSTER} (kubernetes.default.svc:8443) through the load balancer`;
const KUBE_PROXY = { column: 15, field: 'spec.kubernetes.kubeProxy.server', artifact: 'cluster/kube-proxy-configmap.yaml' } as const;

testRule(singleApiServerDependency, {
  valid: [
    { name: 'kube-proxy through the load balancer', fixture: 'seed-ha', replacements: [seedKubeProxy('https://kubernetes.default.svc:8443')] },
    { name: 'everything through the virtual address', fixture: 'modern' },
  ],
  invalid: [
    {
      name: "kube-proxy pinned to shaolin (documents: kubeadm's kube-proxy configmap)",
      fixture: 'seed-ha',
      replacements: [seedKubeProxy('https://10.27.53.32:6443')],
      // kube-proxy on wudang and emei as one; on shaolin apart (its message names shaolin twice)
      errors: [
        {
          messageId: 'oneApiServer',
          ...KUBE_PROXY,
          line: 'server: https://10.27.53.32:6443',
          message: `kube-proxy on 2 hosts (wudang, emei) dials 10.27.53.32:6443, which reaches only shaolin directly; ${SEED_LB}`,
          hosts: ['wudang', 'emei'],
        },
        {
          messageId: 'oneApiServer',
          ...KUBE_PROXY,
          line: 'server: https://10.27.53.32:6443',
          message: `kube-proxy on shaolin dials 10.27.53.32:6443, which reaches only shaolin directly; ${SEED_LB}`,
          hosts: ['shaolin'],
        },
      ],
    },
    {
      name: 'kube-proxy dialling the endpoint name on the apiserver port (a fix that /etc/hosts still maps to one host)',
      fixture: 'seed-ha',
      replacements: [seedKubeProxy('https://kubernetes.default.svc:6443')],
      errors: [
        {
          messageId: 'oneApiServer',
          ...KUBE_PROXY,
          line: 'server: https://kubernetes.default.svc:6443',
          message: `kube-proxy on 2 hosts (shaolin, wudang) dials kubernetes.default.svc:6443, which reaches only emei directly; ${SEED_LB}`,
          hosts: ['shaolin', 'wudang'],
        },
        {
          messageId: 'oneApiServer',
          ...KUBE_PROXY,
          line: 'server: https://kubernetes.default.svc:6443',
          message: `kube-proxy on emei dials kubernetes.default.svc:6443, which reaches only emei directly; ${SEED_LB}`,
          hosts: ['emei'],
        },
      ],
    },
    {
      name: 'a user pinned to one kubeadm apiserver',
      fixture: 'modern',
      replacements: [['        groups: [auditors]\n', '        groups: [auditors]\n        server: https://10.20.0.21:6443\n']],
      errors: [
        {
          messageId: 'oneApiServer',
          message: `user bob dials 10.20.0.21:6443, which reaches only cp-1 directly; ${LOSES_THE_CLUSTER} (k8s-api.corp.example:8443) through the load balancer`,
          line: 'server: https://10.20.0.21:6443',
          column: 17,
          field: 'spec.kubernetes.users[2].server',
          artifact: 'cluster/kubeconfig/bob.conf',
        },
      ],
    },
  ],
});
