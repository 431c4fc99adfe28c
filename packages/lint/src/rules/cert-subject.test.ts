import { loadFixture } from '../../../../tests/support/fixtures';
import { collected } from '../../../../tests/support/deployed';
import { testRule } from '@clusterspec/lint/testing';
import { certSubject } from './cert-subject';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const ADMIN = 'cluster/kubeconfig/kubernetes-admin.crt';

testRule(certSubject, {
  valid: [
    { name: 'nothing collected', fixture: 'seed-ha' },
    { name: 'every client certificate with its planned subject', fixture: 'seed-ha', deployed: collected(seed) },
  ],
  invalid: [
    {
      name: 'the admin user with the wrong O',
      fixture: 'seed-ha',
      deployed: collected(seed, [{ path: ADMIN, change: { organizations: ['system:nodes'] } }]),
      errors: [
        {
          messageId: 'wrongSubject',
          message:
            'the certificate cluster/kubeconfig/kubernetes-admin.crt is for CN=kubernetes-admin, O=system:nodes, but kubernetes.users gives kubernetes-admin CN=kubernetes-admin, O=system:masters: the apiserver authenticates it as kubernetes-admin in system:nodes: see `clusterspec certs plan` for the re-issue',
          line: 'groups: [system:masters]',
          field: 'spec.kubernetes.users[0].groups',
          artifact: ADMIN,
        },
      ],
    },
    {
      name: "a kubelet certificate with another node's name",
      fixture: 'seed-ha',
      deployed: collected(seed, [{ host: 'emei', path: '/etc/kubernetes/pki/kubelet-emei.crt', change: { commonName: 'system:node:shaolin' } }]),
      errors: [
        {
          messageId: 'wrongSubject',
          message:
            'the certificate /etc/kubernetes/pki/kubelet-emei.crt on emei is for CN=system:node:shaolin, O=system:nodes, but the plan says CN=system:node:emei, O=system:nodes',
          line: '- name: emei',
          field: 'spec.hosts[2].name',
        },
      ],
    },
  ],
});
