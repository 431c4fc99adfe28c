import { placeSecrets, SECRET_PLACEHOLDER, secretUses, type Artifact, type ClusterModel, type SecretUse } from '@clusterspec/spec';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/**
 * Filling `{{secret:env:NAME}}` / `{{secret:file:/path}}` placeholders with their values, for `render`: this
 * module reads the values (bounded, see readSecretFile); where a value may go in a file, and how it is written
 * there, is the artifact's: @clusterspec/spec's placeSecrets fills the artifact's data and renders it again
 * (ARTIFACT_FORMATS, each descriptor's placeSecret).
 *
 * The one rule of this module: a secret's value goes into the filled file content and nowhere else. Every
 * message names the secret (variable name or file path), the spec field and the files, never the value or
 * any part of it, and no error thrown here carries it either.
 */

export const PLACEHOLDER = SECRET_PLACEHOLDER;

export type { SecretUse } from '@clusterspec/spec';

/** A secret that cannot be filled: missing, unreadable, empty, or not placeable in a file's format. */
export interface SecretProblem {
  readonly use: SecretUse;
  /** Why; never contains the value. */
  readonly reason: string;
}

/** The largest secret file read: a password, a token or a key is far smaller (a 4096-bit RSA key in PEM is 3.3 KB). */
export const MAX_SECRET_FILE_BYTES = 64 << 10;
/**
 * Files that are never a secret for a configuration file, checked on the path with links resolved: the running
 * system's pseudo-files (/proc/self/environ holds every variable of the process; /dev/zero never ends) and the
 * password databases of the host's own accounts (shadow(5), gshadow(5), and their backups). A spec naming one is a
 * mistake or an attempt to carry the host's hashes into generated files.
 */
const NOT_SECRETS = { folders: ['/proc', '/sys', '/dev'], files: ['/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-', '/etc/security/opasswd'] };

const ERRNO_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  EACCES: 'is not readable',
  EISDIR: 'is a directory',
  ELOOP: 'is a loop of links',
};

/**
 * A secret file's bytes, or why not: only a regular file (opened without blocking, checked on its descriptor: a
 * FIFO would wait for a writer forever), at most MAX_SECRET_FILE_BYTES, none of NOT_SECRETS.
 */
function readSecretFile(name: string): { bytes: Buffer } | { reason: string } {
  const failed = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { reason: ERRNO_REASONS[code] ?? `cannot be read (${code})` };
  };
  let real: string;
  try {
    real = realpathSync(resolve(name));
  } catch (error) {
    return failed(error);
  }
  if (NOT_SECRETS.files.includes(real) || NOT_SECRETS.folders.some((folder) => real === folder || real.startsWith(`${folder}${sep}`)))
    return { reason: `is ${real}, a file of the system itself and not a secret; put the value in a file of its own (e.g. /run/secrets/NAME, mode 0600)` };
  let descriptor: number;
  try {
    descriptor = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return failed(error);
  }
  try {
    const stats = fstatSync(descriptor);
    if (stats.isDirectory()) return { reason: 'is a directory' };
    if (!stats.isFile()) return { reason: 'is not a regular file (a pipe, a socket or a device); put the value in a file' };
    // Read up to one byte past the bound, whatever the size says: a file may grow while it is read.
    const bytes = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    let length = 0;
    for (let got = -1; got !== 0 && length < bytes.length; length += got) got = readSync(descriptor, bytes, length, bytes.length - length, null);
    if (length > MAX_SECRET_FILE_BYTES)
      return { reason: `is larger than ${MAX_SECRET_FILE_BYTES >> 10} KiB, far more than a secret; name the file that holds only the value` };
    return { bytes: bytes.subarray(0, length) };
  } catch (error) {
    return failed(error);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Reads a secret's value: the environment variable, or the file's contents without one trailing newline
 * (relative paths from the current directory; readSecretFile's rules). Returns a reason instead when there is none.
 */
export function readSecret(use: SecretUse, env: NodeJS.ProcessEnv = process.env): { value: string } | { reason: string } {
  if (use.kind === 'env') {
    const value = env[use.name];
    if (value === undefined) return { reason: `environment variable ${use.name} is not set` };
    if (value === '') return { reason: `environment variable ${use.name} is empty` };
    return { value };
  }
  const read = readSecretFile(use.name);
  if ('reason' in read) return { reason: `file ${use.name} ${read.reason}` };
  const { bytes } = read;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { reason: `file ${use.name} is not UTF-8 text` };
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') return { reason: `file ${use.name} is empty` };
  return { value };
}

/**
 * Fills every placeholder of every artifact. Either all of them can be filled and the filled artifacts come
 * back (with `secretBearing`, the paths that carried one), or nothing does and every problem is listed.
 */
export function fillSecrets(
  model: ClusterModel,
  artifacts: readonly Artifact[],
  env: NodeJS.ProcessEnv = process.env,
): { ok: true; artifacts: Artifact[]; secretBearing: Set<string> } | { ok: false; problems: SecretProblem[] } {
  const uses = secretUses(model, artifacts);
  const values = new Map<string, string>();
  const problems: SecretProblem[] = [];
  for (const use of uses) {
    const read = readSecret(use, env);
    if ('reason' in read) problems.push({ use, reason: read.reason });
    else values.set(use.placeholder, read.value);
  }
  const placed = placeSecrets(artifacts, values);
  if (!placed.ok) {
    const byPlaceholder = new Map(uses.map((use) => [use.placeholder, use]));
    for (const [placeholder, reasons] of placed.refused) {
      const use = byPlaceholder.get(placeholder) as SecretUse;
      const why = [...reasons].map(
        ([reason, files]) => `it ${reason} (${files.slice(0, 3).join(', ')}${files.length > 3 ? `, and ${files.length - 3} more` : ''})`,
      );
      problems.push({ use, reason: `its value cannot be written safely: ${why.join('; ')}` });
    }
  }
  if (problems.length > 0 || !placed.ok) return { ok: false, problems };
  return placed;
}

/** A problem as the CLI prints it: the secret, why, the spec field(s) and the files (first few). */
export function formatSecretProblem({ use, reason }: SecretProblem, shownFiles = 3): string {
  const fields = use.fields.length > 0 ? use.fields.join(', ') : 'no spec field';
  const files = use.files.slice(0, shownFiles).join(', ') + (use.files.length > shownFiles ? `, and ${use.files.length - shownFiles} more` : '');
  return `secret ${use.placeholder}: ${reason}\n    referenced by ${fields}; used in ${files}`;
}
