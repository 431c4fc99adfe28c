import { describeDeployed, extendedKeyUsages } from '@clusterspec/pki';
import { classified, deployedField, REISSUE } from '@clusterspec/analysis';
import { defineRule } from '../rule';

const CONSEQUENCE = {
  serverAuth: 'TLS clients refuse it as a server certificate',
  clientAuth: 'servers refuse it as a client certificate',
} as const;

/** Go's crypto/x509 checks extended key usage: a server certificate without serverAuth fails every handshake, as a client one without clientAuth does. */
export const certUsage = defineRule({
  id: 'cert-usage',
  description: 'A collected server certificate has serverAuth, a client certificate clientAuth (etcd members both).',
  severity: 'error',
  messages: {
    missingUsage: `{{certificate}} is a {{usage}} certificate without {{missing}} in its extended key usage (it has {{has}}): {{consequences}}: {{REISSUE}}`,
  },
  check({ model, deployed, report }) {
    if (!deployed) return;
    for (const { certificate, expected } of classified(model, deployed)) {
      if (!expected.usage || certificate.extendedKeyUsages === undefined) continue;
      const has = certificate.extendedKeyUsages;
      const missing = extendedKeyUsages(expected.usage).filter((usage) => !has.includes(usage));
      if (missing.length === 0) continue;
      report({
        field: deployedField(model, certificate),
        artifact: certificate.file,
        messageId: 'missingUsage',
        data: {
          certificate: describeDeployed(certificate),
          usage: expected.usage,
          missing: missing.join(' and '),
          has: has.join(', ') || 'none',
          consequences: missing.map((usage) => CONSEQUENCE[usage]).join('; '),
          REISSUE,
        },
      });
    }
  },
});
