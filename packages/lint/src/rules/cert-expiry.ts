import { daysLeft, describeDeployed } from '@clusterspec/pki';
import { deployedField, REISSUE } from '@clusterspec/analysis';
import { defineRule } from '../rule';

/**
 * kubeadm's certificates live one year (kubeadm docs, "Certificate Management with kubeadm"); a control plane
 * whose apiserver or etcd certificate expired stops answering. Judged at the instant the CLI passes in.
 */
export const certExpiry = defineRule({
  id: 'cert-expiry',
  description: 'No collected certificate has expired (error) or expires within spec.kubernetes.certificates.expiryWarningDays (warning).',
  severity: 'error',
  messages: {
    expired: `{{certificate}} expired on {{until}} ({{daysAgo}} days ago); every TLS handshake with it fails: {{REISSUE}}`,
    notYetValid: `{{certificate}} is not valid before {{notBefore}}: check the clock of the host that issued it`,
    expiresSoon: `{{certificate}} expires on {{until}}, in {{left}} days (the warning window is {{window}} days, spec.kubernetes.certificates.expiryWarningDays): {{REISSUE}}`,
  },
  check({ model, deployed, report }) {
    if (!deployed) return;
    const window = model.kubernetes.certificates.expiryWarningDays;
    const now = Date.parse(deployed.now);
    for (const certificate of deployed.certificates) {
      const field = deployedField(model, certificate);
      const base = { field, artifact: certificate.file };
      const left = daysLeft(certificate, deployed.now);
      const until = certificate.notAfter.slice(0, 10);
      if (Date.parse(certificate.notAfter) <= now) {
        report({ ...base, messageId: 'expired', data: { certificate: describeDeployed(certificate), until, daysAgo: -left, REISSUE } });
      } else if (Date.parse(certificate.notBefore) > now) {
        report({
          ...base,
          messageId: 'notYetValid',
          data: { certificate: describeDeployed(certificate), notBefore: certificate.notBefore.slice(0, 10) },
        });
      } else if (left < window) {
        report({
          ...base,
          severity: 'warning',
          messageId: 'expiresSoon',
          data: { certificate: describeDeployed(certificate), until, left, window, REISSUE },
        });
      }
    }
  },
});
