import { artifact, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { planCertificates } from './plan';

/** The certificate plan as data: what each certificate will carry and where it goes, for review and for the linter. */
export function generatePlanFile(model: ClusterModel): Artifact[] {
  return [artifact('pki/plan.json', `${JSON.stringify({ certificates: planCertificates(model) }, null, 2)}\n`)];
}
