/**
 * Certificates "as collected from the hosts", made as data from a site's plan, for the rule tests of
 * `lint --certs` (tests/acceptance/deployed-certificates.test.ts makes real ones with openssl).
 */
import {
  CA_FILE,
  ETCD_CA_FILE,
  extendedKeyUsages,
  installedPaths,
  planCertificates,
  signerOf,
  type DeployedCertificate,
  type DeployedCertificates,
} from '@clusterspec/pki';
import { usesKubeadm, type ClusterModel } from '@clusterspec/spec';

/** The instant the rule tests judge at. */
export const NOW = '2026-06-01T00:00:00.000Z';
const DAY = 24 * 60 * 60 * 1000;
export const daysFromNow = (days: number) => new Date(Date.parse(NOW) + days * DAY).toISOString();

const fingerprintOf = (ca: string) => (ca === ETCD_CA_FILE ? 'ETCD-CA' : 'CLUSTER-CA');

function caCertificate(host: string, path: string): DeployedCertificate {
  const name = path === ETCD_CA_FILE ? 'etcd-ca' : 'kubernetes';
  return {
    host,
    path,
    file: `hosts/${host}${path}`,
    subject: `CN=${name}`,
    commonName: name,
    organizations: [],
    issuer: `CN=${name}`,
    dnsNames: [],
    ipAddresses: [],
    notBefore: daysFromNow(-100),
    notAfter: daysFromNow(3550),
    isCA: true,
    fingerprint: fingerprintOf(path),
    signedBy: fingerprintOf(path),
  };
}

/** Every planned certificate of the site as sign.sh (or kubeadm) would have issued it 100 days before NOW, and the CAs on each control-plane host. */
export function collectedAsPlanned(model: ClusterModel): DeployedCertificate[] {
  const legacy = !usesKubeadm(model);
  const cas = model.kubernetes.controlPlaneHosts.flatMap((host) => [
    caCertificate(host.name, CA_FILE),
    ...(legacy ? [caCertificate(host.name, ETCD_CA_FILE)] : []),
  ]);
  const leaves = planCertificates(model).flatMap((plan) =>
    installedPaths(plan).map(({ host, path }): DeployedCertificate => {
      const signer = signerOf(path);
      const subject = [`CN=${plan.commonName}`, ...plan.organizations.map((organization) => `O=${organization}`)].join(', ');
      return {
        ...(host !== undefined ? { host } : {}),
        path,
        file: host === undefined ? path : `hosts/${host}${path}`,
        subject,
        commonName: plan.commonName,
        organizations: plan.organizations,
        issuer: signer === ETCD_CA_FILE ? 'CN=etcd-ca' : 'CN=kubernetes',
        dnsNames: plan.dnsNames,
        ipAddresses: plan.ipAddresses,
        notBefore: daysFromNow(-100),
        notAfter: daysFromNow(265),
        extendedKeyUsages: extendedKeyUsages(plan.usage),
        isCA: false,
        fingerprint: `${plan.id}@${host ?? 'cluster'}`,
        signedBy: fingerprintOf(signer),
      };
    }),
  );
  return [...cas, ...leaves];
}

/** The collected set with some certificates changed (by host and path; host undefined for a user's). */
export function collected(
  model: ClusterModel,
  changes: readonly { host?: string; path: string; change: Partial<DeployedCertificate> }[] = [],
): DeployedCertificates {
  const certificates = collectedAsPlanned(model).map((certificate) => {
    const found = changes.find((entry) => entry.host === certificate.host && entry.path === certificate.path);
    return found ? { ...certificate, ...found.change } : certificate;
  });
  for (const entry of changes) {
    if (!certificates.some((certificate) => certificate.host === entry.host && certificate.path === entry.path))
      throw new Error(`nothing collected at ${entry.host ?? 'cluster'}:${entry.path}`);
  }
  return { directory: 'collected', now: NOW, certificates };
}
