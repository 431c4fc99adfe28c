import { formatFieldPath, SpecError, type FieldPath, type SpecProblem } from './errors';
import type { ClusterModel } from './model';

/** A problem a check finds in a model, at the spec field to change (its key, for a misnamed key). */
export interface CheckProblem {
  readonly field: FieldPath;
  readonly part?: 'key' | 'value';
  readonly message: string;
  readonly hint: string;
}

/**
 * A check a component package contributes to the one validation phase, for what only it knows (Harbor's
 * installer layouts, the lint rule ids): it reports each problem and never throws. Every check runs
 * before any generator, so what `validate` accepts, `generate`, `lint` and `render` accept too.
 */
export type SiteCheck = (model: ClusterModel, report: (problem: CheckProblem) => void) => void;

/** Runs every check over a model; throws a SpecError with all their problems, positioned in the spec. */
export function runSiteChecks(model: ClusterModel, checks: readonly SiteCheck[]): void {
  const problems: SpecProblem[] = [];
  for (const check of checks) {
    check(model, ({ field, part, message, hint }) => problems.push({ ...model.locate(field, part), field: formatFieldPath(field), message, hint }));
  }
  if (problems.length > 0) throw new SpecError(problems);
}
