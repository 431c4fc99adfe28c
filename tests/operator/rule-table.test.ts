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

  it("has every message of a rule said by a report of its module (or of the shared module it imports), in ESLint's shape", () => {
    const folder = join(ROOT, 'packages/lint/src/rules');
    for (const rule of rules) {
      const source = readFileSync(join(folder, `${rule.id}.ts`), 'utf8');
      // What two rules share (quorum.ts, container-dns.ts) sits beside rule.ts and is imported as '../<name>'.
      const shared = [...source.matchAll(/from '\.\.\/([a-z-]+)'/g)].map(([, name]) => readFileSync(join(folder, '..', `${name}.ts`), 'utf8'));
      const reported = new Set([source, ...shared].flatMap((text) => [...text.matchAll(/messageId: '([A-Za-z0-9]+)'/g)].map(([, id]) => id)));
      const ids = Object.keys(rule.messages);
      expect({ rule: rule.id, unsaid: ids.filter((id) => !reported.has(id)), unknown: [...reported].filter((id) => !ids.includes(id)) }).toEqual({
        rule: rule.id,
        unsaid: [],
        unknown: [],
      });
      expect(ids.length).toBeGreaterThan(0);
    }
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
