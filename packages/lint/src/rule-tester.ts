/// <reference types="jest" />
// The RuleTester runs inside a Jest test file (describe, it, expect are its globals, as ESLint's RuleTester uses
// its runner's): it is reached only through the `@clusterspec/lint/testing` entry, never by the linter or the CLI.
import { generateArtifacts } from '@clusterspec/generators';
import type { DeployedCertificates } from '@clusterspec/pki';
import { artifact, loadSpecText, type Artifact, type Severity } from '@clusterspec/spec';
import { parse as parseToml, type JsonMap } from '@iarna/toml';
import { lintAcrossSites, lintSite } from './engine';
import type { Diagnostic, LintRule } from './rule';
import { rules as allRules } from './rules';

/**
 * A generated file's data as a case's edit reaches into it, by the names its generator writes: untyped on
 * purpose (the edit is the test's own; the file's descriptor renders what it returns).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test's edit of generated data (above)
type GeneratedData = any;

/** A working fixture, changed by text replacements (each must match) and by edits of its generated files. */
export interface RuleCase {
  readonly name: string;
  /** A folder under fixtures/ (broken/<case> included). */
  readonly fixture: string;
  /** A string replaces its first occurrence; a pattern (with its own flags, e.g. /g) what it matches. */
  readonly replacements?: readonly (readonly [string | RegExp, string])[];
  /**
   * Generated files changed or removed (null), by path under out/<cluster>/. A change is the file's new
   * data (rendered again by the file's own descriptor), or a function from its data to the new data.
   * Rules read data, not text, so a file is changed as what its generator could have produced.
   */
  readonly files?: Readonly<Record<string, FileChange | null>>;
  /** Certificates as collected from the hosts (`lint --certs DIR`), as data (tests/support/deployed.ts builds them). */
  readonly deployed?: DeployedCertificates;
  /** Only findings of these severities are compared (san-coverage's infos accompany its errors on most sites). */
  readonly severities?: readonly Severity[];
  /**
   * The revision the site comes from, for the change-* rules (`clusterspec plan` judges the step from it to this
   * case's site): a fixture changed as a case changes it, named `<fixture>-previous.yaml` in positions.
   */
  readonly previous?: SiteOfCase;
}

export type FileChange = object | ((data: GeneratedData) => unknown);

/** TOML text as the data of a TOML artifact (containerd's files), for cases easier to read as the file. */
export function tomlData(text: string): JsonMap {
  return parseToml(text);
}

export interface ExpectedError {
  /** The key of the rule's `messages` the finding says (ESLint's messageId). */
  readonly messageId: string;
  /** A part of the message, or a pattern the whole message matches. */
  readonly message?: string | RegExp;
  /** The spec line the finding points at: text on it (its first line holding that text), or its number. */
  readonly line?: string | number;
  readonly column?: number;
  /** The dotted spec field, e.g. spec.kubernetes.networking.podSubnet. */
  readonly field?: string;
  readonly artifact?: string;
  readonly severity?: Severity;
  /** Every host a diagnostic names, in order (findings differing only in the host are one diagnostic). */
  readonly hosts?: readonly string[];
}

export interface InvalidCase extends RuleCase {
  /** Every finding of the rule, in the order lint reports them. */
  readonly errors: readonly ExpectedError[];
}

/** One site of a case, a fixture changed as a RuleCase changes it (the case's name says what the sites show). */
export type SiteOfCase = Omit<RuleCase, 'name'>;

/** The spec text of a fixture, by its name (a RuleCase's `fixture`). */
export type FixtureReader = (fixture: string) => string;

/** A case's spec text, model and artifacts, the spec named `file` in positions. */
function load(
  readFixture: FixtureReader,
  entry: SiteOfCase,
  file: string,
): { text: string; model: ReturnType<typeof loadSpecText>; artifacts: Map<string, Artifact> } {
  let text = readFixture(entry.fixture);
  for (const [from, to] of entry.replacements ?? []) {
    if (typeof from === 'string' ? !text.includes(from) : !new RegExp(from.source).test(text)) throw new Error(`"${String(from)}" is not in ${entry.fixture}`);
    text = text.replace(from, to);
  }
  const model = loadSpecText(file, Buffer.from(text));
  const artifacts = new Map<string, Artifact>(generateArtifacts(model).map((item) => [item.path, item]));
  for (const [path, change] of Object.entries(entry.files ?? {})) {
    const generated = artifacts.get(path);
    if (!generated) throw new Error(`${path} is not generated for ${entry.fixture}`);
    if (change === null) artifacts.delete(path);
    else artifacts.set(path, artifact(generated.descriptor, path, typeof change === 'function' ? change(structuredClone(generated.data)) : change));
  }
  return { text, model, artifacts };
}

function run(readFixture: FixtureReader, rule: LintRule, entry: RuleCase): { text: string; findings: Diagnostic[] } {
  const { text, model, artifacts } = load(readFixture, entry, `${entry.fixture}-variant.yaml`);
  const previous = entry.previous ? load(readFixture, entry.previous, `${entry.previous.fixture}-previous.yaml`) : undefined;
  const findings = lintSite(
    model,
    [...artifacts.values()],
    allRules,
    entry.deployed,
    previous && { model: previous.model, artifacts: previous.artifacts },
  ).filter((diagnostic) => diagnostic.ruleId === rule.id);
  return { text, findings: entry.severities ? findings.filter((diagnostic) => entry.severities?.includes(diagnostic.severity)) : findings };
}

