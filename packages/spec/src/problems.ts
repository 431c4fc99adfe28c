import type { Parsed } from './endpoint';
import { formatFieldPath, type FieldPath, type SpecProblem } from './errors';
import type { ParsedSource } from './source';

/** Collects semantic problems with the source position of the field at fault. */
export class ProblemList {
  readonly problems: SpecProblem[] = [];
  constructor(private readonly source: ParsedSource) {}

  add(path: FieldPath, message: string, hint?: string): void {
    this.problems.push({ ...this.source.locate(path), field: formatFieldPath(path), message, hint });
  }

  /**
   * A field parsed into its typed value; an unusable one is a problem at the field, and the value a
   * stand-in no one reads (a spec with problems never becomes a model).
   */
  parsed<T>(result: Parsed<T>, path: FieldPath, hint: string): T {
    if ('value' in result) return result.value;
    this.add(path, result.problem, hint);
    return undefined as unknown as T;
  }

  line(path: FieldPath): number {
    return this.source.locate(path).line;
  }
}
