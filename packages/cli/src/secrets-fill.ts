import { carriesSecret, SECRET_PLACEHOLDER, secretPlaceholder, type Artifact, type ArtifactFormat, type ClusterModel, type SecretRef } from '@clusterspec/spec';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/**
 * Filling `{{secret:env:NAME}}` / `{{secret:file:/path}}` placeholders with their values, for `render`.
 *
 * The one rule of this module: a secret's value goes into the filled file content and nowhere else. Every
 * message names the secret (variable name or file path), the spec field and the files, never the value or
 * any part of it, and no error thrown here carries it either.
 *
 * How a value is placed depends on where the placeholder sits (see `placement`):
 * - YAML and JSON, inside a double-quoted string: escaped (\\ \" and control characters as \n or
 *   \uXXXX), so any value round-trips, newlines included.
 * - HCL (consul.hcl), inside a double-quoted string: \\ and \" escaped; control characters (newlines
 *   included) and the sequences `${` and `%{` refused: Consul reads HCL1, which has no escape for them
 *   that HCL2 would read the same way.
 * - keepalived.conf (the VRRP password): one word of at most 8 printable ASCII characters without { } " ! #.
 * - Line formats (harbor.cfg, Harbor's env templates, and anything else): the value must be one line of
 *   printable characters without leading or trailing blanks. Harbor 1.x env templates go through
 *   ./prepare's string.Template, so `$` is written `$$`; `_REDIS_URL` is comma-separated, so `,` is
 *   refused there; harbor.cfg is read by Python's ConfigParser, which cuts a value at a `;` or `#` after
 *   a blank, so those are refused.
 *   Harbor's CSRF_KEY must be exactly 32 bytes long.
 * - Anywhere else in a structured file (unquoted YAML, HCL or JSON): only [A-Za-z0-9._~+/=-] is accepted.
 */

export const PLACEHOLDER = SECRET_PLACEHOLDER;

/** One secret a set of artifacts needs. */
export interface SecretUse {
  readonly placeholder: string;
  readonly kind: 'env' | 'file';
  /** The environment variable name or the file path, as the spec wrote it. */
  readonly name: string;
  /** Spec fields that reference it, e.g. spec.consul.encrypt. */
  readonly fields: string[];
  /** Artifact paths that carry its placeholder. */
  readonly files: string[];
}

/** A secret that cannot be filled: missing, unreadable, empty, or not placeable in a file's format. */
export interface SecretProblem {
  readonly use: SecretUse;
  /** Why; never contains the value. */
  readonly reason: string;
}

/** A secret the model keeps under another path than the spec's: the virtual address's settings gather in virtualIP. */
const SPEC_FIELD_OF: Readonly<Record<string, string>> = { 'spec.kubernetes.loadBalancer.virtualIP.password': 'spec.kubernetes.loadBalancer.vrrpPassword' };

