import { artifact, compileTemplate, defineArtifact, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';
import { planCertificates, signedBySignScript, usesKubeadm, type CertificatePlan } from './plan';

export interface SignScript {
  readonly plans: readonly CertificatePlan[];
  readonly days: number;
  /** Control-plane hosts sharing one service-account key pair (legacy flow). */
  readonly serviceAccountHosts: readonly string[];
}

export const signScriptFile = defineArtifact<SignScript>({
  id: 'pki/sign-script',
  pattern: 'pki/sign.sh',
  description: '`sign.sh [CA_DIR] [OUT_DIR]`: genrsa 2048, req, x509 -req with the cluster CA for every certificate kubeadm does not issue, under the names the manifests reference; legacy flow: one service-account key pair for every control-plane host',
  where: 'the cluster',
  reads: ['spec.hosts[].name', 'spec.hosts[].address', 'spec.hosts[].roles', 'spec.kubernetes.version'],
  secretKeys: [],
  consumer: 'bash and openssl, run by the operator with the cluster CA',
  format: 'shell',
  mode: 0o755,
  render: compileTemplate<SignScript>(join(__dirname, '../templates/sign.sh.ejs')),
});

export const CERTIFICATE_DAYS = 365;

/** One script that signs every certificate the plan gives to sign.sh; its output names are the installed names. */
export function generateSignScript(model: ClusterModel): Artifact[] {
  const plans = planCertificates(model).filter(signedBySignScript);
  if (plans.length === 0) return [];
    // kubeadm creates the service account key itself; the legacy flow shares one across the control plane.
  const serviceAccountHosts = usesKubeadm(model) ? [] : model.kubernetes.controlPlaneHosts.map((host) => host.name);
  return [artifact(signScriptFile, 'pki/sign.sh', { plans, days: CERTIFICATE_DAYS, serviceAccountHosts })];
}
