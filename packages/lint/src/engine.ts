import { closestMatch, formatFieldPath, SpecError, type Artifact, type ClusterModel } from '@clusterspec/spec';
import type { Diagnostic, Finding, LintRule } from './rule';
import { rules as allRules } from './rules';

/** Severity overrides naming no rule are a typo that would silently turn nothing off: refuse them as bad input. */
function checkOverrides(model: ClusterModel, rules: readonly LintRule[]): void {
  const ids = rules.map((rule) => rule.id);
  const problems = Object.keys(model.lint.rules)
    .filter((id) => !ids.includes(id))
    .map((id) => {
      const suggestion = closestMatch(id, ids);
      return {
        ...model.locate(['spec', 'lint', 'rules', id], 'key'),
        field: formatFieldPath(['spec', 'lint', 'rules', id]),
        message: `no lint rule is called "${id}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        hint: 'run `clusterspec explain` or see docs/rules/ for the rule ids',
      };
    });
  if (problems.length > 0) throw new SpecError(problems);
}

const order = (a: Diagnostic, b: Diagnostic) =>
  a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message);

/** Runs every rule over a site and its artifacts; diagnostics come sorted by position, overrides applied. */
export function lintSite(model: ClusterModel, artifacts: readonly Artifact[], rules: readonly LintRule[] = allRules): Diagnostic[] {
  checkOverrides(model, rules);
  const byPath = new Map(artifacts.map((item) => [item.path, item]));
  const diagnostics: Diagnostic[] = [];
  for (const rule of rules) {
    const override = model.lint.rules[rule.id];
    if (override === 'off') continue;
    const seen = new Set<string>();
    const report = (finding: Finding) => {
      const diagnostic: Diagnostic = {
        ruleId: rule.id,
        severity: override ?? finding.severity ?? rule.severity,
        message: finding.message,
        location: model.locate(finding.field),
        field: formatFieldPath(finding.field),
        ...(finding.artifact ? { artifact: finding.artifact } : {}),
      };
      const key = JSON.stringify(diagnostic);
      if (!seen.has(key)) diagnostics.push(diagnostic);
      seen.add(key);
    };
    rule.check({ model, artifacts: byPath, report });
  }
  return diagnostics.sort(order);
}
