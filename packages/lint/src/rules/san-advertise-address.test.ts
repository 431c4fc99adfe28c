import { collected } from '../../../../tests/support/deployed';
import { loadFixture } from '../../../../tests/support/fixtures';
import { testRule } from '@clusterspec/lint/testing';
import { seedWudangWith } from '../../../../tests/support/spec-edits';
import { sanAdvertiseAddress } from './san-advertise-address';

const KUBERNETES_SANS = 'kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local';
const OWN_CERTIFICATE = 'the address it advertises; give each control-plane host its own certificate';

testRule(sanAdvertiseAddress, {
  valid: [
    { name: 'each host its own certificate', fixture: 'seed-ha' },
    { name: 'each host its own certificate, as collected', fixture: 'seed-ha', deployed: collected(loadFixture('fixtures/seed-ha/cluster.yaml')) },
  ],
  invalid: [
    {
      name: "wudang serving a copy of shaolin's apiserver certificate",
      fixture: 'seed-ha',
      replacements: [seedWudangWith('apiServerCertificateFrom: shaolin')],
      errors: [
        {
          messageId: 'missingAdvertiseAddress',
          message: `the apiserver certificate on wudang (a copy of shaolin's) is valid for shaolin, ${KUBERNETES_SANS}, 10.96.0.1, 10.27.53.32, not 10.24.138.208, ${OWN_CERTIFICATE}`,
          line: 'apiServerCertificateFrom: shaolin',
          column: 33,
          field: 'spec.hosts[1].apiServerCertificateFrom',
          artifact: 'pki/plan.json',
        },
      ],
    },
    {
      name: "a kubeadm control-plane host serving another host's certificate",
      fixture: 'modern',
      replacements: [
        [
          '      address: 10.20.0.22\n      roles: [control-plane, consul-client]\n',
          '      address: 10.20.0.22\n      roles: [control-plane, consul-client]\n      apiServerCertificateFrom: cp-1\n',
        ],
      ],
      errors: [
        {
          messageId: 'missingAdvertiseAddress',
          message: `the apiserver certificate on cp-2 (a copy of cp-1's) is valid for cp-1, ${KUBERNETES_SANS}, k8s-api.corp.example, kubernetes.corp.example, 10.96.0.1, 10.20.0.21, 10.20.0.10, not 10.20.0.22, ${OWN_CERTIFICATE}`,
          line: 'apiServerCertificateFrom: cp-1',
          column: 33,
          field: 'spec.hosts[1].apiServerCertificateFrom',
          artifact: 'pki/plan.json',
        },
      ],
    },
    {
      name: "collected: wudang serves shaolin's certificate though the plan gives it its own",
      fixture: 'seed-ha',
      deployed: collected(loadFixture('fixtures/seed-ha/cluster.yaml'), [
        { host: 'wudang', path: '/etc/kubernetes/pki/apiserver-wudang.crt', change: { dnsNames: ['shaolin'], ipAddresses: ['10.96.0.1', '10.27.53.32'] } },
      ]),
      errors: [
        {
          messageId: 'deployedMissingAdvertiseAddress',
          message:
            'the certificate /etc/kubernetes/pki/apiserver-wudang.crt on wudang (as deployed) is valid for shaolin, 10.96.0.1, 10.27.53.32, not 10.24.138.208, the address wudang advertises: see `clusterspec certs plan` for the re-issue',
          line: '- name: wudang',
          field: 'spec.hosts[1].name',
          artifact: 'hosts/wudang/etc/kubernetes/pki/apiserver-wudang.crt',
        },
      ],
    },
  ],
});
