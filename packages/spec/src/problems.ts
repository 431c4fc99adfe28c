import { formatFieldPath, type FieldPath, type SpecProblem } from './errors';
import type { ParsedSource } from './source';

/** Collects semantic problems with the source position of the field at fault. */
export class ProblemList {
  readonly problems: SpecProblem[] = [];
  constructor(private readonly source: ParsedSource) {}

  add(path: FieldPath, message: string, hint?: string): void {
    this.problems.push({ ...this.source.locate(path), field: formatFieldPath(path), message, hint });
  }

  line(path: FieldPath): number {
    return this.source.locate(path).line;
  }
}
