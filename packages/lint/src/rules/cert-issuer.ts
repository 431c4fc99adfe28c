import { describeDeployed, referenceCAs } from '@clusterspec/pki';
import { classified, deployedField, REISSUE } from '@clusterspec/analysis';
import { defineRule } from '../rule';

/**
 * Every certificate must chain to the site's CA (etcd's to etcd's CA, the front proxy's to its own): one signed
 * by another CA (a test CA, an old cluster's) is refused by every peer that trusts only the site's.
 */
export const certIssuer = defineRule({
  id: 'cert-issuer',
  description: "Every collected certificate is signed by the site's CA collected beside it, and every host holds the same CA.",
  severity: 'error',
  messages: {
    anotherCa: `{{certificate}} is not the site's CA: {{host}} holds another one ({{subject}} vs {{caSubject}}, fingerprints differ); certificates signed by either fail on the other's peers: give every host the same CA`,
    notSignedByCa: `{{certificate}} is not signed by the CA {{signer}} (as on {{host}}): its issuer is {{issuer}}, {{which}}, so clients and servers trusting the site's CA refuse it: {{REISSUE}}`,
  },
  check({ model, deployed, report }) {
    if (!deployed) return;
    const references = referenceCAs(model, deployed);
    for (const { certificate, expected } of classified(model, deployed)) {
      const base = { field: deployedField(model, certificate), artifact: certificate.file };
      if (expected.ca) {
        const reference = references.get(expected.ca);
        if (reference && reference.fingerprint !== certificate.fingerprint) {
          report({
            ...base,
            messageId: 'anotherCa',
            data: { certificate: describeDeployed(certificate), host: reference.host, subject: certificate.subject, caSubject: reference.subject },
          });
        }
        continue;
      }
      if (!expected.signer) continue;
      const reference = references.get(expected.signer);
      if (!reference || certificate.signedBy === reference.fingerprint) continue;
      const signer = certificate.signedBy === undefined ? 'a CA not collected in the folder' : 'another CA';
      report({
        ...base,
        messageId: 'notSignedByCa',
        data: {
          certificate: describeDeployed(certificate),
          signer: expected.signer,
          host: reference.host,
          issuer: certificate.issuer,
          which: signer,
          REISSUE,
        },
      });
    }
  },
});
