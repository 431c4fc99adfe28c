import { loadFixture } from '../../../../tests/support/fixtures';
import { collected } from '../../../../tests/support/deployed';
import { testRule } from '@clusterspec/lint/testing';
import { certUsage } from './cert-usage';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');

testRule(certUsage, {
  valid: [
    { name: 'nothing collected', fixture: 'seed-ha' },
    { name: 'each certificate with its usages', fixture: 'seed-ha', deployed: collected(seed) },
    {
      name: 'no extended key usage extension at all (any purpose, RFC 5280)',
      fixture: 'seed-ha',
      deployed: collected(seed, [{ host: 'shaolin', path: '/etc/kubernetes/pki/apiserver-shaolin.crt', change: { extendedKeyUsages: undefined } }]),
    },
  ],
  invalid: [
    {
      name: 'an apiserver certificate issued as a client one, a kubelet certificate as a server one, an etcd peer without clientAuth',
      fixture: 'seed-ha',
      deployed: collected(seed, [
        { host: 'shaolin', path: '/etc/kubernetes/pki/apiserver-shaolin.crt', change: { extendedKeyUsages: ['clientAuth'] } },
        { host: 'wudang', path: '/etc/kubernetes/pki/kubelet-wudang.crt', change: { extendedKeyUsages: ['serverAuth'] } },
        { host: 'emei', path: '/etc/kubernetes/pki/etcd/peer-emei.crt', change: { extendedKeyUsages: ['serverAuth'] } },
      ]),
      errors: [
        {
          messageId: 'missingUsage',
          message:
            'the certificate /etc/kubernetes/pki/apiserver-shaolin.crt on shaolin is a server certificate without serverAuth in its extended key usage (it has clientAuth): TLS clients refuse it as a server certificate: see `clusterspec certs plan` for the re-issue',
          line: '- name: shaolin',
          artifact: 'hosts/shaolin/etc/kubernetes/pki/apiserver-shaolin.crt',
        },
        {
          messageId: 'missingUsage',
          message:
            'the certificate /etc/kubernetes/pki/kubelet-wudang.crt on wudang is a client certificate without clientAuth in its extended key usage (it has serverAuth): servers refuse it as a client certificate',
          line: '- name: wudang',
        },
        {
          messageId: 'missingUsage',
          message: 'the certificate /etc/kubernetes/pki/etcd/peer-emei.crt on emei is a peer certificate without clientAuth',
          line: '- name: emei',
        },
      ],
    },
  ],
});
