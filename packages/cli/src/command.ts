import type { ParseArgsConfig } from 'node:util';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether stdout is a terminal that takes colour. */
  readonly colour: boolean;
  /** Whether stderr is a terminal, where progress lines help; absent means no. */
  readonly interactive?: boolean;
}

/** Thrown by a command for wrong flags or arguments: main prints it on one line and points to --help, exit 2. */
export class UsageError extends Error {}

/**
 * A file or folder the command cannot use (a file where a folder must be, a read-only mount, a full disk,
 * an unreadable file): main prints the message, one line naming the path and the cause, and exits 2.
 */
export class FileError extends Error {}

/** What an errno means to someone choosing another path, and what to do about it. */
const CAUSES: Readonly<Record<string, { readonly cause: string; readonly todo?: string }>> = {
  ENOENT: { cause: 'no such file or folder' },
  ENOTDIR: { cause: 'a part of the path is a file, not a folder', todo: 'choose a folder' },
  EEXIST: { cause: 'it already exists' },
  EISDIR: { cause: 'it is a folder' },
  EACCES: { cause: 'permission denied', todo: 'check its permissions or choose another path' },
  EPERM: { cause: 'operation not permitted', todo: 'check its permissions or choose another path' },
  EROFS: { cause: 'read-only file system', todo: 'choose a writable folder' },
  ENOSPC: { cause: 'no space left on the device', todo: 'free some space and run again' },
  EDQUOT: { cause: 'disk quota exceeded', todo: 'free some space and run again' },
  EIO: { cause: 'input/output error' },
  ELOOP: { cause: 'too many levels of symbolic links' },
  ENAMETOOLONG: { cause: 'the name is too long' },
  EMFILE: { cause: 'too many open files' },
  ENFILE: { cause: 'too many open files' },
  EBUSY: { cause: 'the device is busy' },
  EXDEV: { cause: 'it is on another file system' },
  EINVAL: { cause: 'the file system refuses it' },
  ENXIO: { cause: 'not a regular file (a device or socket)' },
};

/** The errno of a Node file-system error, or undefined for any other error. */
export function errnoOf(error: unknown): string | undefined {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof syscall === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * One line for a failed file-system call: "cannot <action> <path>: <cause>; <what to do>". `action` is what the
 * command was doing ("write", "read", "create the folder"); the path defaults to the one the error names.
 */
export function describeFileError(error: unknown, action?: string, path?: string): string {
  const failure = error as NodeJS.ErrnoException;
  const code = errnoOf(error) ?? 'unknown';
  const known = CAUSES[code];
  const cause = known ? `${known.cause} (${code})` : failure.message;
  const where = path ?? failure.path ?? (failure as { dest?: string }).dest ?? '';
  return `cannot ${action ?? failure.syscall ?? 'use'} ${where}: ${cause}${known?.todo ? `; ${known.todo}` : ''}`;
}

/** A FileError for a failed file-system call, or the error itself when it is not one. */
export function fileError(error: unknown, action: string, path: string): Error {
  return errnoOf(error) ? new FileError(describeFileError(error, action, path)) : (error as Error);
}

/** One subcommand: its own module under commands/, listed in commands/index.ts. */
export interface Command {
  readonly name: string;
  /** The whole `--help` text. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** True for commands that never write (validate, lint, check, diff, explain): bad input then says nothing about writing. */
  readonly readOnly?: boolean;
  /** Returns the exit code; throws SpecError for bad specs, UsageError for bad flags, FileError for unusable paths. */
  run(positionals: readonly string[], values: Record<string, string | boolean | undefined>, io: Io): number | Promise<number>;
}
