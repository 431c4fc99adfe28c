import { usesKubeadm } from '@clusterspec/spec';
import type { ClusterModel, Host } from '@clusterspec/spec';
import { CA_FILES, KUBEADM_CERTIFICATES, installedPaths, planCertificates, signerOf, type CertificatePlan } from './plan';

/**
 * A certificate as deployed on a host (or beside the kubeconfigs), read by the CLI from a folder of collected
 * certificates with node:crypto's X509Certificate: data only, so rules over it stay pure. No private key is
 * ever read.
 */
export interface DeployedCertificate {
  /** The host it was collected from; undefined for the user certificates under cluster/kubeconfig/. */
  readonly host?: string;
  /** Where it is installed: absolute on its host (/etc/kubernetes/pki/apiserver.crt), or cluster/kubeconfig/<user>.crt. */
  readonly path: string;
  /** The file it was read from, relative to the collected folder. */
  readonly file: string;
  /** The subject as node:crypto prints it, one `key=value` a line joined with ", ". */
  readonly subject: string;
  readonly commonName: string;
  readonly organizations: readonly string[];
  readonly issuer: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** ISO 8601 instants. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** Extended key usages by name (serverAuth, clientAuth, or the OID); undefined without the extension (any purpose, RFC 5280). */
  readonly extendedKeyUsages?: readonly string[];
  readonly isCA: boolean;
  /** SHA-256 fingerprint, as node:crypto prints it. */
  readonly fingerprint: string;
  /** Fingerprint of the certificate in the folder whose key signed this one (itself when self-signed); undefined when none did. */
  readonly signedBy?: string;
}

/** An entry under `--certs DIR` that was not read, and why: a symbolic link, a FIFO, a certificate with too many names. */
export interface SkippedFile {
  /** Relative to the collected folder. */
  readonly file: string;
  /** Why, and what to do: "a symbolic link, never followed; collect the file itself". */
  readonly reason: string;
}

/** What `--certs DIR` hands the rules: the certificates and the instant they are judged at (read at the edge). */
export interface DeployedCertificates {
  /** The folder as named on the command line. */
  readonly directory: string;
  /** ISO 8601. */
  readonly now: string;
  readonly certificates: readonly DeployedCertificate[];
  /** What was found but not read; each is a finding for the operator. */
  readonly skipped?: readonly SkippedFile[];
}

const DAY = 24 * 60 * 60 * 1000;

/** Whole days from now until the certificate expires; negative once it has. */
export function daysLeft(certificate: DeployedCertificate, now: string): number {
  return Math.floor((Date.parse(certificate.notAfter) - Date.parse(now)) / DAY);
}

/** What a deployed certificate is meant to be: a planned one, one kubeadm creates, or one of the CAs. */
export interface ExpectedCertificate {
  readonly plan?: CertificatePlan;
  readonly kubeadmName?: string;
  readonly usage?: CertificatePlan['usage'];
  /** The CA file (absolute on the hosts) that must have signed it. */
  readonly signer?: string;
  /** Set when it is itself one of the site's CAs. */
  readonly ca?: string;
}

/** Looks a deployed certificate up in the plan (by host and path), in kubeadm's layout, or among the CA files. */
export function expectedCertificate(model: ClusterModel, plans: readonly CertificatePlan[], certificate: DeployedCertificate): ExpectedCertificate {
  const plan = plans.find((candidate) => installedPaths(candidate).some((place) => place.host === certificate.host && place.path === certificate.path));
  if (plan) return { plan, usage: plan.usage, signer: signerOf(certificate.path) };
  if (certificate.host === undefined) return {};
  if (CA_FILES.includes(certificate.path)) return { ca: certificate.path };
  const kubeadm = usesKubeadm(model) ? KUBEADM_CERTIFICATES.find((entry) => entry.path === certificate.path) : undefined;
  if (kubeadm) return { kubeadmName: kubeadm.renewName, usage: kubeadm.usage, signer: signerOf(certificate.path) };
  return {};
}

/**
 * The site's CA of each CA file, as collected: the copy on the first control-plane host (spec order) that
 * has it, else on any host. The other hosts' copies must be the same certificate.
 */
export function referenceCAs(model: ClusterModel, deployed: DeployedCertificates): Map<string, DeployedCertificate> {
  const order = (host?: string) => {
    const index = model.kubernetes.controlPlaneHosts.findIndex((candidate) => candidate.name === host);
    return index < 0 ? model.kubernetes.controlPlaneHosts.length + model.hosts.findIndex((candidate) => candidate.name === host) : index;
  };
  const references = new Map<string, DeployedCertificate>();
  for (const certificate of [...deployed.certificates].sort((a, b) => order(a.host) - order(b.host))) {
    if (certificate.host !== undefined && CA_FILES.includes(certificate.path) && !references.has(certificate.path))
      references.set(certificate.path, certificate);
  }
  return references;
}

/** Every deployed certificate with what it should be, computed once per lint run. */
export function classifyDeployed(model: ClusterModel, deployed: DeployedCertificates): { certificate: DeployedCertificate; expected: ExpectedCertificate }[] {
  const plans = planCertificates(model);
  return deployed.certificates.map((certificate) => ({ certificate, expected: expectedCertificate(model, plans, certificate) }));
}

/** The host a deployed certificate sits on, as a model host. */
export function hostOf(model: ClusterModel, certificate: DeployedCertificate): Host | undefined {
  return model.hosts.find((host) => host.name === certificate.host);
}

/** "the certificate /etc/kubernetes/pki/apiserver.crt on wudang", "the certificate cluster/kubeconfig/alice.crt". */
export function describeDeployed(certificate: DeployedCertificate): string {
  return certificate.host === undefined ? `the certificate ${certificate.path}` : `the certificate ${certificate.path} on ${certificate.host}`;
}

/** SAN differences between two name sets, in the order of each: what `actual` adds and what it lacks. */
export function sanDifference(
  actual: { readonly dnsNames: readonly string[]; readonly ipAddresses: readonly string[] },
  wanted: { readonly dnsNames: readonly string[]; readonly ipAddresses: readonly string[] },
): { added: string[]; removed: string[] } {
  const names = (set: typeof actual) => [...set.dnsNames, ...set.ipAddresses];
  const have = names(actual);
  const want = names(wanted);
  return { added: have.filter((name) => !want.includes(name)), removed: want.filter((name) => !have.includes(name)) };
}
