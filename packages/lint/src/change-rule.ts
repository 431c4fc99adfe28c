import { defineRule, type LintRule, type RuleContext, type SiteContext } from './rule';

export interface ChangeRuleContext<M extends string> extends RuleContext<M> {
  /** The revision the site comes from. */
  readonly previous: SiteContext;
}

/**
 * A rule judging the step from one revision of a site to the next (`clusterspec plan`): a lint rule whose check
 * is given the revision the site comes from.
 */
export interface ChangeRule<M extends string> extends Omit<LintRule<M>, 'id' | 'docs' | 'check'> {
  readonly id: `change-${string}`;
  check(context: ChangeRuleContext<M>): void;
}

/**
 * A change rule as a lint rule: it reads `previous` from the context (the plan engine passes it to lintSite)
 * and reports nothing in a run of one revision (plain `lint`), so it can sit in the one rule list, be turned
 * off or re-weighted by spec.lint.rules, and be explained like any other.
 */
export function defineChangeRule<M extends string>(rule: ChangeRule<M>): LintRule<M> {
  return defineRule<M>({
    ...rule,
    check(context) {
      const { previous } = context;
      if (previous) rule.check({ ...context, previous });
    },
  });
}

/** A host's identity across revisions: the same name at the same address (a host given a new address is a new member). */
export const sameHost = (a: { name: string; address: string }, b: { name: string; address: string }) => a.name === b.name && a.address === b.address;
