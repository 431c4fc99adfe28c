import { testRule } from '@clusterspec/lint/testing';
import { publicRegistry } from './public-registry';

const KUBERNETES = '\n  kubernetes:\n';
const images = (lines: string): [string, string] => [KUBERNETES, `\n  images:\n${lines}${KUBERNETES.slice(1)}`];

testRule(publicRegistry, {
  valid: [
    { name: 'a site that is not air-gapped pulls from the public registries (modern)', fixture: 'modern' },
    {
      name: 'an air-gapped site whose images all come from its registry (modern)',
      fixture: 'modern',
      replacements: [images('    registry: registry.corp.example/k8s\n    airgapped: true\n')],
    },
    {
      name: "an air-gapped Harbor 1.1 site: Harbor's own images come from its offline installer (seed)",
      fixture: 'seed-ha',
      replacements: [images('    registry: hub.tonybai.com:8989/library\n    airgapped: true\n')],
    },
  ],
  invalid: [
    {
      name: 'air-gapped without a registry: the sandbox image and kubeadm default to registry.k8s.io',
      fixture: 'modern',
      replacements: [images('    airgapped: true\n')],
      errors: [
        {
          messageId: 'publicImage',
          message:
            '/etc/containerd/config.toml on 7 hosts (cp-1, cp-2, cp-3 and 4 more) names registry.k8s.io/pause:3.10.1, from the public registry registry.k8s.io: an air-gapped site cannot pull it',
          line: 'airgapped: true',
          hosts: ['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2', 'worker-3', 'worker-4'],
        },
        {
          messageId: 'kubeadmDefault',
          message:
            '/etc/kubernetes/kubeadm-config.yaml on cp-1 sets no imageRepository, so kubeadm pulls the control plane, etcd, CoreDNS, kube-proxy and pause from registry.k8s.io',
          line: 'airgapped: true',
        },
        {
          messageId: 'publicImage',
          message:
            '/etc/systemd/system/registrator.service on 6 hosts (harbor-1, harbor-2, worker-1 and 3 more) names gliderlabs/registrator:v7, from the public registry docker.io',
          line: 'airgapped: true',
        },
      ],
    },
    {
      name: 'a mirror for ghcr.io only: kube-vip moves, the per-node nginx stays on docker.io (vip-pernode)',
      fixture: 'vip-pernode',
      replacements: [
        images('    mirrors:\n      ghcr.io: registry.corp.example/ghcr\n      registry.k8s.io: registry.corp.example/k8s\n    airgapped: true\n'),
      ],
      errors: [
        {
          messageId: 'publicImage',
          message:
            '/etc/kubernetes/manifests/nginx-proxy.yaml on 3 hosts (node-1, node-2, node-3) names docker.io/library/nginx:1.28.0-alpine, from the public registry docker.io',
          line: 'airgapped: true',
          hosts: ['node-1', 'node-2', 'node-3'],
        },
      ],
    },
  ],
});
