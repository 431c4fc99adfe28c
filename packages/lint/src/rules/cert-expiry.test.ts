import { loadFixture } from '../../../../tests/support/fixtures';
import { collected, daysFromNow } from '../../../../tests/support/deployed';
import { testRule } from '@clusterspec/lint/testing';
import { certExpiry } from './cert-expiry';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const APISERVER_WUDANG = '/etc/kubernetes/pki/apiserver-wudang.crt';

testRule(certExpiry, {
  valid: [
    { name: 'nothing collected: nothing to judge', fixture: 'seed-ha' },
    { name: 'every certificate 265 days from expiry', fixture: 'seed-ha', deployed: collected(seed) },
    {
      name: 'expiring in 31 days, outside the 30-day window',
      fixture: 'seed-ha',
      deployed: collected(seed, [{ host: 'wudang', path: APISERVER_WUDANG, change: { notAfter: daysFromNow(31) } }]),
    },
  ],
  invalid: [
    {
      name: 'an expired apiserver certificate (error) and an expiring user certificate (warning)',
      fixture: 'seed-ha',
      deployed: collected(seed, [
        { host: 'wudang', path: APISERVER_WUDANG, change: { notAfter: daysFromNow(-3) } },
        { path: 'cluster/kubeconfig/kubernetes-admin.crt', change: { notAfter: daysFromNow(12) } },
      ]),
      errors: [
        {
          messageId: 'expired',
          message:
            'the certificate /etc/kubernetes/pki/apiserver-wudang.crt on wudang expired on 2026-05-29 (3 days ago); every TLS handshake with it fails: see `clusterspec certs plan` for the re-issue',
          line: '- name: wudang',
          field: 'spec.hosts[1].name',
          artifact: 'hosts/wudang/etc/kubernetes/pki/apiserver-wudang.crt',
        },
        {
          messageId: 'expiresSoon',
          message:
            'the certificate cluster/kubeconfig/kubernetes-admin.crt expires on 2026-06-13, in 12 days (the warning window is 30 days, spec.kubernetes.certificates.expiryWarningDays): see `clusterspec certs plan` for the re-issue',
          line: '- name: kubernetes-admin',
          field: 'spec.kubernetes.users[0].name',
          artifact: 'cluster/kubeconfig/kubernetes-admin.crt',
          severity: 'warning',
        },
      ],
    },
    {
      name: 'the window the spec sets',
      fixture: 'seed-ha',
      replacements: [['    controlPlane:\n', '    certificates:\n      expiryWarningDays: 90\n    controlPlane:\n']],
      deployed: collected(seed, [{ host: 'emei', path: '/etc/kubernetes/pki/etcd/server-emei.crt', change: { notAfter: daysFromNow(60) } }]),
      errors: [
        {
          messageId: 'expiresSoon',
          message: 'the certificate /etc/kubernetes/pki/etcd/server-emei.crt on emei expires on 2026-07-31, in 60 days (the warning window is 90 days',
          line: '- name: emei',
          severity: 'warning',
        },
      ],
    },
    {
      name: 'a certificate not yet valid (the issuing host’s clock ahead)',
      fixture: 'seed-ha',
      deployed: collected(seed, [{ host: 'shaolin', path: '/etc/kubernetes/pki/kubelet-shaolin.crt', change: { notBefore: daysFromNow(2) } }]),
      errors: [
        {
          messageId: 'notYetValid',
          message:
            'the certificate /etc/kubernetes/pki/kubelet-shaolin.crt on shaolin is not valid before 2026-06-03: check the clock of the host that issued it',
          line: '- name: shaolin',
        },
      ],
    },
  ],
});
