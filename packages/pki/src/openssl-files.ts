import { artifact, compileTemplate, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';
import { planCertificates, signedBySignScript, type CertificatePlan } from './plan';

const renderExtensions = compileTemplate(join(__dirname, '../templates/cert.ext.ejs'));
const renderRequest = compileTemplate(join(__dirname, '../templates/csr.cnf.ejs'));

export const opensslDirectory = 'pki/openssl';

export function subjectAltName(plan: CertificatePlan): string {
  return [...plan.dnsNames.map((name) => `DNS:${name}`), ...plan.ipAddresses.map((address) => `IP:${address}`)].join(',');
}

/** The CSR config and extension file of every certificate sign.sh issues; certificates sharing a subject share a CSR config. */
export function generateOpensslFiles(model: ClusterModel): Artifact[] {
  const signed = planCertificates(model).filter(signedBySignScript);
  const requests = new Map(signed.map((plan) => [plan.csrConfig, plan]));
  return [
    ...[...requests.entries()].map(([name, plan]) => artifact(`${opensslDirectory}/${name}.csr.cnf`, renderRequest({ plan }))),
    ...signed.map((plan) => artifact(`${opensslDirectory}/${plan.id}.ext`, renderExtensions({ plan, subjectAltName: subjectAltName(plan) }))),
  ];
}
