import { collected } from '../../../../tests/support/deployed';
import { loadFixture } from '../../../../tests/support/fixtures';
import { testRule } from '@clusterspec/lint/testing';
import { seedUserServer, seedWudangWith } from '../../../../tests/support/spec-edits';
import { sanCoverage } from './san-coverage';

/** The names every apiserver certificate of the seed site carries besides its host's name and address. */
const SEED_SANS = 'kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local, 10.96.0.1';
const SHAOLIN_CERTIFICATE = `x509: certificate is valid for shaolin, ${SEED_SANS}, 10.27.53.32`;
const WUDANG_CERTIFICATE = `x509: certificate is valid for wudang, ${SEED_SANS}, 10.24.138.208`;

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
/** shaolin's apiserver certificate as deployed on emei: copied there by hand, on a live site. */
const shaolinsOnEmei = collected(seed, [
  {
    host: 'emei',
    path: '/etc/kubernetes/pki/apiserver-emei.crt',
    change: {
      dnsNames: ['shaolin', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
      ipAddresses: ['10.96.0.1', '10.27.53.32'],
    },
  },
]);

testRule(sanCoverage, {
  valid: [
    { name: 'collected certificates as planned', fixture: 'seed-ha', deployed: collected(seed), severities: ['error'] },
    {
      name: 'the user dials the endpoint name every certificate carries',
      fixture: 'seed-ha',
      replacements: [seedUserServer('https://kubernetes.default.svc:8443')],
      severities: ['error'],
    },
    {
      name: 'a user dials a certSANs name',
      fixture: 'modern',
      replacements: [['        groups: [auditors]\n', '        groups: [auditors]\n        server: https://kubernetes.corp.example:8443\n']],
      severities: ['error'],
    },
    {
      name: 'every balancer address in the certificates: no info either',
      fixture: 'modern',
      replacements: [['certSANs: [kubernetes.corp.example]', 'certSANs: [kubernetes.corp.example, 10.20.0.11, 10.20.0.12]']],
    },
    { name: 'per-node mode: kubelets and kube-proxies dial 127.0.0.1, which every certificate carries', fixture: 'vip-pernode' },
  ],
  invalid: [
    {
      name: 'admin kubeconfig dialling the LB by address (documents: admin-lb.conf)',
      fixture: 'seed-ha',
      replacements: [seedUserServer('https://10.27.52.72:8443')],
      severities: ['error'],
      // emei → shaolin and emei → wudang; emei's own certificate names 10.27.52.72
      errors: ['shaolin', 'wudang'].map((backend) => ({
        messageId: 'notCovered',
        message: `user kubernetes-admin dials 10.27.52.72:8443, which reaches emei → ${backend}: ${backend === 'shaolin' ? SHAOLIN_CERTIFICATE : WUDANG_CERTIFICATE}, not 10.27.52.72`,
        line: 'server: https://10.27.52.72:8443',
        column: 17,
        field: 'spec.kubernetes.users[0].server',
        artifact: 'cluster/kubeconfig/kubernetes-admin.conf',
      })),
    },
    {
      name: "kubelets dialling an apiserver that serves shaolin's copied certificate",
      fixture: 'seed-ha',
      replacements: [seedWudangWith('apiServerCertificateFrom: shaolin')],
      severities: ['error'],
      // kubelet, controller-manager and scheduler on wudang
      errors: [
        ['controller-manager', 'controller-manager.conf'],
        ['kubelet', 'kubelet.conf'],
        ['scheduler', 'scheduler.conf'],
      ].map(([client, kubeconfig]) => ({
        messageId: 'notCovered',
        message: `${client} on wudang dials 10.24.138.208:6443, which reaches wudang directly: ${SHAOLIN_CERTIFICATE}, not 10.24.138.208`,
        line: 'apiServerCertificateFrom: shaolin',
        column: 33,
        field: 'spec.hosts[1].apiServerCertificateFrom',
        artifact: `hosts/wudang/etc/kubernetes/${kubeconfig}`,
        hosts: ['wudang'],
      })),
    },
    {
      name: "collected from a live site: emei serves shaolin's certificate (x509: certificate is valid for …, 10.27.53.32, not 10.27.52.72, found before a client meets it)",
      fixture: 'seed-ha',
      deployed: shaolinsOnEmei,
      severities: ['error'],
      errors: ['controller-manager', 'kubelet', 'scheduler'].map((client) => ({
        messageId: 'deployedNotCovered',
        message: `${client} on emei dials 10.27.52.72:6443, which reaches emei directly: ${SHAOLIN_CERTIFICATE}, not 10.27.52.72 (the certificate /etc/kubernetes/pki/apiserver-emei.crt on emei, as deployed): see \`clusterspec certs plan\` for the re-issue`,
        line: '- name: emei',
        field: 'spec.hosts[2].name',
        artifact: 'hosts/emei/etc/kubernetes/pki/apiserver-emei.crt',
      })),
    },
    {
      name: "balancer hosts' own addresses, which no certificate behind them carries (info)",
      fixture: 'modern',
      // the virtual address joins every certificate by default
      errors: ['1', '2'].map((n) => ({
        messageId: 'balancerPathNotCovered',
        message: `10.20.0.1${n}:8443 is on a balancer path (lb-${n} → cp-1, lb-${n} → cp-2, lb-${n} → cp-3), but the certificate of cp-1, cp-2, cp-3 does not carry 10.20.0.1${n}`,
        severity: 'info' as const,
        line: 'certSANs: [kubernetes.corp.example]',
        field: 'spec.kubernetes.apiServer.certSANs',
        artifact: 'pki/plan.json',
      })),
    },
    {
      name: 'the virtual address kept out of the certificates (info, at addToCertificates)',
      fixture: 'modern',
      replacements: [
        ['      interface: ens192 ', '      addToCertificates: false\n      interface: ens192 '],
        ['certSANs: [kubernetes.corp.example]', 'certSANs: [kubernetes.corp.example, 10.20.0.11, 10.20.0.12]'],
      ],
      errors: [
        {
          messageId: 'balancerPathNotCovered',
          message: /^10\.20\.0\.10:8443 is on a balancer path \(lb-1 → cp-1, .*\), but the certificate of cp-1, cp-2, cp-3 does not carry 10\.20\.0\.10/,
          severity: 'info',
          line: 'addToCertificates: false',
          field: 'spec.kubernetes.loadBalancer.addToCertificates',
        },
      ],
    },
  ],
});
