import { compareCodePoints } from './order';
/** A place in a spec file; line and column count from 1. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface SpecProblem extends SourceLocation {
  /** Dotted path of the field at fault, e.g. spec.hosts[2].address; empty for file-level problems. */
  readonly field: string;
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
}

export function formatProblem(problem: SpecProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  const field = problem.field ? `${problem.field}: ` : '';
  const hint = problem.hint ? `\n    ${problem.hint}` : '';
  return `${where}: error: ${field}${problem.message}${hint}`;
}

/** Thrown for input that cannot become a model; carries every problem found, in file order. */
export class SpecError extends Error {
  readonly problems: readonly SpecProblem[];

  constructor(problems: readonly SpecProblem[]) {
    const sorted = [...problems].sort((a, b) => compareCodePoints(a.file, b.file) || a.line - b.line || a.column - b.column);
    super(sorted.map(formatProblem).join('\n'));
    this.name = 'SpecError';
    this.problems = sorted;
  }
}

export type FieldPath = readonly (string | number)[];

export function formatFieldPath(path: FieldPath): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join('');
}
