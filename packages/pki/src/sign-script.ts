import { artifact, compileTemplate, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';
import { planCertificates, signedBySignScript, usesKubeadm } from './plan';

const renderSignScript = compileTemplate(join(__dirname, '../templates/sign.sh.ejs'));

export const CERTIFICATE_DAYS = 365;

/** One script that signs every certificate the plan gives to sign.sh; its output names are the installed names. */
export function generateSignScript(model: ClusterModel): Artifact[] {
  const plans = planCertificates(model).filter(signedBySignScript);
  if (plans.length === 0) return [];
    // kubeadm creates the service account key itself; the legacy flow shares one across the control plane.
  const serviceAccountHosts = usesKubeadm(model) ? [] : model.kubernetes.controlPlaneHosts.map((host) => host.name);
  return [artifact('pki/sign.sh', renderSignScript({ plans, days: CERTIFICATE_DAYS, serviceAccountHosts }), 0o755)];
}
