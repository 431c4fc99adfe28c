import type { LintRule } from './rule';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * docs/rules/README.md, the rule table, from the rules themselves (one row each, in the order lint runs them):
 * scripts/rule-table.js writes it, tests/operator/rule-table.test.ts fails when the committed copy is stale.
 * The links are relative to docs/rules/, where each rule's page is `<id>.md` (its `docs`).
 */
export function ruleTable(rules: readonly LintRule[]): string {
  const rows = rules.map((rule) => `| [\`${rule.id}\`](${rule.docs.replace(/^docs\/rules\//, '')}) | ${rule.severity} | ${cell(rule.description)} |`);
  return [
    '# Lint rules',
    '',
    '<!-- Generated from the rules (packages/lint/src/rules) by `npm run docs`; do not edit. -->',
    '',
    `\`clusterspec lint\` runs these ${rules.length} rules. The default severity can be changed per rule in the spec`,
    '(`spec.lint.rules.<id>: off | info | warning | error`); each page says what the rule catches, why, and a spec that',
    'fails and one that passes.',
    '',
    '| rule | default | what it checks |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
