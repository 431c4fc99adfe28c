/**
 * One file holding the generated files of one or more sites: what `generate --archive` writes and `unpack`
 * writes out again. A build cache stores one file per site instead of every generated file (Nx copies each
 * output file into its cache and back: about 50,000 for a fleet of 200 sites), and a CI job can hand a
 * site's output to the next job as one artifact.
 *
 * The format is gzip over JSON, deterministic for the same files (gzip's header carries no time here):
 * { format, sites: [{ name, files: [{ path, mode, content }] }] }, sites and files in generate's order.
 */
import { DNS_LABEL } from '@clusterspec/spec';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FileError } from './command';

export const ARCHIVE_FORMAT = 'clusterspec-archive/1';

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

/**
 * The archive this process encoded last, with its sites: the Nx plugin's batch runs a site's `archive` and then
 * its unpack in one process, one right after the other, and unpacking the bytes just encoded need not gunzip,
 * parse and check them again (for 200 sites, 0.7 s of a 10 s run). Only bytes equal to these are taken from
 * here, and only once; one archive is kept at a time.
 */
let lastEncoded: { readonly bytes: Buffer; readonly sites: ArchivedSite[] } | undefined;

/** Level 1: generated configuration compresses about 40 times even so, at a fraction of the default's time. */
export function encodeArchive(sites: readonly ArchivedSite[]): Buffer {
  const body = {
    format: ARCHIVE_FORMAT,
    sites: sites.map((site) => ({ name: site.name, files: site.files.map(({ path, mode, content }) => ({ path, mode, content })) })),
  };
  const bytes = gzipSync(JSON.stringify(body), { level: 1 });
  lastEncoded = { bytes, sites: body.sites };
  return bytes;
}

/** Whether a path is one generate could write: relative, '/'-separated, no empty, '.' or '..' part, no NUL. */
function isArtifactPath(path: string): boolean {
  return path.length > 0 && !path.includes('\0') && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
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
  let text: string;
  try {
    text = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES }).toString('utf8');
  } catch (error) {
    throw refuse(`not a gzip file, or larger than ${MAX_UNPACKED_BYTES} bytes unpacked (${(error as Error).message})`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw refuse(`its JSON does not parse (${(error as Error).message})`);
  }
  const { format, sites } = (body ?? {}) as { format?: unknown; sites?: unknown };
  if (format !== ARCHIVE_FORMAT) throw refuse(`its format is ${JSON.stringify(format)}, not "${ARCHIVE_FORMAT}"`);
  if (!Array.isArray(sites)) throw refuse('it has no list of sites');
  const names = new Set<string>();
  return sites.map((site: unknown, index) => {
    const { name, files } = (site ?? {}) as { name?: unknown; files?: unknown };
    if (typeof name !== 'string' || !DNS_LABEL.test(name)) throw refuse(`site ${index + 1} has no cluster name (an RFC 1123 label)`);
    if (names.has(name)) throw refuse(`it holds site ${name} twice`);
    names.add(name);
    if (!Array.isArray(files)) throw refuse(`site ${name} has no list of files`);
    const paths = new Set<string>();
    return {
      name,
      files: files.map((entry: unknown) => {
        const { path, mode, content } = (entry ?? {}) as { path?: unknown; mode?: unknown; content?: unknown };
        if (typeof path !== 'string' || !isArtifactPath(path)) throw refuse(`site ${name} has a file whose path is not a relative path inside its folder`);
        if (paths.has(path)) throw refuse(`site ${name} holds ${path} twice`);
        paths.add(path);
        if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) throw refuse(`${name}/${path} has no file mode`);
        if (typeof content !== 'string') throw refuse(`${name}/${path} has no text`);
        return { path, mode, content };
      }),
    };
  });
}
