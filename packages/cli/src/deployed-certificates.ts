import type { DeployedCertificate, DeployedCertificates, SkippedFile } from '@clusterspec/pki';
import { PKI_DIR, USER_CERTIFICATE_DIR, visible } from '@clusterspec/pki';
import type { ClusterModel } from '@clusterspec/spec';
import { X509Certificate } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { errnoOf, FileError, UsageError } from './command';

/** A certificate is a few kilobytes; anything this large is not one. */
const MAX_CERTIFICATE_BYTES = 1024 * 1024;
/**
 * The most subject alternative names a collected certificate may carry to be read: kubeadm's apiserver
 * certificate has about ten plus apiServer.certSANs. One with 28,000 made 8.7 MB of runbook (issue 22).
 */
export const MAX_SANS = 1000;
/** The most .crt files one site's collection holds: a --certs naming / or /etc is refused rather than walked for minutes. */
const MAX_CERTIFICATE_FILES = 10_000;

const EXTENDED_KEY_USAGES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
};

const LINK_REASON = 'a symbolic link, never followed (it could lead anywhere on this machine); collect the file itself (rsync -a --copy-links, scp -r)';

/** What a directory entry that is neither a file nor a folder is, for a finding. */
function kindOf(entry: Dirent): string {
  if (entry.isFIFO()) return 'a FIFO';
  if (entry.isSocket()) return 'a socket';
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

/** A collected folder's certificate files, and the entries not read (relative to the collected folder). */
interface Walk {
  readonly files: string[];
  readonly skipped: SkippedFile[];
}

/**
 * Every regular *.crt file under a folder, sorted; *.key files (and anything else) are never opened. A symbolic
 * link is never followed, wherever it is: each one, and each .crt that is a FIFO, socket or device, is a skipped
 * finding.
 */
function certificateFiles(directory: string, folder: string, walk: Walk): void {
  const visit = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(current, entry.name);
      const file = relative(directory, path).split(sep).join('/');
      if (entry.isSymbolicLink()) walk.skipped.push({ file, reason: LINK_REASON });
      else if (entry.isDirectory()) visit(path);
      else if (!entry.name.endsWith('.crt')) continue;
      else if (!entry.isFile()) walk.skipped.push({ file, reason: `${kindOf(entry)}, not read; collect the certificate as a regular file` });
      else if (walk.files.push(path) > MAX_CERTIFICATE_FILES)
        throw new FileError(
          `--certs ${visible(directory)}: over ${MAX_CERTIFICATE_FILES} .crt files; name the folder one site's certificates were collected into`,
        );
    }
  };
  visit(folder);
}

/** `key=value` lines of an X509 name: the values of one key. */
const nameValues = (name: string, key: string) =>
  name
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));

/**
 * "DNS:a, IP Address:1.2.3.4" → names and addresses. Node prints a name holding a comma, quote or control
 * character as a JSON string (DNS:"a\u002c b", since CVE-2021-44532), so ", " only ever separates entries.
 */
function subjectAltNames(text: string | undefined): { dnsNames: string[]; ipAddresses: string[] } {
  const entries = (text ?? '').split(', ').filter(Boolean);
  const value = (raw: string) => {
    if (!raw.startsWith('"')) return raw;
    try {
      return String(JSON.parse(raw));
    } catch {
      return raw;
    }
  };
  return {
    dnsNames: entries.filter((entry) => entry.startsWith('DNS:')).map((entry) => value(entry.slice(4))),
    ipAddresses: entries.filter((entry) => entry.startsWith('IP Address:')).map((entry) => value(entry.slice(11))),
  };
}

/**
 * Reads one certificate file: opened without following a link and without waiting on a FIFO (O_NOFOLLOW,
 * O_NONBLOCK), so an entry swapped for one after the walk is refused too; then checked as a regular file of a
 * certificate's size.
 */
