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
import { closeSync, constants, createReadStream, fstatSync, openSync, readFileSync } from 'node:fs';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import { fileError, FileError } from './command';
import { kindOf } from './safe-read';

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
 * The most a site may hold once unpacked, in bytes: twice the largest site clusterspec makes (a 5,000-host
 * site, init's maximum, is 69 MB unpacked: 2.7 MB archived, measured 2026-12 with bench/make-spec.js).
 */
export const MAX_SITE_BYTES = 128 << 20;
/**
 * The most an archive may grow when unpacked, as a multiple of its size: generated configuration compresses
 * 4 to 25 times at level 1 (one fixture site 4-5x, a 1,000-host site 25x, a 5,000-host site 25x), while
 * deflate reaches about 1,000x on repeated bytes (a gzip bomb). 100x keeps four times the headroom a real
 * archive needs and holds what a hostile cache entry can make this process allocate to 100 times its size.
 */
export const MAX_EXPANSION = 100;
/** The longest header line read: a path and its mode and length (generate's are under 200 bytes). */
const MAX_HEADER_BYTES = 4096;
/** Below this, the ratio would refuse even a small real archive's headers: a few KB compress poorly. */
const MIN_UNPACKED_LIMIT = 1 << 20;

/** The most an archive of `compressedBytes` may unpack to (every byte counted: headers and files). */
export function unpackedLimit(compressedBytes: number): number {
  return Math.max(MIN_UNPACKED_LIMIT, compressedBytes * MAX_EXPANSION);
}

const MIB = 1 << 20;

/**
 * Reads an archive's decompressed bytes as they come, in pieces of any size, and checks each header as it is
 * complete: the format, each name a cluster name (an RFC 1123 label: never a path), each path one generate could
 * write, each mode a file mode, no path twice, and the bounds (a site at most MAX_SITE_BYTES, the whole at most
 * unpackedLimit of its compressed size), a file's declared length checked before its bytes are taken. Anything
 * else throws FileError naming the file and what is wrong.
 */
class ArchiveReader {
  private readonly sites: { name: string; files: ArchivedFile[] }[] = [];
  private readonly names = new Set<string>();
  private paths = new Set<string>();
  private siteBytes = 0;
  private total = 0;
  private header: Buffer[] = [];
  private headerBytes = 0;
  private lines = 0;
  private ended = false;
  /** The file whose bytes are being read. */
  private body: { path: string; mode: number; remaining: number; parts: Buffer[] } | undefined;

  constructor(
    private readonly file: string,
    private readonly limit: number,
  ) {}

  refuse(what: string): FileError {
    return new FileError(`cannot unpack ${this.file}: ${what}; make it again with clusterspec generate --archive (format ${ARCHIVE_FORMAT})`);
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > this.limit) throw this.tooLarge();
    let at = 0;
    while (at < chunk.length) {
      if (this.ended) throw this.refuse('it goes on after its "end" line');
      const body = this.body;
      if (body) {
        const take = Math.min(body.remaining, chunk.length - at);
        body.parts.push(chunk.subarray(at, at + take));
        body.remaining -= take;
        at += take;
        if (body.remaining === 0) this.endFile();
        continue;
      }
      if (this.lines === 0 && this.headerBytes === 0 && chunk[at] === 0x7b) throw this.refuse('it is in format 1 (JSON), made by an older clusterspec');
      const end = chunk.indexOf(10, at);
      const piece = chunk.subarray(at, end < 0 ? chunk.length : end);
      this.headerBytes += piece.length;
      if (this.lines === 0 && this.headerBytes > ARCHIVE_FORMAT.length) throw this.refuse(`it does not begin with "${ARCHIVE_FORMAT}"`);
      if (this.headerBytes > MAX_HEADER_BYTES) throw this.refuse('a header line is too long');
      this.header.push(piece);
      if (end < 0) break;
      at = end + 1;
      const line = Buffer.concat(this.header, this.headerBytes).toString('utf8');
      this.header = [];
      this.headerBytes = 0;
      this.headerLine(line);
    }
  }

  /** The sites, once every byte has been pushed. */
  finish(): ArchivedSite[] {
    if (this.body) throw this.refuse(`${this.sites[this.sites.length - 1].name}/${this.body.path} is cut short`);
    if (!this.ended) throw this.refuse('it ends inside a header line, or before its "end" line');
    return this.sites;
  }

  private tooLarge(): FileError {
    return this.refuse(`it would unpack to more than ${this.limit} bytes, ${MAX_EXPANSION} times its size (generated files compress about 25 times at most)`);
  }

  private headerLine(header: string): void {
    this.lines += 1;
    if (this.lines === 1) {
      if (header !== ARCHIVE_FORMAT) throw this.refuse(`it does not begin with "${ARCHIVE_FORMAT}"`);
      return;
    }
    if (header === 'end') {
      this.ended = true;
      return;
    }
    const site = /^site (.*)$/.exec(header);
    if (site) {
      const name = site[1];
      if (!DNS_LABEL.test(name)) throw this.refuse(`site ${this.sites.length + 1} has no cluster name (an RFC 1123 label)`);
      if (this.names.has(name)) throw this.refuse(`it holds site ${name} twice`);
      this.names.add(name);
      this.sites.push({ name, files: [] });
      this.paths = new Set();
      this.siteBytes = 0;
      return;
    }
    const file = /^file ([0-7]{4}) ([0-9]{10}) (.*)$/.exec(header);
    if (!file) throw this.refuse(`a header line is neither "site <name>", "file <mode> <length> <path>" nor "end" (${JSON.stringify(header.slice(0, 80))})`);
    const current = this.sites[this.sites.length - 1];
    if (!current) throw this.refuse('it has a file before its first site');
    const [, octal, digits, path] = file;
    if (!isArtifactPath(path)) throw this.refuse(`site ${current.name} has a file whose path is not a relative path inside its folder`);
    if (this.paths.has(path)) throw this.refuse(`site ${current.name} holds ${path} twice`);
    this.paths.add(path);
    const mode = parseInt(octal, 8);
    if (mode > 0o777) throw this.refuse(`${current.name}/${path} has no file mode (${octal} is beyond 0777)`);
    const length = Number(digits);
    // Refused on its word, before a byte of it is inflated.
    this.siteBytes += length;
    if (this.siteBytes > MAX_SITE_BYTES)
      throw this.refuse(`site ${current.name} would unpack to more than ${MAX_SITE_BYTES / MIB} MiB, twice what a 5,000-host site is`);
    if (this.total + length > this.limit) throw this.tooLarge();
    if (length === 0) current.files.push({ path, mode, content: '' });
    else this.body = { path, mode, remaining: length, parts: [] };
  }

  private endFile(): void {
    if (!this.body) return;
    const { path, mode, parts } = this.body;
    this.body = undefined;
    this.sites[this.sites.length - 1].files.push({ path, mode, content: Buffer.concat(parts).toString('utf8') });
  }
}

