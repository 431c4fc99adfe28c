import { classifyDeployed, type DeployedCertificate, type DeployedCertificates, type ExpectedCertificate } from '@clusterspec/pki';
import type { ClusterModel, FieldPath } from '@clusterspec/spec';

/** Every collected certificate with what the plan, kubeadm's layout or the CA files say it should be; once per lint run. */
const cache = new WeakMap<DeployedCertificates, { certificate: DeployedCertificate; expected: ExpectedCertificate }[]>();
export function classified(model: ClusterModel, deployed: DeployedCertificates): { certificate: DeployedCertificate; expected: ExpectedCertificate }[] {
  if (!cache.has(deployed)) cache.set(deployed, classifyDeployed(model, deployed));
  return cache.get(deployed)!;
}

/**
 * Where a finding about a collected certificate points in the spec: its host's entry, or the user it belongs to.
 * Nothing in the spec is wrong when a deployed certificate is; this is the site element to act on.
 */
export function deployedField(model: ClusterModel, certificate: DeployedCertificate, userField: 'name' | 'groups' = 'name'): FieldPath {
  if (certificate.host !== undefined) {
    const index = model.hosts.findIndex((host) => host.name === certificate.host);
    return index < 0 ? ['spec', 'hosts'] : ['spec', 'hosts', index, 'name'];
  }
  const userName = /([^/]+)\.crt$/.exec(certificate.path)?.[1];
  const index = model.kubernetes.users.findIndex((user) => user.name === userName);
  return index < 0 ? ['spec', 'kubernetes', 'users'] : ['spec', 'kubernetes', 'users', index, userField];
}

/** The instruction every finding about a collected certificate ends with. */
export const REISSUE = 'see `clusterspec certs plan` for the re-issue';
