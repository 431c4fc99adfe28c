import { artifact, compileTemplate, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';
import { planCertificates } from './plan';

const renderSignScript = compileTemplate(join(__dirname, '../templates/sign.sh.ejs'));

export const CERTIFICATE_DAYS = 365;

/** One script that signs every certificate the plan gives to sign.sh; its output names are the installed names. */
export function generateSignScript(model: ClusterModel): Artifact[] {
  const plans = planCertificates(model).filter((plan) => plan.issuedBy === 'sign.sh');
  if (plans.length === 0) return [];
  return [artifact('pki/sign.sh', renderSignScript({ plans, days: CERTIFICATE_DAYS }), 0o755)];
}
