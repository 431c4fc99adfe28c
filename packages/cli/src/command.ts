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

/** Thrown by a command for wrong flags or arguments: main prints it with the command's usage, exit 2. */
export class UsageError extends Error {}

/** One subcommand: its own module under commands/, listed in commands/index.ts. */
export interface Command {
  readonly name: string;
  /** The whole `--help` text. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the exit code; throws SpecError for bad specs and UsageError for bad flags. */
  run(positionals: readonly string[], values: Record<string, string | boolean | undefined>, io: Io): number | Promise<number>;
}
