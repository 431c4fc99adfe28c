import { SpecError, type Artifact } from '@clusterspec/spec';
import { chmodSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

/** Every file under root, as sorted '/'-separated relative paths. */
export function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
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

/**
 * Takes DIR/.<cluster>.lock, holding this process's pid. The pid is written to a private file first and
 * hard-linked into place, which fails atomically (EEXIST) when the lock exists, so a lock is never seen
 * empty. A lock whose pid is alive (this process included: two in-process runs) refuses with
 * OutputLockedError; one whose pid is dead is stale and taken over. Returns the release.
 */
export function acquireLock(target: string): () => void {
  const lock = lockPath(target);
  mkdirSync(dirname(lock), { recursive: true });
  const mine = `${lock}.${process.pid}`;
  // Pid files of killed runs (killed between writing and linking, or before unlinking).
  for (const entry of readdirSync(dirname(lock))) {
    const pid = Number(/^\.(?:.*)\.lock\.([0-9]+)$/.exec(entry)?.[1]);
    if (entry.startsWith(`${basename(lock)}.`) && Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) rmSync(join(dirname(lock), entry), { force: true });
  }
  writeFileSync(mine, `${process.pid}\n`);
  try {
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
    throw new OutputLockedError(target, readLockPid(lock) ?? NaN);
  } finally {
    rmSync(mine, { force: true });
  }
}

/** Siblings left by a run that was killed: <name>.tmp-<pid> (staging) and <name>.old-<pid> (previous output). */
function leftovers(target: string): { staging: string[]; previous: string[] } {
  const parent = dirname(target);
  const name = basename(target);
  let entries: string[] = [];
  try {
    entries = readdirSync(parent);
  } catch {
    return { staging: [], previous: [] };
  }
  const ours = (kind: string) => entries.filter((entry) => entry.startsWith(`${name}.${kind}-`) && /^[0-9]+$/.test(entry.slice(name.length + kind.length + 2))).map((entry) => join(parent, entry));
  return { staging: ours('tmp'), previous: ours('old') };
}

/**
 * Puts a target back the way the last complete run left it, after a run was killed part-way. Call with the
 * lock held. A staging folder is never trusted (it may be half written) and is removed. A previous-output
 * folder is the last complete output when the target itself is missing (killed between the two renames of
 * the swap): it is renamed back. Otherwise the swap had finished and it is removed.
 */
export function recoverTarget(target: string): void {
  const { staging, previous } = leftovers(target);
  for (const folder of staging) rmSync(folder, { recursive: true, force: true });
  if (previous.length === 0) return;
  // Newest first; there is only ever one, since every run recovers before it swaps.
  const ordered = previous.map((folder) => ({ folder, mtime: statSync(folder).mtimeMs })).sort((a, b) => b.mtime - a.mtime);
  let rest = ordered;
  if (!existsSync(target)) {
    renameSync(ordered[0].folder, target);
    rest = ordered.slice(1);
  }
  for (const { folder } of rest) rmSync(folder, { recursive: true, force: true });
}

/**
 * Replaces target with exactly the artifacts, under DIR/.<cluster>.lock so two runs cannot interleave.
 * They are written into <target>.tmp-<pid> and swapped in with two renames (target -> <target>.old-<pid>,
 * staging -> target); the old folder is deleted only once the new one is in place. A run killed at any point
 * leaves either the previous output or the new one complete (for the instant between the renames, the
 * previous one as <target>.old-<pid>), and the next run restores and cleans up first (recoverTarget).
 */
export function writeArtifacts(target: string, artifacts: readonly Artifact[]): void {
  writeSites([{ target, artifacts }]);
}

/**
 * writeArtifacts for several targets at once: every lock is taken before anything is written, so a
 * target locked by another run leaves all of them as they were.
 */
export function writeSites(sites: readonly { readonly target: string; readonly artifacts: readonly Artifact[] }[]): void {
  const releases: (() => void)[] = [];
  try {
    for (const site of sites) releases.push(acquireLock(site.target));
    for (const site of sites) swapIn(site.target, site.artifacts);
  } finally {
    for (const release of releases) release();
  }
}

/** Writes the artifacts into a staging sibling and swaps it in; the caller holds the target's lock. */
function swapIn(target: string, artifacts: readonly Artifact[]): void {
  const staging = `${target}.tmp-${process.pid}`;
  const previous = `${target}.old-${process.pid}`;
  recoverTarget(target);
  try {
    mkdirSync(staging, { recursive: true });
    const made = new Set<string>([staging]);
    for (const item of artifacts) {
      const path = join(staging, item.path);
      const folder = dirname(path);
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      writeFileSync(path, item.content, { mode: 0o600 });
      chmodSync(path, item.mode);
    }
    const hadPrevious = existsSync(target);
    if (hadPrevious) renameSync(target, previous);
    renameSync(staging, target);
    if (hadPrevious) rmSync(previous, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export interface Drift {
  readonly missing: string[];
  readonly stale: string[];
  readonly extra: string[];
}

/**
 * Whether a file's mode on disk is the artifact's as far as out/ can keep it: git records only whether a
 * file is executable, so a fresh clone has 0644 where generate wrote 0640. Tighter modes matter where the
 * secrets are, in render's output, which sets them.
 */
export function modesAgree(onDisk: number, expected: number): boolean {
  return (onDisk & 0o111) !== 0 === ((expected & 0o111) !== 0);
}

/** How the files under target differ from the artifacts, by content and by mode. */
export function compareArtifacts(target: string, artifacts: readonly Artifact[]): Drift {
  const onDisk = new Set(listFiles(target));
  const expected = new Set(artifacts.map((item) => item.path));
  const missing: string[] = [];
  const stale: string[] = [];
  for (const item of artifacts) {
    if (!onDisk.has(item.path)) {
      missing.push(item.path);
      continue;
    }
    const path = join(target, item.path);
    if (readFileSync(path, 'utf8') !== item.content || !modesAgree(statSync(path).mode, item.mode)) stale.push(item.path);
  }
  return { missing, stale, extra: [...onDisk].filter((path) => !expected.has(path)) };
}
