import { loadSpecText, SpecError } from '@clusterspec/spec';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, variant } from '../../../tests/support/fixtures';
import { seedUserServer, withLintRules, type SpecEdit } from '../../../tests/support/spec-edits';
import { generateArtifacts } from '@clusterspec/generators';
import { lintSettingsCheck, lintSite } from './engine';
import type { Diagnostic } from './rule';
import { rules } from './rules';

const RULES_FOLDER = join(__dirname, 'rules');

/** A working fixture with text edits, generated and linted. */
function lintVariant(fixture: 'seed-ha' | 'modern' | 'edge', edits: readonly SpecEdit[]): Diagnostic[] {
  const model = variant(fixture, edits);
  return lintSite(model, generateArtifacts(model));
}

const byRule = (diagnostics: readonly Diagnostic[], rule: string) => diagnostics.filter((diagnostic) => diagnostic.ruleId === rule);

/**
 * Adding a rule touches its module, its test file, its doc and the rule index (rules/index.ts); the rule
 * table (docs/rules/README.md) is generated from the index: a rule missing any of them fails here.
 */
describe('every rule in the index', () => {
  it.each(rules.map((rule) => [rule.id, rule] as const))('%s has its docs page and its own RuleTester file', (id, rule) => {
    expect(rule.docs).toBe(`docs/rules/${id}.md`);
    expect(existsSync(join(ROOT, rule.docs))).toBe(true);
    const testFile = join(RULES_FOLDER, `${id}.test.ts`);
    expect(existsSync(testFile)).toBe(true);
    expect(readFileSync(testFile, 'utf8')).toContain('testRule(');
  });

  it('has unique ids', () => {
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
  });

  it('every docs page and every rule test file names a rule of the index', () => {
    const ids = rules.map((rule) => rule.id).sort();
    const pages = readdirSync(join(ROOT, 'docs/rules'))
      .filter((file) => file.endsWith('.md') && file !== 'README.md') // README.md: the rule table, generated from the index
      .map((file) => file.replace(/\.md$/, ''));
    expect(pages.sort()).toEqual(ids);
    const testFiles = readdirSync(RULES_FOLDER)
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => file.replace(/\.test\.ts$/, ''));
    expect(testFiles.sort()).toEqual(ids);
  });

  it('each docs page states the default severity the rule has', () => {
    for (const rule of rules) {
      const page = readFileSync(join(ROOT, rule.docs), 'utf8');
      expect(page.split('\n')[0]).toContain(rule.id);
      expect(page).toMatch(new RegExp(`Default severity: \\*\\*${rule.severity}\\*\\*`));
    }
  });
});

describe('severity overrides in lint.rules', () => {
  const lbAddress = seedUserServer('https://10.27.52.72:8443');

  it('off drops a rule', () => {
    const diagnostics = lintVariant('seed-ha', [withLintRules('      endpoint-is-service-name: off\n      san-coverage: off'), lbAddress]);
    expect(byRule(diagnostics, 'endpoint-is-service-name')).toEqual([]);
    expect(byRule(diagnostics, 'san-coverage')).toEqual([]);
    expect(byRule(diagnostics, 'dns-public-fallback')).toHaveLength(1);
  });

  it('warning turns an error down, keeping message and location', () => {
    const plain = byRule(lintVariant('seed-ha', [lbAddress]), 'san-coverage');
    const found = byRule(lintVariant('seed-ha', [withLintRules('      san-coverage: warning'), lbAddress]), 'san-coverage');
    expect(found).toHaveLength(3); // the two errors and the info about emei's own address, all turned to warnings
    expect(found.every((diagnostic) => diagnostic.severity === 'warning')).toBe(true);
    expect(found.map((diagnostic) => diagnostic.message)).toEqual(plain.map((diagnostic) => diagnostic.message));
    expect(found.map((diagnostic) => diagnostic.location)).toEqual(plain.map((diagnostic) => diagnostic.location));
  });

  it('error and info turn warnings up and down', () => {
    const diagnostics = lintVariant('seed-ha', [withLintRules('      dns-public-fallback: error\n      endpoint-is-service-name: info')]);
    expect(byRule(diagnostics, 'dns-public-fallback').map((diagnostic) => diagnostic.severity)).toEqual(['error']);
    expect(byRule(diagnostics, 'endpoint-is-service-name').map((diagnostic) => diagnostic.severity)).toEqual(['info']);
  });

  it('an override wins over a finding-level severity (quorum warnings)', () => {
    const c5 = '      address: 172.16.3.15\n      roles: [consul-server]\n';
    const seven = `${c5}    - name: c6\n      address: 172.16.3.16\n      roles: [consul-server]\n    - name: c7\n      address: 172.16.3.17\n      roles: [consul-server]\n`;
    const diagnostics = lintVariant('edge', [[c5, seven], withLintRules('      consul-quorum: error')]);
    expect(byRule(diagnostics, 'consul-quorum').map((diagnostic) => diagnostic.severity)).toEqual(['error']);
  });

  it('an unknown rule id is bad input when the spec loads (lintSettingsCheck), with "did you mean" and its position', () => {
    const [from, to] = withLintRules('      san-coverag: off');
    const text = readFileSync(join(ROOT, 'fixtures/seed-ha/cluster.yaml'), 'utf8').replace(from, to);
    expect(() => loadSpecText('seed-ha-variant.yaml', Buffer.from(text))).not.toThrow();
    let error: unknown;
    try {
      loadSpecText('seed-ha-variant.yaml', Buffer.from(text), [lintSettingsCheck]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SpecError);
    const problems = (error as SpecError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain('no lint rule is called "san-coverag"; did you mean "san-coverage"?');
    expect(problems[0].line).toBe(text.split('\n').findIndex((line) => line.includes('san-coverag: off')) + 1);
    expect(problems[0].field).toBe('spec.lint.rules.san-coverag');
  });
});
