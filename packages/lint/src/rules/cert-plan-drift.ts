import { describeDeployed, sanDifference } from '@clusterspec/pki';
import { classified, deployedField, REISSUE } from '@clusterspec/analysis';
import { defineRule } from '../rule';

const list = (names: readonly string[]) => names.join(', ');

/**
 * A certificate signed by hand, copied from another host or issued before a balancer or a name was added
 * carries other SANs than the spec now plans: re-issuing from pki/plan.json brings it back in line (the
 * x509 failures it causes, if any, are san-coverage's and san-advertise-address's).
 */
export const certPlanDrift = defineRule({
  id: 'cert-plan-drift',
  description: 'A collected certificate carries exactly the SANs pki/plan.json plans for it.',
  severity: 'warning',
  messages: {
    differsFromPlan: `{{certificate}} differs from pki/plan.json ({{id}}): it {{differences}}: {{REISSUE}}`,
  },
  reads: ['pki/plan.json'],
  check({ model, deployed, report }) {
    if (!deployed) return;
    for (const { certificate, expected } of classified(model, deployed)) {
      if (!expected.plan) continue;
      const { added, removed } = sanDifference(certificate, expected.plan);
      if (added.length === 0 && removed.length === 0) continue;
      const parts = [...(removed.length > 0 ? [`lacks ${list(removed)}`] : []), ...(added.length > 0 ? [`has ${list(added)} the plan does not`] : [])];
      report({
        field: deployedField(model, certificate),
        artifact: certificate.file,
        messageId: 'differsFromPlan',
        data: { certificate: describeDeployed(certificate), id: expected.plan.id, differences: parts.join(' and '), REISSUE },
      });
    }
  },
});