function parse(directory: string, file: string): X509Certificate {
  const shown = visible(join(directory, file));
  let descriptor: number;
  try {
    descriptor = openSync(join(directory, file), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw new FileError(`${shown}: cannot open (${errnoOf(error) ?? (error as Error).message}); collect the .crt files again as regular files`);
  }
  try {
    const status = fstatSync(descriptor);
    if (!status.isFile()) throw new FileError(`${shown}: not a regular file; collect the .crt files again as regular files`);
    if (status.size > MAX_CERTIFICATE_BYTES) throw new FileError(`${shown}: over 1 MiB, not a certificate; remove it from the folder`);
    const content = readFileSync(descriptor);
    try {
      return new X509Certificate(content);
    } catch (error) {
      throw new FileError(`${shown}: not a PEM or DER certificate (${(error as Error).message}); collect the .crt files as they are on the host`);
    }
  } finally {
    closeSync(descriptor);
  }
}

/** Whether a path is a real folder, not a link to one. */
const isRealFolder = (path: string) => {
  const status = lstatSync(path, { throwIfNoEntry: false });
  return status !== undefined && status.isDirectory();
};

/**
 * Where a host's files go on the host: a folder laid out like out/<cluster>/hosts/<host>/ (it has etc/), a
 * copy of /etc/kubernetes/pki itself (`rsync -a host:/etc/kubernetes/pki DIR/hosts/host/`, so it has pki/), or
 * that folder's contents (`scp -r host:/etc/kubernetes/pki/. DIR/hosts/host/`).
 */
function hostRoot(folder: string): string {
  if (isRealFolder(join(folder, 'etc'))) return '/';
  if (isRealFolder(join(folder, 'pki'))) return '/etc/kubernetes/';
  return `${PKI_DIR}/`;
}

/**
 * Reads the certificates collected from a site's hosts (DIR/hosts/<host>/…, DIR/cluster/kubeconfig/<user>.crt)
 * into data for the rules, and finds which collected CA signed each (node:crypto's checkIssued and verify).
 * The clock is read by the caller. Private keys are never read, and no symbolic link anywhere under the
 * folder is followed: each one, each .crt that is not a regular file, and each certificate with over MAX_SANS
 * names is listed in `skipped` instead.
 */
export function readDeployedCertificates(model: ClusterModel | undefined, directory: string, now: string): DeployedCertificates {
  const top = statSync(directory, { throwIfNoEntry: false });
  if (top === undefined) throw new FileError(`--certs ${visible(directory)}: no such folder; collect the certificates first (docs/certificates.md)`);
  if (!top.isDirectory())
    throw new FileError(
      `--certs ${visible(directory)}: a file, not a folder; name the folder the certificates were collected into, laid out like out/<cluster>/`,
    );
  const walk: Walk = { files: [], skipped: [] };
  const read: { certificate: X509Certificate; host?: string; path: string; file: string }[] = [];
  /** Each folder on the way to one that is read: a link among them is a skipped finding, and the walk stops there. */
  const realFolder = (...parts: string[]) => {
    for (let depth = 1; depth <= parts.length; depth++) {
      const path = join(directory, ...parts.slice(0, depth));
      const status = lstatSync(path, { throwIfNoEntry: false });
      if (status === undefined) return false;
      if (status.isSymbolicLink()) {
        walk.skipped.push({ file: parts.slice(0, depth).join('/'), reason: LINK_REASON });
        return false;
      }
      if (!status.isDirectory()) return false;
    }
    return true;
  };
  const readAll = (from: number, place: (path: string) => { host?: string; path: string }) => {
    for (const path of walk.files.slice(from)) {
      const file = relative(directory, path).split(sep).join('/');
      const certificate = parse(directory, file);
      const names = certificate.subjectAltName?.split(', ').length ?? 0;
      if (names > MAX_SANS)
        walk.skipped.push({
          file,
          reason: `${names} subject alternative names, over ${MAX_SANS}: no site certificate carries that many; inspect it with openssl x509 -noout -text -in FILE`,
        });
      else read.push({ certificate, ...place(path), file });
    }
  };
  if (realFolder('hosts')) {
    const hostsFolder = join(directory, 'hosts');
    for (const name of readdirSync(hostsFolder).sort()) {
      const folder = join(hostsFolder, name);
      if (!realFolder('hosts', name)) continue;
      if (model && !model.hosts.some((host) => host.name === name)) {
        throw new FileError(`${visible(folder)}: ${model.file} has no host "${visible(name)}"; name each folder under hosts/ after a host of the spec`);
      }
      const root = hostRoot(folder);
      const from = walk.files.length;
      certificateFiles(directory, folder, walk);
      readAll(from, (path) => ({ host: name, path: `${root}${relative(folder, path).split(sep).join('/')}` }));
    }
  }
  if (realFolder(...USER_CERTIFICATE_DIR.split('/'))) {
    const from = walk.files.length;
    certificateFiles(directory, join(directory, USER_CERTIFICATE_DIR), walk);
    readAll(from, (path) => ({ path: relative(directory, path).split(sep).join('/') }));
  }
  if (read.length === 0) {
    const [first] = walk.skipped;
    const notRead = first
      ? ` (not read: ${visible(first.file)}, ${first.reason}${walk.skipped.length > 1 ? `, and ${walk.skipped.length - 1} more` : ''})`
      : '';
    throw new FileError(
      `--certs ${visible(directory)}: no .crt file under hosts/<host>/ or ${USER_CERTIFICATE_DIR}/${notRead}; lay it out like out/<cluster>/`,
    );
  }
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
  return { directory, now, certificates, skipped: walk.skipped };
}

/** YYYY-MM-DD, or an RFC 3339 date-time (section 5.6: T or a blank, seconds, optional fraction, Z or an offset). */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$/;

/**
 * --now for tests and for planning ahead ("what expires by then"), else the clock: read here, at the edge.
 * Only the two forms INSTANT names, each field in its range: Date.parse takes "-5" (2001-05-01) and rolls
 * 2027-02-30 over to March 2. Typed as parseArgs types an option's value.
 */
export function judgementInstant(value: string | boolean | undefined): string {
  if (value === undefined) return new Date().toISOString();
  const text = String(value);
  const refused = new UsageError(`--now ${visible(text)}: not a date; write it as 2026-11-30 or 2026-11-30T12:00:00Z (RFC 3339)`);
  const match = INSTANT.exec(text);
  if (!match) throw refused;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((field) => (field === undefined ? undefined : Number(field)));
  const offset = match[8] === undefined || /^[Zz]$/.test(match[8]) ? '00:00' : match[8].slice(1);
  const [offsetHours, offsetMinutes] = offset.split(':').map(Number);
  const calendar = new Date(Date.UTC(year!, month! - 1, day, hour, minute, second));
  // A field out of range rolls over into the next one; reading the fields back catches it.
  const inRange =
    calendar.getUTCFullYear() === year &&
    calendar.getUTCMonth() === month! - 1 &&
    calendar.getUTCDate() === day &&
    calendar.getUTCHours() === hour &&
    calendar.getUTCMinutes() === minute &&
    calendar.getUTCSeconds() === second &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!inRange) throw refused;
  const parsed = Date.parse(match[4] === undefined ? `${text}T00:00:00Z` : text.replace(' ', 'T').toUpperCase());
  if (Number.isNaN(parsed)) throw refused;
  return new Date(parsed).toISOString();
}
