import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  lstatSync,
  type Stats,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { errnoOf, FileError, fileError } from './command';
import type { Artifact } from '@clusterspec/spec';
import { kindOf, listEntries, readRegularFile } from './safe-read';
import { acquireLock, recoverTarget } from './site-lock';

// Writing whole or not at all: a generated folder swapped in under its lock, a single file renamed into place,
// a new file created exclusively; every failure leaves what was there before and names the path and the cause.

/**
 * Creates a folder and its missing parents, one mkdir at a time, and returns the folders it created (outermost
 * first). Not mkdirSync's `recursive`: on Linux it spins forever when the file system answers ENOENT for a
 * child of an existing folder (/proc/self/x), and it reports ENOENT for a full disk
 * (https://github.com/nodejs/node/issues/42808). Each step here either succeeds or fails once, with the path.
 */
export function makeFolders(folder: string): string[] {
  const chain: string[] = [];
  for (let path = folder; ; path = dirname(path)) {
    chain.unshift(path);
    if (dirname(path) === path) break;
  }
  const created: string[] = [];
  const notAFolder = (path: string, what: string) => new FileError(`cannot write in ${folder}: ${path} is ${what}, not a folder; choose a folder`);
  for (const path of chain) {
    let stats: Stats | undefined;
    try {
      stats = statSync(path);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw fileError(error, 'use the folder', path);
    }
    if (stats) {
      if (!stats.isDirectory()) throw notAFolder(path, kindOf(stats));
      continue;
    }
    try {
      mkdirSync(path);
      created.push(path);
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') {
        // Made meanwhile by another run (fine), or a link to nowhere (not fine).
        if (existsSync(path) && statSync(path).isDirectory()) continue;
        throw notAFolder(path, 'a broken symbolic link');
      }
      if (errnoOf(error) === 'ENOENT')
        throw new FileError(`cannot create the folder ${path}: the file system there refuses new entries (ENOENT); choose another folder`);
      throw fileError(error, 'create the folder', path);
    }
  }
  return created;
}

/** Undoes makeFolders after a failure: removes the folders it created, innermost first, where still empty. */
function removeFolders(created: readonly string[]): void {
  for (const folder of [...created].reverse()) {
    try {
      rmdirSync(folder);
    } catch {
      return; // not empty (someone else's now) or gone: leave the rest
    }
  }
}

/**
 * Writes a new file (never over an existing one: exclusive create), making missing parent folders first. On
 * any failure (a full disk, a read-only mount) the partial file and the folders made for it are removed, and
 * a FileError names the path and the cause.
 */
