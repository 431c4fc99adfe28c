import { SpecError, type Artifact } from '@clusterspec/spec';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { errnoOf, FileError, fileError } from './command';

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

/** The lock file of a target folder: a hidden sibling, DIR/.<cluster>.lock, holding the writer's pid. */
export function lockPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.lock`);
}

/** Another run holds the target's lock: reported like bad input (exit 2), and nothing is written. */
export class OutputLockedError extends SpecError {
  readonly pid: number;
  constructor(target: string, pid: number) {
    const lock = lockPath(target);
    super([
      {
        file: lock,
        line: 1,
        column: 1,
        field: '',
        message: `${target} is being written by another clusterspec run (pid ${pid})`,
        hint: `wait for it to finish and run again; if pid ${pid} is not a clusterspec run, delete ${lock}`,
      },
    ]);
    this.pid = pid;
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLockPid(lock: string): number | undefined {
  try {
    const text = readFileSync(lock, 'utf8');
    // A lock without a pid (written by hand) counts as stale.
    return Number(/^\s*([0-9]+)/.exec(text)?.[1] ?? NaN);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** What stands at a lock path that is no readable lock, for the message. */
function lockKind(lock: string): string {
  try {
    const stats = lstatSync(lock);
    if (stats.isSymbolicLink()) return existsSync(lock) ? 'is a symbolic link' : 'is a symbolic link to nothing';
    return stats.isFile() ? 'holds no pid' : `is ${kindOf(stats)}`;
  } catch {
    return 'keeps changing';
  }
}

/**
 * Takes DIR/.<cluster>.lock, holding this process's pid. The pid is written to a private file first and
 * hard-linked into place, which fails atomically (EEXIST) when the lock exists, so a lock is never seen
 * empty. A lock whose pid is alive (this process included: two in-process runs) refuses with
 * OutputLockedError; one whose pid is dead is stale and taken over. DIR must exist. Returns the release.
 */
export function acquireLock(target: string): () => void {
  const lock = lockPath(target);
  const folder = dirname(lock);
  const mine = `${lock}.${process.pid}`;
  try {
    // Pid files of killed runs (killed between writing and linking, or before unlinking).
    for (const entry of readdirSync(folder)) {
      const pid = Number(/^\.(?:.*)\.lock\.([0-9]+)$/.exec(entry)?.[1]);
      if (entry.startsWith(`${basename(lock)}.`) && Number.isInteger(pid) && pid !== process.pid && !processAlive(pid))
        rmSync(join(folder, entry), { force: true });
    }
  } catch (error) {
    throw fileError(error, 'write in', folder);
  }
  try {
    writeFileSync(mine, `${process.pid}\n`);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        linkSync(mine, lock);
        return () => {
          // Only our own lock: never remove one another run took over.
          if (readLockPid(lock) === process.pid) rmSync(lock, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readLockPid(lock);
      if (holder === undefined) continue; // released meanwhile: try again
      if (processAlive(holder)) throw new OutputLockedError(target, holder);
      // Stale. Remove it only if it still names the dead pid, so a lock just taken over by another run stays.
      if (Object.is(readLockPid(lock), holder)) rmSync(lock, { force: true });
    }
    const holder = readLockPid(lock);
    if (holder !== undefined && Number.isInteger(holder)) throw new OutputLockedError(target, holder);
    // Five times it existed and could not be read or removed as a lock: a dangling symbolic link, or a lock
    // without a pid that keeps coming back. Never "pid NaN": say what the entry is and what to do.
    throw new FileError(`cannot take the lock ${lock} for ${target}: it ${lockKind(lock)}, not a lock a clusterspec run wrote; delete ${lock} and run again`);
  } catch (error) {
    // /proc and the like answer ENOENT for a new file in a folder that exists.
    if (errnoOf(error) === 'ENOENT' && existsSync(folder))
      throw new FileError(`cannot write in ${folder}: the file system there refuses new entries (ENOENT); choose another folder`);
    throw fileError(error, 'write in', folder);
  } finally {
    rmSync(mine, { force: true });
  }
}

/** A sibling left by a run that was killed: <name>.tmp-<pid> (staging) or <name>.old-<pid> (previous output). */
export interface Leftover {
  readonly path: string;
  readonly kind: 'staging' | 'previous';
  readonly pid: number;
}

/** The leftovers of killed runs beside a target, whichever pid left them. */
export function leftovers(target: string): Leftover[] {
  const parent = dirname(target);
  const name = basename(target);
  let entries: string[] = [];
  try {
    entries = readdirSync(parent);
  } catch {
    return [];
  }
  const found: Leftover[] = [];
  for (const entry of entries.sort()) {
    const match = /^\.(tmp|old)-([0-9]+)$/.exec(entry.slice(name.length));
    if (entry.startsWith(name) && match) found.push({ path: join(parent, entry), kind: match[1] === 'tmp' ? 'staging' : 'previous', pid: Number(match[2]) });
  }
  return found;
}

/** Leftovers whose run is over: what `check` reports (a live run's staging folder is work in progress). */
export function deadLeftovers(target: string): Leftover[] {
  return leftovers(target).filter((leftover) => !processAlive(leftover.pid));
}

/**
 * Puts a target back the way the last complete run left it, after a run was killed part-way. Call with the
 * lock held. A staging folder is never trusted (it may be half written) and is removed. A previous-output
 * folder is the last complete output when the target itself is missing (killed between the two renames of
 * the swap): it is renamed back. Otherwise the swap had finished and it is removed. Returns what it did, one
 * line per leftover, for the run to report.
 */
export function recoverTarget(target: string): string[] {
  const found = leftovers(target);
  const done: string[] = [];
  for (const { path, pid } of found.filter((leftover) => leftover.kind === 'staging')) {
    rmSync(path, { recursive: true, force: true });
    done.push(`removed ${path}, the unfinished output of a killed run (pid ${pid})`);
  }
  const previous = found.filter((leftover) => leftover.kind === 'previous');
  if (previous.length === 0) return done;
  // Newest first; there is only ever one, since every run recovers before it swaps.
  const ordered = previous.map((leftover) => ({ ...leftover, mtime: statSync(leftover.path).mtimeMs })).sort((a, b) => b.mtime - a.mtime);
  let rest = ordered;
  if (!existsSync(target)) {
    renameSync(ordered[0].path, target);
    done.push(`restored ${target} from ${ordered[0].path}, left by a run killed while swapping (pid ${ordered[0].pid})`);
    rest = ordered.slice(1);
  }
  for (const { path, pid } of rest) {
    rmSync(path, { recursive: true, force: true });
    done.push(`removed ${path}, the previous output a killed run had already replaced (pid ${pid})`);
  }
  return done;
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

/** The bytes of the file being written; grown as needed, reused for every file. */
let scratch = Buffer.alloc(1 << 16);

/**
 * Creates a file with its mode and its text, encoded as UTF-8 into one reused buffer: writeFileSync with a
 * string allocates a new buffer per file, and at 5,000 hosts (50,000 files, about 480 MB) those allocations
 * (fresh pages, then garbage) cost more system time than the writes themselves.
 */
function writeText(path: string, text: string, mode: number): void {
  // UTF-8 takes at most three bytes per UTF-16 code unit.
  if (text.length * 3 > scratch.length) scratch = Buffer.alloc(Math.max(text.length * 3, scratch.length * 2));
  const size = scratch.write(text, 0, 'utf8');
  const fd = openSync(path, 'w', mode);
  try {
    for (let written = 0; written < size;) written += writeSync(fd, scratch, written, size - written);
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
