import { HOST_FIELDS, artifact, compileTemplate, defineArtifact, type Artifact, type ClusterModel, type SpecPath } from '@clusterspec/spec';
import { join } from 'node:path';
import { extendedKeyUsages, planCertificates, signedBySignScript, type CertificatePlan } from './plan';

const OPENSSL_READS: readonly SpecPath[] = [
  ...HOST_FIELDS,
  'spec.kubernetes.controlPlaneEndpoint',
  'spec.kubernetes.apiServer.certSANs',
  'spec.kubernetes.users',
];

export const csrConfigFile = defineArtifact<{ readonly plan: CertificatePlan }>({
  id: 'pki/csr-config',
  pattern: 'pki/openssl/*.csr.cnf',
  description: 'the openssl request config of a certificate of pki/plan.json (`CN=kube-apiserver`; users `O=<group>`… `CN=<name>`)',
  where: 'the cluster',
  reads: OPENSSL_READS,
  secretKeys: [],
  consumer: 'openssl req -config (run by pki/sign.sh)',
  format: 'openssl',
  render: compileTemplate(join(__dirname, '../templates/csr.cnf.ejs')),
});

export const extensionsFile = defineArtifact<{
  readonly plan: CertificatePlan;
  readonly subjectAltName: string;
  readonly extendedKeyUsages: readonly string[];
}>({
  id: 'pki/extensions',
  pattern: 'pki/openssl/*.ext',
  description: 'the openssl extension file of a certificate of pki/plan.json (usage, `subjectAltName = …`)',
  where: 'the cluster',
  reads: OPENSSL_READS,
  secretKeys: [],
  consumer: 'openssl x509 -req -extfile (run by pki/sign.sh)',
  format: 'openssl',
  render: compileTemplate(join(__dirname, '../templates/cert.ext.ejs')),
});

export const opensslDirectory = 'pki/openssl';

export function subjectAltName(plan: CertificatePlan): string {
  return [...plan.dnsNames.map((name) => `DNS:${name}`), ...plan.ipAddresses.map((address) => `IP:${address}`)].join(',');
}

/** The CSR config and extension file of every certificate sign.sh issues; certificates sharing a subject share a CSR config. */
export function generateOpensslFiles(model: ClusterModel): Artifact[] {
  const signed = planCertificates(model).filter(signedBySignScript);
  const requests = new Map(signed.map((plan) => [plan.csrConfig, plan]));
  return [
    ...[...requests.entries()].map(([name, plan]) => artifact(csrConfigFile, `${opensslDirectory}/${name}.csr.cnf`, { plan })),
    ...signed.map((plan) =>
      artifact(extensionsFile, `${opensslDirectory}/${plan.id}.ext`, {
        plan,
        subjectAltName: subjectAltName(plan),
        extendedKeyUsages: extendedKeyUsages(plan.usage),
      }),
    ),
  ];
}
