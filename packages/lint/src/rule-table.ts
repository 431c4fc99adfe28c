import type { LoadCheck } from '@clusterspec/spec';
import type { LintRule } from './rule';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * docs/rules/README.md, the rule table, from the rules themselves (one row each, in the order lint runs them), and
 * apart from them the checks the loader makes that read like rules (LOAD_CHECKS): scripts/rule-table.js writes it,
 * tests/operator/rule-table.test.ts fails when the committed copy is stale. The links are relative to docs/rules/, where each rule's page is `<id>.md` (its `docs`).
 */
export function ruleTable(rules: readonly LintRule[], loadChecks: readonly LoadCheck[]): string {
  const rows = rules.map((rule) => `| [\`${rule.id}\`](${rule.docs.replace(/^docs\/rules\//, '')}) | ${rule.severity} | ${cell(rule.description)} |`);
  return [
    '# Lint rules',
    '',
    '<!-- Generated from the rules (packages/lint/src/rules) and the load checks (packages/spec/src/load-checks.ts) by `npm run docs`; do not edit. -->',
    '',
    `\`clusterspec lint\` runs these ${rules.length} rules. The default severity can be changed per rule in the spec`,
    '(`spec.lint.rules.<id>: off | info | warning | error`); each page says what the rule catches, why, and a spec that',
    'fails and one that passes.',
    '',
    '| rule | default | what it checks |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '## Checked when the spec is loaded',
    '',
    'These are no lint rules: `validate` (and every other command) refuses a spec that fails them, before any rule runs, with',
    "a message ending in the check's id; `clusterspec explain <id>` says what it refuses. Each names the lint rule about the",
    'same subject, which checks what remains once the spec loads.',
    '',
    '| check | what it requires | lint rule about the same |',
    '| --- | --- | --- |',
    ...loadChecks.map((check) => `| \`${check.id}\` | ${cell(check.description)} | ${check.rule ? `[\`${check.rule}\`](${check.rule}.md)` : ''} |`),
    '',
  ].join('\n');
}
