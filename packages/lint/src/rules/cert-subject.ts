import { describeDeployed } from '@clusterspec/pki';
import { classified, deployedField, REISSUE } from '@clusterspec/analysis';
import { defineRule } from '../rule';

const subjectOf = (commonName: string, organizations: readonly string[]) =>
  [`CN=${commonName}`, ...organizations.map((organization) => `O=${organization}`)].join(', ');

/**
 * The apiserver takes a client certificate's CN as the user name and each O as a group (Kubernetes docs,
 * "Authenticating", X509 client certificates): a user's certificate with another CN or O is another identity,
 * with other RBAC bindings. The same holds for kubelets (system:node:<name> in system:nodes) and components.
 */
export const certSubject = defineRule({
  id: 'cert-subject',
  description: 'A collected client certificate (a user, a kubelet, a component) has the CN and O the spec gives that identity.',
  severity: 'error',
  messages: {
    wrongSubject: `{{certificate}} is for {{subject}}, but {{whose}} {{planned}}: the apiserver authenticates it as {{commonName}}{{groups}}: {{REISSUE}}`,
  },
  check({ model, deployed, report }) {
    if (!deployed) return;
    for (const { certificate, expected } of classified(model, deployed)) {
      const plan = expected.plan;
      if (!plan || plan.usage !== 'client') continue;
      const sameName = certificate.commonName === plan.commonName;
      const sameGroups = [...certificate.organizations].sort().join('\n') === [...plan.organizations].sort().join('\n');
      if (sameName && sameGroups) continue;
      const whose = plan.installOn.length === 0 ? `kubernetes.users gives ${plan.commonName}` : 'the plan says';
      report({
        field: deployedField(model, certificate, sameName ? 'groups' : 'name'),
        artifact: certificate.file,
        messageId: 'wrongSubject',
        data: {
          certificate: describeDeployed(certificate),
          subject: subjectOf(certificate.commonName, certificate.organizations),
          whose,
          planned: subjectOf(plan.commonName, plan.organizations),
          commonName: certificate.commonName,
          groups: certificate.organizations.length > 0 ? ` in ${certificate.organizations.join(', ')}` : ' in no group',
          REISSUE,
        },
      });
    }
  },
});
