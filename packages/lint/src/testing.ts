/**
 * The linter's test kit, `@clusterspec/lint/testing`: the RuleTester bound to this repository's fixtures/, for
 * the rule tests beside each rule. A separate entry, so neither the linter nor the CLI loads it (or the jest
 * types it is written against); the linter's own modules read no fixture.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuleTester, type RuleCases } from './rule-tester';
import type { LintRule } from './rule';

export {
  RuleTester,
  tomlData,
  type AcrossSitesCase,
  type ExpectedError,
  type FileChange,
  type FixtureReader,
  type InvalidAcrossSitesCase,
  type InvalidCase,
  type RuleCase,
  type RuleCases,
  type SiteOfCase,
} from './rule-tester';

/** The repository's fixtures/: this module lies in packages/lint/src (under Jest) or packages/lint/dist, three folders below the root. */
const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures');

const repository = new RuleTester((fixture) => readFileSync(join(FIXTURES, fixture, 'cluster.yaml'), 'utf8'));

/** A rule's RuleTester cases over the repository's fixtures (fixtures/<case.fixture>/cluster.yaml). */
export function testRule(rule: LintRule, cases: RuleCases): void {
  repository.run(rule, cases);
}