/** The sites this process encoded last, if `bytes` are that archive: taken once (see lastEncoded). */
function takeLastEncoded(bytes: Buffer): ArchivedSite[] | undefined {
  if (lastEncoded === undefined || !bytes.equals(lastEncoded.bytes)) return undefined;
  const { sites } = lastEncoded;
  lastEncoded = undefined;
  return sites;
}

/**
 * The sites of an archive held in memory, every one checked before any is returned (ArchiveReader);
 * anything else throws FileError naming the file and what is wrong: unpack writes nothing then.
 */
export function decodeArchive(bytes: Buffer, file: string): ArchivedSite[] {
  const taken = takeLastEncoded(bytes);
  if (taken) return taken;
  const reader = new ArchiveReader(file, unpackedLimit(bytes.length));
  let body: Buffer;
  try {
    body = gunzipSync(bytes, { maxOutputLength: unpackedLimit(bytes.length) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw reader.refuse(`it would unpack to more than ${unpackedLimit(bytes.length)} bytes, ${MAX_EXPANSION} times its size`);
    throw reader.refuse(`not a gzip file, or not a whole one (${(error as Error).message})`);
  }
  reader.push(body);
  return reader.finish();
}

/**
 * The sites of the archive file at `path`, read and inflated as a stream, so no more than the bounds above is
 * ever held: a regular file only (opened without blocking and checked on its descriptor, so a FIFO or a device
 * such as /dev/zero is refused, never waited on or read without end). Every site is checked before any is
 * returned.
 */
export async function readArchive(path: string): Promise<ArchivedSite[]> {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fileError(error, 'read', path);
  }
  let size: number;
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile())
      throw new FileError(`cannot unpack ${path}: it is ${kindOf(stats)}, not a regular file; name an archive file made by clusterspec generate --archive`);
    size = stats.size;
    // The Nx batch's case: the archive just encoded, compared byte for byte before it is taken.
    if (lastEncoded !== undefined && size === lastEncoded.bytes.length) {
      const taken = takeLastEncoded(readFileSync(descriptor));
      if (taken) {
        closeSync(descriptor);
        return taken;
      }
    }
  } catch (error) {
    closeSync(descriptor);
    throw error instanceof FileError ? error : fileError(error, 'read', path);
  }
  const reader = new ArchiveReader(path, unpackedLimit(size));
  const source = createReadStream('', { fd: descriptor, start: 0 });
  const inflate = createGunzip();
  source.on('error', (error) => inflate.destroy(error));
  try {
    for await (const chunk of source.pipe(inflate)) reader.push(chunk as Buffer);
  } catch (error) {
    if (error instanceof FileError) throw error;
    if (/^Z_/.test(String((error as NodeJS.ErrnoException).code))) throw reader.refuse(`not a gzip file, or not a whole one (${(error as Error).message})`);
    throw fileError(error, 'read', path);
  } finally {
    source.destroy();
    inflate.destroy();
  }
  return reader.finish();
}
