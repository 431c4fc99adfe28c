import { loadFixture } from '../../../../tests/support/fixtures';
import { collected } from '../../../../tests/support/deployed';
import { testRule } from '@clusterspec/lint/testing';
import { certPlanDrift } from './cert-plan-drift';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const modern = loadFixture('fixtures/modern/cluster.yaml');

testRule(certPlanDrift, {
  valid: [
    { name: 'nothing collected', fixture: 'seed-ha' },
    { name: 'every certificate as planned', fixture: 'seed-ha', deployed: collected(seed) },
    { name: 'kubeadm flow, as planned', fixture: 'modern', deployed: collected(modern) },
  ],
  invalid: [
    {
      name: "shaolin's apiserver certificate copied onto wudang by hand",
      fixture: 'seed-ha',
      deployed: collected(seed, [
        {
          host: 'wudang',
          path: '/etc/kubernetes/pki/apiserver-wudang.crt',
          change: {
            dnsNames: ['shaolin', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
            ipAddresses: ['10.96.0.1', '10.27.53.32'],
          },
        },
      ]),
      errors: [
        {
          messageId: 'differsFromPlan',
          message:
            'the certificate /etc/kubernetes/pki/apiserver-wudang.crt on wudang differs from pki/plan.json (apiserver-wudang): it lacks wudang, 10.24.138.208 and has shaolin, 10.27.53.32 the plan does not: see `clusterspec certs plan` for the re-issue',
          line: '- name: wudang',
          artifact: 'hosts/wudang/etc/kubernetes/pki/apiserver-wudang.crt',
        },
      ],
    },
    {
      name: 'a certSAN added to the spec after the certificates were issued',
      fixture: 'modern',
      replacements: [['certSANs: [kubernetes.corp.example]', 'certSANs: [kubernetes.corp.example, api.corp.example]']],
      deployed: collected(modern),
      errors: ['cp-1', 'cp-2', 'cp-3'].map((host) => ({
        messageId: 'differsFromPlan',
        message: `the certificate /etc/kubernetes/pki/apiserver.crt on ${host} differs from pki/plan.json (apiserver-${host}): it lacks api.corp.example:`,
        line: `- name: ${host}`,
      })),
    },
  ],
});
