import type { DeployedCertificate, DeployedCertificates } from '@clusterspec/pki';
import { PKI_DIR, USER_CERTIFICATE_DIR } from '@clusterspec/pki';
import type { ClusterModel } from '@clusterspec/spec';
import { X509Certificate } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { FileError, UsageError } from './command';

/** A certificate is a few kilobytes; anything this large is not one. */
const MAX_CERTIFICATE_BYTES = 1024 * 1024;

const EXTENDED_KEY_USAGES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
};

/** Every regular *.crt file under a folder, sorted; *.key files (and anything else) are never opened, symbolic links never followed. */
function certificateFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.crt')) found.push(path);
    }
  };
  walk(folder);
  return found;
}

/** `key=value` lines of an X509 name: the values of one key. */
const nameValues = (name: string, key: string) =>
  name
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));

/** "DNS:a, IP Address:1.2.3.4" → names and addresses. */
function subjectAltNames(text: string | undefined): { dnsNames: string[]; ipAddresses: string[] } {
  const entries = (text ?? '').split(', ').filter(Boolean);
  return {
    dnsNames: entries.filter((entry) => entry.startsWith('DNS:')).map((entry) => entry.slice(4)),
    ipAddresses: entries.filter((entry) => entry.startsWith('IP Address:')).map((entry) => entry.slice(11)),
  };
}

function parse(directory: string, file: string): X509Certificate {
  const shown = join(directory, file);
  if (statSync(join(directory, file)).size > MAX_CERTIFICATE_BYTES) throw new FileError(`${shown}: over 1 MiB, not a certificate; remove it from the folder`);
  try {
    return new X509Certificate(readFileSync(join(directory, file)));
  } catch (error) {
    throw new FileError(`${shown}: not a PEM or DER certificate (${(error as Error).message}); collect the .crt files as they are on the host`);
  }
}

/**
 * Where a host's files go on the host: a folder laid out like out/<cluster>/hosts/<host>/ (it has etc/), a
 * copy of /etc/kubernetes/pki itself (`rsync -a host:/etc/kubernetes/pki DIR/hosts/host/`, so it has pki/), or
 * that folder's contents (`scp -r host:/etc/kubernetes/pki/. DIR/hosts/host/`).
 */
function hostRoot(folder: string): string {
  if (existsSync(join(folder, 'etc'))) return '/';
  if (existsSync(join(folder, 'pki'))) return '/etc/kubernetes/';
  return `${PKI_DIR}/`;
}

/**
 * Reads the certificates collected from a site's hosts (DIR/hosts/<host>/…, DIR/cluster/kubeconfig/<user>.crt)
 * into data for the rules, and finds which collected CA signed each (node:crypto's checkIssued and verify).
 * The clock is read by the caller. Private keys are never read.
 */
export function readDeployedCertificates(model: ClusterModel | undefined, directory: string, now: string): DeployedCertificates {
  if (!existsSync(directory) || !statSync(directory).isDirectory())
    throw new FileError(`--certs ${directory}: no such folder; collect the certificates first (README, "Certificates over time")`);
  const read: { certificate: X509Certificate; host?: string; path: string; file: string }[] = [];
  const hostsFolder = join(directory, 'hosts');
  if (existsSync(hostsFolder)) {
    for (const name of readdirSync(hostsFolder).sort()) {
      const folder = join(hostsFolder, name);
      if (!lstatSync(folder).isDirectory()) continue;
      if (model && !model.hosts.some((host) => host.name === name)) {
        throw new FileError(`${folder}: ${model.file} has no host "${name}"; name each folder under hosts/ after a host of the spec`);
      }
      const root = hostRoot(folder);
      for (const path of certificateFiles(folder)) {
        const file = relative(directory, path);
        read.push({ certificate: parse(directory, file), host: name, path: `${root}${relative(folder, path).split(sep).join('/')}`, file });
      }
    }
  }
  const usersFolder = join(directory, USER_CERTIFICATE_DIR);
  if (existsSync(usersFolder)) {
    for (const path of certificateFiles(usersFolder)) {
      const file = relative(directory, path);
      read.push({ certificate: parse(directory, file), path: file.split(sep).join('/'), file });
    }
  }
  if (read.length === 0)
    throw new FileError(`--certs ${directory}: no .crt file under hosts/<host>/ or ${USER_CERTIFICATE_DIR}/; lay it out like out/<cluster>/`);
  const authorities = read.filter((entry) => entry.certificate.ca);
  const certificates = read.map(({ certificate, host, path, file }): DeployedCertificate => {
    const signer = authorities.find((authority) => certificate.checkIssued(authority.certificate) && certificate.verify(authority.certificate.publicKey));
    const usages = certificate.keyUsage;
    return {
      ...(host !== undefined ? { host } : {}),
      path,
      file: file.split(sep).join('/'),
      subject: certificate.subject.split('\n').join(', '),
      commonName: nameValues(certificate.subject, 'CN')[0] ?? '',
      organizations: nameValues(certificate.subject, 'O'),
      issuer: certificate.issuer.split('\n').join(', '),
      ...subjectAltNames(certificate.subjectAltName),
      notBefore: new Date(certificate.validFrom).toISOString(),
      notAfter: new Date(certificate.validTo).toISOString(),
      ...(usages !== undefined ? { extendedKeyUsages: usages.map((oid) => EXTENDED_KEY_USAGES[oid] ?? oid) } : {}),
      isCA: certificate.ca,
      fingerprint: certificate.fingerprint256,
      ...(signer ? { signedBy: signer.certificate.fingerprint256 } : {}),
    };
  });
  return { directory, now, certificates };
}

/**
 * --now for tests and for planning ahead ("what expires by then"), else the clock: read here, at the edge.
 * Typed as parseArgs types an option's value.
 */
export function judgementInstant(value: string | boolean | undefined): string {
  if (value === undefined) return new Date().toISOString();
  const parsed = Date.parse(String(value));
  if (Number.isNaN(parsed)) throw new UsageError(`--now ${String(value)}: not a date; write it as 2026-11-30 or 2026-11-30T12:00:00Z`);
  return new Date(parsed).toISOString();
}
