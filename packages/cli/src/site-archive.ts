/**
 * One file holding the generated files of one or more sites: what `generate --archive` writes and `unpack`
 * writes out again. A build cache stores one file per site instead of every generated file (Nx copies each
 * output file into its cache and back: about 50,000 for a fleet of 200 sites), and a CI job can hand a
 * site's output to the next job as one artifact.
 *
 * The format is gzip over plain lines and raw bytes, deterministic for the same files (gzip's header carries no
 * time here), sites and files in generate's order:
 *
 *   clusterspec-archive/2
 *   site <name>
 *   file <mode: 4 octal digits> <length in bytes: 10 digits> <path>
 *   <that many bytes: the file's UTF-8 text>
 *   ...
 *   end
 *
 * Not JSON (format 1, until 2026-11): escaping every file's text into one JSON string and encoding that string
 * again as UTF-8 took 1.4 s of a 200-site fleet's 11 s `nx run-many -t generate`, five times the compression.
 * Here each text is encoded once, straight into a buffer reused from site to site.
 */
import { DNS_LABEL } from '@clusterspec/spec';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FileError } from './command';

export const ARCHIVE_FORMAT = 'clusterspec-archive/2';

/** A generated file as the writer needs it. */
export interface ArchivedFile {
  readonly path: string;
  readonly mode: number;
  readonly content: string;
}

export interface ArchivedSite {
  /** The cluster name: the site's folder DIR/<name>. */
  readonly name: string;
  readonly files: readonly ArchivedFile[];
}

/**
 * The largest archive unpacked, in bytes once decompressed: far above a real fleet's (a 5,000-host site's output
 * is about 480 MB), and a bound on what a corrupt or hostile cache entry can make this process allocate.
 */
const MAX_UNPACKED_BYTES = 1 << 30;
/** The longest header line read: a path and its mode and length (generate's are under 200 bytes). */
const MAX_HEADER_BYTES = 4096;

/**
 * The archive this process encoded last, with its sites: the Nx plugin's batch runs a site's `archive` and then
 * its unpack in one process, one right after the other, and unpacking the bytes just encoded need not gunzip,
 * parse and check them again. Only bytes equal to these are taken from here, and only once; one archive is kept
 * at a time.
 */
let lastEncoded: { readonly bytes: Buffer; readonly sites: ArchivedSite[] } | undefined;

/** The digits of a file's length in its header line. */
const LENGTH_DIGITS = 10;

/**
 * Whether a path is one generate could write: relative, '/'-separated, no empty, '.' or '..' part, no NUL, no
 * line break, ASCII (a header's placeholder is patched by its position).
 */
