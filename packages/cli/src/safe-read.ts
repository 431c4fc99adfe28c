import type { Artifact } from '@clusterspec/spec';
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, type Dirent, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { errnoOf, fileError } from './command';

// Reading generated folders without trusting them: out/ holds only regular files in real folders, so links are
// never followed, FIFOs never opened blocking, and anything else is reported by what it is (check, diff, the writer).

/** What a file-system entry is, in words, for messages about entries that are not plain files or folders. */
export function kindOf(entry: Stats | Dirent): string {
  if (entry.isFile()) return 'a file';
  if (entry.isDirectory()) return 'a folder';
  if (entry.isSymbolicLink()) return 'a symbolic link';
  if (entry.isFIFO()) return 'a named pipe';
  if (entry.isSocket()) return 'a socket';
  return 'a device';
}

/** An entry under a generated folder that is neither a regular file nor a folder (a link, a FIFO, a device). */
export interface UnexpectedEntry {
  /** '/'-separated, relative to the folder; '' for the folder itself. */
  readonly path: string;
  readonly kind: string;
}

/**
 * Every regular file under root, and every other entry (symbolic link, FIFO, socket, device) as unexpected.
 * Links are never followed, folders reached through a link included: out/ holds only what generate writes,
 * regular files in real folders, and anything else is either tampering or a mistake, never an artifact.
 */
export function listEntries(root: string): { files: string[]; unexpected: UnexpectedEntry[] } {
  const files: string[] = [];
  const unexpected: UnexpectedEntry[] = [];
  let top: Stats;
  try {
    top = lstatSync(root);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return { files, unexpected };
    throw fileError(error, 'read', root);
  }
  if (!top.isDirectory()) return { files, unexpected: [{ path: '', kind: kindOf(top) }] };
  const walk = (directory: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      throw fileError(error, 'list the folder', directory);
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      const name = relative(root, path).split(sep).join('/');
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(name);
      else unexpected.push({ path: name, kind: kindOf(entry) });
    }
  };
  walk(root);
  const byPath = (a: UnexpectedEntry, b: UnexpectedEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { files: files.sort(), unexpected: unexpected.sort(byPath) };
}

/** Every regular file under root, as sorted '/'-separated relative paths (links, FIFOs and devices left out). */
export function listFiles(root: string): string[] {
  return listEntries(root).files;
}

/**
 * A regular file's text and mode, or what it is instead. Opened without following a link (O_NOFOLLOW) and
 * without blocking (O_NONBLOCK: a FIFO would otherwise wait forever for a writer), then checked on the open
 * descriptor, so an entry swapped for a link or a FIFO after it was listed is still never read.
 */
export function readRegularFile(path: string): { readonly text: string; readonly mode: number } | { readonly kind: string } {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (errnoOf(error) === 'ELOOP') return { kind: 'a symbolic link' };
    if (errnoOf(error) === 'ENXIO') return { kind: 'a socket' };
    throw fileError(error, 'read', path);
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return { kind: kindOf(stats) };
    return { text: readFileSync(descriptor, 'utf8'), mode: stats.mode };
  } catch (error) {
    throw fileError(error, 'read', path);
  } finally {
    closeSync(descriptor);
  }
}

export interface Drift {
  readonly missing: string[];
  readonly stale: string[];
  readonly extra: string[];
  /** Links, FIFOs, sockets and devices: never read, never followed. */
  readonly unexpected: UnexpectedEntry[];
}

/**
 * Whether a file's mode on disk is the artifact's as far as out/ can keep it: git records only whether a
 * file is executable, so a fresh clone has 0644 where generate wrote 0640. Tighter modes matter where the
 * secrets are, in render's output, which sets them.
 */
export function modesAgree(onDisk: number, expected: number): boolean {
  return ((onDisk & 0o111) !== 0) === ((expected & 0o111) !== 0);
}

/** How the files under target differ from the artifacts, by content and by mode; only regular files are read. */
export function compareArtifacts(target: string, artifacts: readonly Artifact[]): Drift {
  const listing = listEntries(target);
  const onDisk = new Set(listing.files);
  const odd = new Set(listing.unexpected.map((entry) => entry.path));
  const expected = new Set(artifacts.map((item) => item.path));
  const missing: string[] = [];
  const stale: string[] = [];
  const unexpected = [...listing.unexpected];
  for (const item of artifacts) {
    if (!onDisk.has(item.path)) {
      if (!odd.has(item.path) && !odd.has('')) missing.push(item.path);
      continue;
    }
    const found = readRegularFile(join(target, item.path));
    if ('kind' in found) unexpected.push({ path: item.path, kind: found.kind });
    else if (found.text !== item.content || !modesAgree(found.mode, item.mode)) stale.push(item.path);
  }
  return { missing, stale, extra: [...onDisk].filter((path) => !expected.has(path)), unexpected };
}