export function writeNewFile(path: string, text: string): void {
  const created = makeFolders(dirname(path));
  let opened = false;
  try {
    const descriptor = openSync(path, 'wx');
    opened = true;
    try {
      writeFileSync(descriptor, text);
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    if (opened) rmSync(path, { force: true });
    removeFolders(created);
    if (errnoOf(error) === 'EEXIST') throw new FileError(`cannot write ${path}: it already exists and is not overwritten`);
    throw fileError(error, 'write', path);
  }
}

/** What the writer needs of a generated file (an Artifact, or a file of an archive). */
export type WrittenFile = Pick<Artifact, 'path' | 'content' | 'mode'>;

/** What writing one target did: the clean-up of a killed run's leftovers, and whether the folder was written. */
export interface SiteWrite {
  readonly target: string;
  /** One line per leftover of a killed run that was cleaned up first (recoverTarget). */
  readonly recovered: string[];
  /** false: the folder already held these files' bytes and nothing else, and was not replaced (modesToSet). */
  readonly written: boolean;
  /** When not written: how many of its files had another mode, now set to the artifact's. */
  readonly modesSet: number;
}

/**
 * Replaces target with exactly the artifacts, under DIR/.<cluster>.lock so two runs cannot interleave.
 * They are written into <target>.tmp-<pid> and swapped in with two renames (target -> <target>.old-<pid>,
 * staging -> target); the old folder is deleted only once the new one is in place. A run killed at any point
 * leaves either the previous output or the new one complete (for the instant between the renames, the
 * previous one as <target>.old-<pid>), and the next run restores and cleans up first (recoverTarget).
 * A folder that already holds the artifacts' bytes and nothing else is not replaced (see modesToSet).
 */
export function writeArtifacts(target: string, artifacts: readonly WrittenFile[]): SiteWrite {
  return writeSites([{ target, artifacts }])[0];
}

/**
 * writeArtifacts for several targets at once: every lock is taken before anything is written, so a
 * target locked by another run leaves all of them as they were. A folder that cannot be written (a file, a
 * read-only mount, a full disk) throws FileError, and the folders this run created are removed again.
 */
export function writeSites(sites: readonly { readonly target: string; readonly artifacts: readonly WrittenFile[] }[]): SiteWrite[] {
  const releases: (() => void)[] = [];
  const created: string[] = [];
  let finished = false;
  try {
    for (const site of sites) {
      created.push(...makeFolders(dirname(site.target)));
      releases.push(acquireLock(site.target));
    }
    const writes = sites.map((site) => swapIn(site.target, site.artifacts));
    finished = true;
    return writes;
  } finally {
    for (const release of releases) release();
    if (!finished) removeFolders(created);
  }
}

/**
 * Whether target already holds the artifacts' files: the same regular files with the artifacts' bytes, and
 * nothing else. Returns the files among them whose mode is not the artifact's (empty: the folder is exactly
 * what would be written), or undefined when a file is missing, extra, not a regular file or holds other bytes.
 * Such a folder is not replaced: replacing it would write and then delete every file (about 50,000 for 200
 * sites) to end where it started, and its files keep their times, so make-like tools and Nx see no change.
 * Modes alone are set in place: a git clone leaves 0644 where generate writes 0640 (git records only the
 * executable bit, https://git-scm.com/docs/git-config#Documentation/git-config.txt-corefileMode), and every
 * file keeps the right bytes whichever of the chmods a killed run got to. Stops at the first difference.
 */
function modesToSet(target: string, artifacts: readonly WrittenFile[]): { path: string; mode: number }[] | undefined {
  if (!existsSync(target)) return undefined;
  const listing = listEntries(target);
  if (listing.unexpected.length > 0 || listing.files.length !== artifacts.length) return undefined;
  const onDisk = new Set(listing.files);
  const modes: { path: string; mode: number }[] = [];
  for (const item of artifacts) {
    if (!onDisk.has(item.path)) return undefined;
    const path = join(target, item.path);
    const found = readRegularFile(path);
    if ('kind' in found || found.text !== item.content) return undefined;
    if ((found.mode & 0o777) !== item.mode) modes.push({ path, mode: item.mode });
  }
  return modes;
}

/** How many UTF-16 code units are encoded at a time: at most three bytes each, so a slice fits SCRATCH. */
const SLICE = 1 << 18;
/**
 * The bytes of the file being written, reused for every file and every slice of a large one. Fixed: growing it to
 * fit the largest file kept a buffer of three times that file's length for the rest of the run (the ingress
 * previews at 10,000 hosts are about 70 MB each: a 210 MB buffer, zero-filled, so all of it resident).
 */
const scratch = Buffer.allocUnsafe(3 * SLICE);

/**
 * Creates a file with its mode and its text, encoded as UTF-8 into one reused buffer, a slice at a time:
 * writeFileSync with a string allocates a new buffer per file, and at 5,000 hosts (50,000 files) those
 * allocations (fresh pages, then garbage) cost more system time than the writes themselves. A file of up to
 * SLICE code units (all but a handful) is one write system call, as before.
 */
function writeText(path: string, text: string, mode: number): void {
  const fd = openSync(path, 'w', mode);
  try {
    for (let start = 0; start < text.length;) {
      let end = Math.min(start + SLICE, text.length);
      // Never between the two halves of a surrogate pair: each slice must be whole characters to encode.
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
      const size = scratch.write(start === 0 && end === text.length ? text : text.slice(start, end), 0, 'utf8');
      for (let written = 0; written < size;) written += writeSync(fd, scratch, written, size - written);
      start = end;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the artifacts into a staging sibling and swaps it in, unless target already holds exactly them; the
 * caller holds the target's lock.
 */
function swapIn(target: string, artifacts: readonly WrittenFile[]): SiteWrite {
  const staging = `${target}.tmp-${process.pid}`;
  const previous = `${target}.old-${process.pid}`;
  let recovered: string[];
  try {
    recovered = recoverTarget(target);
  } catch (error) {
    throw fileError(error, 'clean up the leftovers of a killed run beside', target);
  }
  const modes = modesToSet(target, artifacts);
  if (modes) {
    try {
      for (const { path, mode } of modes) chmodSync(path, mode);
    } catch (error) {
      throw fileError(error, 'set the file modes in', target);
    }
    return { target, recovered, written: false, modesSet: modes.length };
  }
  try {
    // Folders one at a time, each after its parent (see makeFolders for why not mkdirSync's recursive).
    const made = new Set<string>();
    const folderFor = (folder: string): void => {
      if (made.has(folder)) return;
      if (folder !== staging) folderFor(dirname(folder));
      mkdirSync(folder);
      made.add(folder);
    };
    folderFor(staging);
    // The bits the umask clears, learnt from the staging folder just made with mkdir's default 0o777 (reading
    // process.umask() is deprecated, DEP0139). A file is created with its mode, never wider than it ends up;
    // only a mode the umask cuts (0o755 under umask 077) needs the chmod, a second system call per file.
    const umask = 0o777 & ~statSync(staging).mode;
    for (const item of artifacts) {
      // Artifact paths are relative and '/'-separated, without . or .. segments: join's normalising is not needed.
      const path = `${staging}/${item.path}`;
      folderFor(dirname(path));
      writeText(path, item.content, item.mode);
      if ((item.mode & umask) !== 0) chmodSync(path, item.mode);
    }
    const hadPrevious = existsSync(target);
    if (hadPrevious) renameSync(target, previous);
    try {
      renameSync(staging, target);
    } catch (error) {
      if (hadPrevious) renameSync(previous, target);
      throw error;
    }
    if (hadPrevious) rmSync(previous, { recursive: true, force: true });
  } catch (error) {
    throw fileError(error, 'write', target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { target, recovered, written: true, modesSet: 0 };
}

/** How a folder that was not replaced was left. */
function leftAs(modesSet: number): string {
  return modesSet === 0 ? 'left as it was' : `set the mode of ${modesSet} of them, left the rest as it was`;
}

/**
 * The line generate, unpack and render print for one site: "<source>: wrote N files to T" or what was left as it
 * was. `shown` is the folder as the user named it, when that is not the path written (render resolves links).
 */
export function writeLine(source: string, write: SiteWrite, files: number, shown: string = write.target): string {
  return write.written ? `${source}: wrote ${files} files to ${shown}` : `${source}: ${shown} already holds these ${files} files; ${leftAs(write.modesSet)}`;
}

/** What generate and unpack print after writing sites: every leftover cleaned up first, then a line per site. */
export function writeReport(writes: readonly SiteWrite[], sites: readonly { readonly source: string; readonly files: number }[]): string[] {
  return [...writes.flatMap((write) => write.recovered), ...writes.map((write, index) => writeLine(sites[index].source, write, sites[index].files))];
}

/**
 * Writes one file whole or not at all: into a sibling <file>.tmp-<pid>, then renamed over the file, so a reader
 * (or a build cache hashing it) never sees half of it. Missing folders are made; a failure throws FileError, and
 * so does a path that exists as anything but a regular file.
 */
export function writeFileWhole(file: string, bytes: Buffer): void {
  // Only a regular file is replaced: renaming over /dev/stdout, a link or a FIFO would destroy it, not write to it.
  let existing: Stats | undefined;
  try {
    existing = lstatSync(file);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') throw fileError(error, 'write', file);
  }
  if (existing && !existing.isFile()) throw new FileError(`cannot write ${file}: it is ${kindOf(existing)}, not a regular file; choose a file path`);
  const created = makeFolders(dirname(file));
  const staging = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(staging, bytes);
    renameSync(staging, file);
  } catch (error) {
    rmSync(staging, { force: true });
    removeFolders(created);
    throw fileError(error, 'write', file);
  }
}