function isArtifactPath(path: string): boolean {
  return path.length > 0 && /^[\x21-\x7e][\x20-\x7e]*$/.test(path) && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** The archive being encoded; grown as needed, reused for every archive up to KEPT_BYTES. */
const KEPT_BYTES = 64 << 20;
let scratch = Buffer.alloc(1 << 20);
let used = 0;

/** Makes room for `bytes` more bytes after what is written. */
function reserve(bytes: number): void {
  if (used + bytes <= scratch.length) return;
  const larger = Buffer.alloc(Math.max(used + bytes, scratch.length * 2));
  scratch.copy(larger, 0, 0, used);
  scratch = larger;
}

/** Appends a line (a header: ASCII from generate, at most a few hundred bytes). */
function appendLine(text: string): void {
  reserve(text.length * 3 + 1);
  used += scratch.write(`${text}\n`, used, 'utf8');
}

/** Level 1: generated configuration compresses about 40 times even so, at a fraction of the default's time. */
export function encodeArchive(sites: readonly ArchivedSite[]): Buffer {
  used = 0;
  appendLine(ARCHIVE_FORMAT);
  const kept: ArchivedSite[] = [];
  for (const site of sites) {
    // Never from generate: a name or path that would break a header line is a bug here, not bad input.
    if (!DNS_LABEL.test(site.name)) throw new Error(`archive: site name ${JSON.stringify(site.name)} is not a cluster name`);
    appendLine(`site ${site.name}`);
    const files: ArchivedFile[] = [];
    for (const { path, mode, content } of site.files) {
      if (!isArtifactPath(path)) throw new Error(`archive: ${JSON.stringify(path)} is not a path generate writes`);
      appendLine(`file ${mode.toString(8).padStart(4, '0')} ${'0'.repeat(LENGTH_DIGITS)} ${path}`);
      // The length is known once the text is encoded: written into the header's placeholder afterwards.
      const lengthAt = used - path.length - 2 - LENGTH_DIGITS;
      reserve(content.length * 3);
      const length = scratch.write(content, used, 'utf8');
      used += length;
      scratch.write(String(length).padStart(LENGTH_DIGITS, '0'), lengthAt, 'latin1');
      files.push({ path, mode, content });
    }
    kept.push({ name: site.name, files });
  }
  appendLine('end');
  const bytes = gzipSync(scratch.subarray(0, used), { level: 1 });
  // A 5,000-host site's archive is about 480 MB before compression: not held on to for the next one.
  if (scratch.length > KEPT_BYTES) scratch = Buffer.alloc(1 << 20);
  lastEncoded = { bytes, sites: kept };
  return bytes;
}

/**
 * The sites of an archive, every one checked before any is returned: the format, each name a cluster name
 * (an RFC 1123 label: never a path), each path one generate could write, each mode a file mode, no path twice.
 * Anything else throws FileError naming the file and what is wrong: unpack writes nothing then.
 */
export function decodeArchive(bytes: Buffer, file: string): ArchivedSite[] {
  if (lastEncoded !== undefined && bytes.equals(lastEncoded.bytes)) {
    const { sites } = lastEncoded;
    lastEncoded = undefined;
    return sites;
  }
  const refuse = (what: string) =>
    new FileError(`cannot unpack ${file}: ${what}; make it again with clusterspec generate --archive (format ${ARCHIVE_FORMAT})`);
  let body: Buffer;
  try {
    body = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    throw refuse(`not a gzip file, or larger than ${MAX_UNPACKED_BYTES} bytes unpacked (${(error as Error).message})`);
  }
  let at = 0;
  /** The next header line, without its line break. */
  const line = (): string => {
    const end = body.indexOf(10, at);
    if (end < 0 || end - at > MAX_HEADER_BYTES) throw refuse('it ends inside a header line, or a header line is too long');
    const text = body.toString('utf8', at, end);
    at = end + 1;
    return text;
  };
  const format = body.subarray(0, ARCHIVE_FORMAT.length + 1).toString('latin1');
  if (format !== `${ARCHIVE_FORMAT}\n`)
    throw refuse(body[0] === 0x7b ? 'it is in format 1 (JSON), made by an older clusterspec' : `it does not begin with "${ARCHIVE_FORMAT}"`);
  at = format.length;
  const sites: { name: string; files: ArchivedFile[] }[] = [];
  const names = new Set<string>();
  let paths = new Set<string>();
  for (;;) {
    const header = line();
    if (header === 'end') break;
    const site = /^site (.*)$/.exec(header);
    if (site) {
      const name = site[1];
      if (!DNS_LABEL.test(name)) throw refuse(`site ${sites.length + 1} has no cluster name (an RFC 1123 label)`);
      if (names.has(name)) throw refuse(`it holds site ${name} twice`);
      names.add(name);
      sites.push({ name, files: [] });
      paths = new Set();
      continue;
    }
    const file = /^file ([0-7]{4}) ([0-9]{10}) (.*)$/.exec(header);
    if (!file) throw refuse(`a header line is neither "site <name>", "file <mode> <length> <path>" nor "end" (${JSON.stringify(header.slice(0, 80))})`);
    const current = sites[sites.length - 1];
    if (!current) throw refuse('it has a file before its first site');
    const [, octal, digits, path] = file;
    if (!isArtifactPath(path)) throw refuse(`site ${current.name} has a file whose path is not a relative path inside its folder`);
    if (paths.has(path)) throw refuse(`site ${current.name} holds ${path} twice`);
    paths.add(path);
    const mode = parseInt(octal, 8);
    if (mode > 0o777) throw refuse(`${current.name}/${path} has no file mode (${octal} is beyond 0777)`);
    const length = Number(digits);
    if (length > body.length - at) throw refuse(`${current.name}/${path} is cut short`);
    current.files.push({ path, mode, content: body.toString('utf8', at, at + length) });
    at += length;
  }
  if (at !== body.length) throw refuse('it goes on after its "end" line');
  return sites;
}
