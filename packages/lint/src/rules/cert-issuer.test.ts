import { loadFixture } from '../../../../tests/support/fixtures';
import { collected } from '../../../../tests/support/deployed';
import { testRule } from '@clusterspec/lint/testing';
import { certIssuer } from './cert-issuer';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');

testRule(certIssuer, {
  valid: [
    { name: 'nothing collected', fixture: 'seed-ha' },
    { name: 'every certificate signed by its CA, every host the same CAs', fixture: 'seed-ha', deployed: collected(seed) },
  ],
  invalid: [
    {
      name: 'an apiserver certificate from another CA, an etcd certificate signed by the cluster CA instead of etcd’s',
      fixture: 'seed-ha',
      deployed: collected(seed, [
        { host: 'emei', path: '/etc/kubernetes/pki/apiserver-emei.crt', change: { issuer: 'CN=kubernetes', signedBy: undefined } },
        { host: 'wudang', path: '/etc/kubernetes/pki/etcd/peer-wudang.crt', change: { issuer: 'CN=kubernetes', signedBy: 'CLUSTER-CA' } },
      ]),
      errors: [
        {
          messageId: 'notSignedByCa',
          message:
            "the certificate /etc/kubernetes/pki/etcd/peer-wudang.crt on wudang is not signed by the CA /etc/kubernetes/pki/etcd/ca.crt (as on shaolin): its issuer is CN=kubernetes, another CA, so clients and servers trusting the site's CA refuse it: see `clusterspec certs plan` for the re-issue",
          line: '- name: wudang',
          artifact: 'hosts/wudang/etc/kubernetes/pki/etcd/peer-wudang.crt',
        },
        {
          messageId: 'notSignedByCa',
          message:
            'the certificate /etc/kubernetes/pki/apiserver-emei.crt on emei is not signed by the CA /etc/kubernetes/pki/ca.crt (as on shaolin): its issuer is CN=kubernetes, a CA not collected in the folder',
          line: '- name: emei',
          field: 'spec.hosts[2].name',
        },
      ],
    },
    {
      name: 'a host holding another cluster CA',
      fixture: 'seed-ha',
      deployed: collected(seed, [{ host: 'emei', path: '/etc/kubernetes/pki/ca.crt', change: { fingerprint: 'OTHER-CA', subject: 'CN=kubernetes-old' } }]),
      errors: [
        {
          messageId: 'anotherCa',
          message:
            "the certificate /etc/kubernetes/pki/ca.crt on emei is not the site's CA: shaolin holds another one (CN=kubernetes-old vs CN=kubernetes, fingerprints differ)",
          line: '- name: emei',
        },
      ],
    },
  ],
});