/** Several sites linted in one run (`clusterspec lint a.yaml b.yaml`, `lint --fleet`): the n-th is `site-<n>.yaml`. */
export interface AcrossSitesCase {
  readonly name: string;
  readonly sites: readonly SiteOfCase[];
}

export interface InvalidAcrossSitesCase extends AcrossSitesCase {
  /** Every finding of the rule across the sites, in the order lint reports them; `site` is the index of the spec it points into. */
  readonly errors: readonly (ExpectedError & { readonly site: number })[];
}

function runAcrossSites(readFixture: FixtureReader, rule: LintRule, entry: AcrossSitesCase): { texts: string[]; findings: Diagnostic[] } {
  const sites = entry.sites.map((site, index) => load(readFixture, site, `site-${index}.yaml`));
  const findings = lintAcrossSites(
    sites.map(({ model, artifacts }) => ({ model, artifacts: [...artifacts.values()] })),
    allRules,
  ).filter((diagnostic) => diagnostic.ruleId === rule.id);
  return { texts: sites.map((site) => site.text), findings };
}

const lineOf = (text: string, needle: string | number) => {
  if (typeof needle === 'number') return needle;
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" is not in the spec`);
  return index + 1;
};

/** One finding against what a case expects of it. */
function expectFinding(finding: Diagnostic, expected: ExpectedError, text: string, file: string, rule: LintRule): void {
  expect({ messageId: finding.messageId }).toEqual({ messageId: expected.messageId });
  expect(finding.message).not.toMatch(/\{\{\s*[A-Za-z_$][\w$]*\s*\}\}/); // every placeholder of its template filled
  if (typeof expected.message === 'string') expect(finding.message).toContain(expected.message);
  else if (expected.message) expect(finding.message).toMatch(expected.message);
  if (expected.line !== undefined) expect(finding.location.line).toBe(lineOf(text, expected.line));
  if (expected.column !== undefined) expect(finding.location.column).toBe(expected.column);
  expect(finding.location.file).toBe(file);
  expect(finding.severity).toBe(expected.severity ?? rule.severity);
  if (expected.field !== undefined) expect(finding.field).toBe(expected.field);
  if (expected.artifact) expect(finding.artifact).toBe(expected.artifact);
  if (expected.hosts !== undefined) expect(finding.hosts).toEqual(expected.hosts);
}

/** A rule's cases: valid ones report nothing, invalid ones exactly their findings; `acrossSites` lint several sites together. */
export interface RuleCases {
  readonly valid: readonly RuleCase[];
  readonly invalid: readonly InvalidCase[];
  readonly acrossSites?: { readonly valid: readonly AcrossSitesCase[]; readonly invalid: readonly InvalidAcrossSitesCase[] };
}

/**
 * ESLint's RuleTester, for clusterspec rules: valid cases report nothing, invalid cases exactly their findings.
 * `acrossSites` cases lint several sites together, for rules that compare them (`checkAcrossSites`). The cases
 * name fixtures; `readFixture` gives their spec text, so the tester itself reads no file.
 */
export class RuleTester {
  constructor(private readonly readFixture: FixtureReader) {}

  run(rule: LintRule, cases: RuleCases): void {
    testRule(this.readFixture, rule, cases);
  }
}

function testRule(readFixture: FixtureReader, rule: LintRule, cases: RuleCases): void {
  describe(rule.id, () => {
    it('has valid and invalid cases', () => {
      expect(cases.valid.length + (cases.acrossSites?.valid.length ?? 0)).toBeGreaterThan(0);
      expect(cases.invalid.length + (cases.acrossSites?.invalid.length ?? 0)).toBeGreaterThan(0);
    });
    if (cases.valid.length > 0) {
      describe('valid', () => {
        it.each(cases.valid.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
          expect(run(readFixture, rule, entry).findings).toEqual([]);
        });
      });
    }
    if (cases.invalid.length > 0) {
      describe('invalid', () => {
        it.each(cases.invalid.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
          const { text, findings } = run(readFixture, rule, entry);
          expect(findings.map((finding) => finding.message)).toHaveLength(entry.errors.length);
          entry.errors.forEach((expected, index) => expectFinding(findings[index], expected, text, `${entry.fixture}-variant.yaml`, rule));
        });
      });
    }
    const acrossSites = cases.acrossSites;
    if (acrossSites && acrossSites.valid.length > 0) {
      describe('valid across sites', () => {
        it.each(acrossSites.valid.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
          expect(runAcrossSites(readFixture, rule, entry).findings).toEqual([]);
        });
      });
    }
    if (acrossSites && acrossSites.invalid.length > 0) {
      describe('invalid across sites', () => {
        it.each(acrossSites.invalid.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
          const { texts, findings } = runAcrossSites(readFixture, rule, entry);
          expect(findings.map((finding) => finding.message)).toHaveLength(entry.errors.length);
          entry.errors.forEach((expected, index) => expectFinding(findings[index], expected, texts[expected.site], `site-${expected.site}.yaml`, rule));
        });
      });
    }
  });
}