/** Where each SecretRef of the model sits in the spec, by placeholder; defaults included. */
function secretFields(model: ClusterModel): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  const visit = (value: unknown, path: string, depth: number) => {
    if (!value || typeof value !== 'object' || Array.isArray(value) || depth > 4) return;
    if ('fromEnv' in value || 'fromFile' in value) {
      const placeholder = secretPlaceholder(value as SecretRef);
      fields.set(placeholder, [...(fields.get(placeholder) ?? []), SPEC_FIELD_OF[path] ?? path]);
      return;
    }
    for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`, depth + 1);
  };
  for (const section of ['kubernetes', 'harbor', 'consul', 'docker'] as const) visit(model[section], `spec.${section}`, 0);
  return fields;
}

/** Every secret the artifacts carry, in order of first appearance. */
export function secretUses(model: ClusterModel, artifacts: readonly Artifact[]): SecretUse[] {
  const fields = secretFields(model);
  const uses = new Map<string, SecretUse>();
  for (const item of artifacts) {
    for (const match of item.content.matchAll(PLACEHOLDER)) {
      let use = uses.get(match[0]);
      if (!use) {
        use = { placeholder: match[0], kind: match[1] as 'env' | 'file', name: match[2], fields: fields.get(match[0]) ?? [], files: [] };
        uses.set(match[0], use);
      }
      if (use.files[use.files.length - 1] !== item.path) use.files.push(item.path);
    }
  }
  return [...uses.values()];
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

type Placement = 'yaml-quoted' | 'json-quoted' | 'hcl-quoted' | 'structured-bare' | 'harbor-template' | 'harbor-cfg' | 'keepalived' | 'line';

/** Whether offset on line sits inside a "…" string (backslash escapes honoured). */
function insideDoubleQuotes(line: string, offset: number): boolean {
  let inside = false;
  for (let index = 0; index < offset; index += 1) {
    const char = line[index];
    if (inside && char === '\\') index += 1;
    else if (char === '"') inside = !inside;
  }
  return inside;
}

/** How a value is placed, by the format the file's descriptor declares and where on its line the placeholder stands. */
function placement(format: ArtifactFormat, line: string, offset: number): Placement {
  const quoted = insideDoubleQuotes(line, offset);
  if (format === 'yaml') return quoted ? 'yaml-quoted' : 'structured-bare';
  if (format === 'json') return quoted ? 'json-quoted' : 'structured-bare';
  if (format === 'hcl') return quoted ? 'hcl-quoted' : 'structured-bare';
  // The env files generated here are Harbor 1.x's templates, which ./prepare reads with string.Template.
  if (format === 'env') return 'harbor-template';
  if (format === 'ini') return 'harbor-cfg';
  if (format === 'keepalived') return 'keepalived';
  return 'line';
}

/**
 * Harbor's core uses CSRF_KEY only when it is exactly 32 bytes (gorilla/csrf's key; goharbor/harbor
 * src/server/middleware/csrf/csrf.go draws a random one otherwise, and ./prepare draws 32 characters).
 */
const HARBOR_CSRF_KEY_BYTES = 32;

const BARE_SAFE = /^[A-Za-z0-9._~+/=-]+$/;
// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is this expression's whole purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function lineProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return 'contains a newline or another control character';
  if (/^\s|\s$/.test(value)) return 'starts or ends with a blank, which the format would drop';
  return undefined;
}

/**
 * A value escaped for a YAML or JSON double-quoted string: JSON.stringify's escapes (quotes, backslashes,
 * C0 controls), plus \u escapes for what YAML readers refuse raw (DEL, C1 controls, line separators, BOM).
 */
function quotedEscape(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The text to put in place of the placeholder, or why the value cannot go there (never quoting it). */
function place(value: string, where: Placement, line: string): { text: string } | { reason: string } {
  switch (where) {
    case 'yaml-quoted':
    case 'json-quoted':
      return { text: quotedEscape(value) };
    case 'hcl-quoted':
      if (CONTROL.test(value)) return { reason: 'contains a newline or another control character, which HCL strings cannot hold' };
      if (/[$%]\{/.test(value)) return { reason: 'contains "${" or "%{", which HCL would read as a template' };
      return { text: value.replace(/[\\"]/g, (char) => `\\${char}`) };
    case 'structured-bare':
      return BARE_SAFE.test(value) ? { text: value } : { reason: 'sits unquoted there, where only letters, digits and . _ ~ + / = - are safe' };
    case 'harbor-template': {
      const problem = lineProblem(value);
      if (problem) return { reason: problem };
      if (/^\s*_REDIS_URL=/.test(line) && value.includes(',')) return { reason: 'contains ",", which separates the fields of _REDIS_URL' };
      if (/^\s*CSRF_KEY=/.test(line) && Buffer.byteLength(value) !== HARBOR_CSRF_KEY_BYTES)
        return {
          reason: `is ${Buffer.byteLength(value)} bytes long, and Harbor's core takes a CSRF_KEY of exactly ${HARBOR_CSRF_KEY_BYTES} (any other length is replaced by a random key per instance, so instances behind one balancer disagree)`,
        };
      return { text: value.replace(/\$/g, '$$$$') };
    }
    case 'harbor-cfg': {
      const problem = lineProblem(value);
      if (problem) return { reason: problem };
      if (/\s[;#]/.test(value)) return { reason: 'contains ";" or "#" after a blank, where harbor.cfg (ConfigParser) starts a comment' };
      return { text: value };
    }
    case 'keepalived':
      // keepalived splits a line into words, reads { } " as syntax and ! or # as a comment, and uses only
      // the first 8 characters of auth_pass (VRRPv2's authentication field): a longer value would look
      // stronger than it is.
      if (!/^[\x21-\x7e]+$/.test(value) || /[{}"!#]/.test(value))
        return { reason: 'is not one word of printable ASCII without { } " ! #, which keepalived.conf cannot hold' };
      if (value.length > 8) return { reason: 'is longer than 8 characters, and keepalived uses only the first 8 of auth_pass' };
      return { text: value };
    case 'line': {
      const problem = lineProblem(value);
      return problem ? { reason: problem } : { text: value };
    }
  }
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
  const byPlaceholder = new Map(uses.map((use) => [use.placeholder, use]));
  const refused = new Map<string, Map<string, string[]>>();
  const filled: Artifact[] = [];
  const secretBearing = new Set<string>();
  for (const item of artifacts) {
    if (!carriesSecret(item.content)) {
      filled.push(item);
      continue;
    }
    secretBearing.add(item.path);
    // Line by line, so each placeholder's context is its own line. One pass: a value that looks like a
    // placeholder is never expanded again.
    const content = item.content
      .split('\n')
      .map((line) =>
        line.replace(PLACEHOLDER, (placeholder: string, _kind: string, _name: string, offset: number) => {
          const value = values.get(placeholder);
          if (value === undefined) return placeholder; // reported above
          const placed = place(value, placement(item.descriptor.format, line, offset), line);
          if ('text' in placed) return placed.text;
          const reasons = refused.get(placeholder) ?? new Map<string, string[]>();
          const files = reasons.get(placed.reason) ?? [];
          if (files[files.length - 1] !== item.path) files.push(item.path);
          reasons.set(placed.reason, files);
          refused.set(placeholder, reasons);
          return placeholder;
        }),
      )
      .join('\n');
    // The text with values in; its data keeps the placeholders (only the text is written).
    filled.push({ ...item, content });
  }
  for (const [placeholder, reasons] of refused) {
    const use = byPlaceholder.get(placeholder) as SecretUse;
    const why = [...reasons].map(
      ([reason, files]) => `it ${reason} (${files.slice(0, 3).join(', ')}${files.length > 3 ? `, and ${files.length - 3} more` : ''})`,
    );
    problems.push({ use, reason: `its value cannot be written safely: ${why.join('; ')}` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, artifacts: filled, secretBearing };
}

/** A problem as the CLI prints it: the secret, why, the spec field(s) and the files (first few). */
export function formatSecretProblem({ use, reason }: SecretProblem, shownFiles = 3): string {
  const fields = use.fields.length > 0 ? use.fields.join(', ') : 'no spec field';
  const files = use.files.slice(0, shownFiles).join(', ') + (use.files.length > shownFiles ? `, and ${use.files.length - shownFiles} more` : '');
  return `secret ${use.placeholder}: ${reason}\n    referenced by ${fields}; used in ${files}`;
}
