/**
 * The real openssl and the generated pki/ files, for acceptance tests: a throwaway CA, the generated
 * sign.sh run as an operator would run it, kubeadm's apiserver certificates signed from plan.json,
 * and openssl's own verdict on a certificate for a name or address.
 */
import { extendedKeyUsages, type CertificatePlan } from '@clusterspec/pki';
import type { Artifact } from '@clusterspec/spec';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deadline } from './deadline';

export const OPENSSL = 'openssl';
/** What openssl or sign.sh may take on a machine at rest, with room to spare; stretched by deadline() under load. */
const AT_REST = 60_000;

export function openssl(...args: string[]): string {
  return execFileSync(OPENSSL, args, { encoding: 'utf8', timeout: deadline(AT_REST), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes artifacts (paths relative to out/<cluster>/) under a directory, with their modes. */
export function writeArtifacts(directory: string, artifacts: readonly Artifact[]): void {
  for (const item of artifacts) {
    const target = join(directory, item.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, item.content, { mode: item.mode });
  }
}

/** A throwaway CA (ca.crt, ca.key) in a directory; by default CN=kubernetes as kubeadm names the cluster CA. */
export function makeCA(directory: string, subject = '/CN=kubernetes', days = 2): string {
  mkdirSync(directory, { recursive: true });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    subject,
    '-keyout',
    join(directory, 'ca.key'),
    '-out',
    join(directory, 'ca.crt'),
    '-days',
    String(days),
  );
  return join(directory, 'ca.crt');
}

/** Runs a generated pki/sign.sh itself with bash: `sign.sh CA_DIR OUT_DIR`; fails with its output if it fails. */
export function runSignScript(script: string, caDir: string, outDir: string): void {
  const result = spawnSync('bash', [script, caDir, outDir], { cwd: dirname(outDir), encoding: 'utf8', timeout: deadline(AT_REST) });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${script} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
}

/** subjectAltName value for an openssl ext file, from a plan's names. */
export function subjectAltNameOf(plan: CertificatePlan): string {
  return [...plan.dnsNames.map((name) => `DNS:${name}`), ...plan.ipAddresses.map((address) => `IP:${address}`)].join(',');
}

/**
 * Signs a server certificate as kubeadm would issue it for this plan (kubeadm flow: sign.sh does not): a new
 * key, CN from the plan, the plan's SANs in an ext file. Returns the certificate's path.
 */
export function signFromPlan(plan: CertificatePlan, caDir: string, directory: string): string {
  mkdirSync(directory, { recursive: true });
  const key = join(directory, `${plan.id}.key`);
  const csr = join(directory, `${plan.id}.csr`);
  const cert = join(directory, `${plan.id}.crt`);
  const ext = join(directory, `${plan.id}.ext`);
  const lines = [
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    `extendedKeyUsage = ${extendedKeyUsages(plan.usage).join(', ')}`,
    ...(plan.dnsNames.length + plan.ipAddresses.length > 0 ? [`subjectAltName = ${subjectAltNameOf(plan)}`] : []),
  ];
  writeFileSync(ext, `${lines.join('\n')}\n`);
  openssl('genrsa', '-out', key, '2048');
  const subject = [...plan.organizations.map((organization) => `/O=${organization}`), `/CN=${plan.commonName}`].join('');
  openssl('req', '-new', '-key', key, '-subj', subject, '-out', csr);
  openssl(
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    join(caDir, 'ca.crt'),
    '-CAkey',
    join(caDir, 'ca.key'),
    '-CAserial',
    join(directory, 'ca.srl'),
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '2',
    '-extfile',
    ext,
  );
  return cert;
}

/** The SAN entries of a certificate as openssl prints them ("DNS:x", "IP Address:y"); [] when it has none. */
export function certificateSans(cert: string): string[] {
  const text = openssl('x509', '-noout', '-in', cert, '-ext', 'subjectAltName').trim();
  if (text === '' || /^No extensions/.test(text)) return [];
  const [heading, names, ...rest] = text.split('\n');
  if (!/^X509v3 Subject Alternative Name:/.test(heading) || rest.length > 0) throw new Error(`unexpected openssl output for ${cert}:\n${text}`);
  return names.trim().split(', ');
}

/** The SAN entries a plan promises, in openssl's spelling. */
export function planSans(plan: CertificatePlan): string[] {
  return [...plan.dnsNames.map((name) => `DNS:${name}`), ...plan.ipAddresses.map((address) => `IP Address:${address}`)];
}

export interface VerifyVerdict {
  readonly ok: boolean;
  readonly output: string;
}

const IPV4 = /^[0-9.]+$/;

/** `openssl verify -CAfile CA -purpose sslserver -verify_hostname NAME | -verify_ip IP CERT`: would a TLS client dialling `dialled` accept it? */
export function verifyFor(caFile: string, cert: string, dialled: string): VerifyVerdict {
  const check = IPV4.test(dialled) ? ['-verify_ip', dialled] : ['-verify_hostname', dialled];
  const result = spawnSync(OPENSSL, ['verify', '-CAfile', caFile, '-purpose', 'sslserver', ...check, cert], { encoding: 'utf8', timeout: deadline(AT_REST) });
  if (result.error) throw result.error;
  const output = `${result.stdout}${result.stderr}`.trim();
  return { ok: result.status === 0 && output === `${cert}: OK`, output };
}
