import { HOST_FIELDS, artifact, defineArtifact, jsonDocument, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { planCertificates, type CertificatePlan } from './plan';

export const PLAN_PATH = 'pki/plan.json';

export interface CertificatePlanFile {
  readonly certificates: readonly CertificatePlan[];
}

export const planFile = defineArtifact<CertificatePlanFile>({
  id: 'pki/plan',
  pattern: PLAN_PATH,
  description:
    "every certificate: subject, exact SAN list (kubeadm's set: host name, `kubernetes…`, Service IP, advertise address, endpoint host, `certSANs`), install path and host, who issues it",
  where: 'the cluster',
  reads: [
    ...HOST_FIELDS,
    'spec.hosts[].apiServerCertificateFrom',
    'spec.kubernetes.controlPlaneEndpoint',
    'spec.kubernetes.apiServer.certSANs',
    'spec.kubernetes.loadBalancer.virtualAddress',
    'spec.kubernetes.networking.serviceSubnet',
    'spec.kubernetes.networking.dnsDomain',
    'spec.kubernetes.users',
    'spec.kubernetes.version',
  ],
  secretKeys: [],
  consumer: 'people reviewing the certificates, and the linter',
  format: 'json',
  render: jsonDocument,
});

/** The certificate plan as data: what each certificate will carry and where it goes, for review and for the linter. */
export function generatePlanFile(model: ClusterModel): Artifact[] {
  return [artifact(planFile, PLAN_PATH, { certificates: planCertificates(model) })];
}
