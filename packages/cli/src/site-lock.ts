import { SpecError } from '@clusterspec/spec';
import { existsSync, linkSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoOf, FileError, fileError } from './command';
import { kindOf } from './safe-read';

// The lock of a generated folder (DIR/.<cluster>.lock, so two runs never write one folder at once) and the
// leftovers of killed runs beside it (a staging folder, a previous output), which the next run holding the lock
// recovers from.

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
