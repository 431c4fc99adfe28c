import { artifact, compileTemplate, defineArtifact, HOST_FIELDS, usesKubeadm, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';
import { ETCD_CA_FILE, PKI_DIR, planCertificates, signedBySignScript, signerOf, USER_KUBECONFIG_DIR, type CertificatePlan } from './plan';

export interface SignScript {
  readonly plans: readonly CertificatePlan[];
  /** -days of every certificate (spec.kubernetes.certificates.validityDays). */
  readonly days: number;
  /** -days of the etcd CA it creates (caValidityDays). */
  readonly caDays: number;
  /** Control-plane hosts sharing one service-account key pair (legacy flow). */
  readonly serviceAccountHosts: readonly string[];
  /** Whether it creates etcd's CA (legacy flow: etcd behind TLS). */
  readonly etcdCA: boolean;
  /** The CA under CA_DIR signing each plan, by plan id: "ca" or "etcd/ca". */
  readonly signers: Readonly<Record<string, string>>;
  /** The users' kubeconfigs, relative to the script, copied into OUT_DIR beside their certificates and ca.crt. */
  readonly kubeconfigs: readonly string[];
}

export const signScriptFile = defineArtifact<SignScript>({
  id: 'pki/sign-script',
  pattern: 'pki/sign.sh',
  description:
    "`sign.sh [CA_DIR] [OUT_DIR] [ID...]`: genrsa 2048, req, x509 -req with the cluster CA (`-days` = `certificates.validityDays`) for every certificate kubeadm does not issue, or only the IDs named, under the names the manifests reference; legacy flow: one service-account key pair for every control-plane host, and etcd's CA (`CA_DIR/etcd/ca.crt`, made once, `caValidityDays`) signing a server and a peer certificate per member and the apiservers' `apiserver-etcd-client.crt`",
  where: 'the cluster',
  reads: [...HOST_FIELDS, 'spec.kubernetes.version', 'spec.kubernetes.certificates', 'spec.kubernetes.users'],
  secretKeys: [],
  consumer: 'bash and openssl, run by the operator with the cluster CA',
  format: 'shell',
  mode: 0o755,
  render: compileTemplate<SignScript>(join(__dirname, '../templates/sign.sh.ejs')),
});

/** The CA sign.sh signs a certificate with, as a path under CA_DIR without .crt: "ca" or "etcd/ca". */
const signerName = (plan: CertificatePlan) =>
  signerOf(plan.certFile)
    .slice(PKI_DIR.length + 1)
    .replace(/\.crt$/, '');

/** One script that signs every certificate the plan gives to sign.sh; its output names are the installed names. */
export function generateSignScript(model: ClusterModel): Artifact[] {
  const plans = planCertificates(model).filter(signedBySignScript);
  if (plans.length === 0) return [];
  // kubeadm creates the service account key itself; the legacy flow shares one across the control plane.
  const serviceAccountHosts = usesKubeadm(model) ? [] : model.kubernetes.controlPlaneHosts.map((host) => host.name);
  // kubectl resolves a kubeconfig's relative file names against the kubeconfig's folder: each user's copy
  // beside its certificate, key and ca.crt works as written (`kubectl --kubeconfig OUT_DIR/<user>.conf`).
  const kubeconfigs = model.kubernetes.users.map((user) => `../${USER_KUBECONFIG_DIR}/${user.name}.conf`);
  const { validityDays, caValidityDays } = model.kubernetes.certificates;
  const signers = Object.fromEntries(plans.map((plan) => [plan.id, signerName(plan)]));
  return [
    artifact(signScriptFile, 'pki/sign.sh', {
      plans,
      days: validityDays,
      caDays: caValidityDays,
      serviceAccountHosts,
      etcdCA: plans.some((plan) => signerOf(plan.certFile) === ETCD_CA_FILE),
      signers,
      kubeconfigs,
    }),
  ];
}
