import { ruleTable, rules } from '@clusterspec/lint';
import { LOAD_CHECKS } from '@clusterspec/spec';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';

/**
 * The rule table (docs/rules/README.md) is made from the rules, as the artifact table is made from the
 * descriptors: a new rule is its module, its registration, its page and its test, and the table follows.
 */
describe('the rule table', () => {
  it('is what the rules make (run `npm run build && npm run docs` when this fails)', () => {
    expect(readFileSync(join(ROOT, 'docs/rules/README.md'), 'utf8')).toBe(ruleTable(rules, Object.values(LOAD_CHECKS)));
  });

  it('links every rule to its page, and every page of docs/rules/ is a rule', () => {
    for (const rule of rules) expect({ rule: rule.id, page: existsSync(join(ROOT, rule.docs)) }).toEqual({ rule: rule.id, page: true });
    const pages = readdirSync(join(ROOT, 'docs/rules')).filter((name) => name !== 'README.md');
    expect(pages.sort()).toEqual(rules.map((rule) => `${rule.id}.md`).sort());
  });

  it('has one module per rule id, packages/lint/src/rules/<id>.ts, with its RuleTester file <id>.test.ts beside it', () => {
    const folder = join(ROOT, 'packages/lint/src/rules');
    const modules = readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'index.ts');
    expect(modules.sort()).toEqual(rules.map((rule) => `${rule.id}.ts`).sort());
    for (const rule of rules) {
      const source = readFileSync(join(folder, `${rule.id}.ts`), 'utf8');
      expect({ rule: rule.id, defines: source.match(/defineRule\(/g)?.length, test: existsSync(join(folder, `${rule.id}.test.ts`)) }).toEqual({
        rule: rule.id,
        defines: 1,
        test: true,
      });
    }
  });
});
