import type { DeployedCertificates } from '@clusterspec/pki';
import {
  patternsOverlap,
  type Artifact,
  type ArtifactDescriptor,
  type ClusterModel,
  type FieldPath,
  type Severity,
  type SourceLocation,
} from '@clusterspec/spec';

export interface Diagnostic {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  /** Where in the spec to make the change. */
  readonly location: SourceLocation;
  /** Dotted path of that spec field. */
  readonly field: string;
  /** The generated file involved, relative to out/<cluster>/ (for findings on several hosts, the first host's). */
  readonly artifact?: string;
  /**
   * Every host the diagnostic is about, in the order the rule found them: findings of one rule at one spec
   * location that differ only in the host are one diagnostic, whose message names how many and the first few.
   */
  readonly hosts?: readonly string[];
}

export interface Finding {
  /** The spec field an operator changes to fix it. */
  readonly field: FieldPath;
  readonly message: string;
  readonly artifact?: string;
  /**
   * The host the finding is about, when its message names it (once): the engine merges the findings that
   * differ only in this host (message and artifact) into one diagnostic.
   */
  readonly host?: string;
  /** For rules whose findings differ in weight; a severity set in the spec still wins. */
  readonly severity?: Severity;
}

/** One site of a lint run, for rules that compare sites. */
export interface SiteContext {
  readonly model: ClusterModel;
  readonly artifacts: ReadonlyMap<string, Artifact>;
}

export interface RuleContext {
  readonly model: ClusterModel;
  /** Every generated artifact by path: rules check what will be deployed. */
  readonly artifacts: ReadonlyMap<string, Artifact>;
  /**
   * The certificates collected from the site's hosts (`lint --certs DIR`) and the instant to judge them at;
   * absent without --certs, when the rules about deployed certificates report nothing.
   */
  readonly deployed?: DeployedCertificates;
  /**
   * The revision the site comes from, when the run compares two (`clusterspec plan`): the change-* rules judge
   * the step from it to `model`; absent in every other run, when they report nothing.
   */
  readonly previous?: SiteContext;
  /** A plain function, not a method: rules destructure it from the context (`check({ model, report })`). */
  readonly report: (finding: Finding) => void;
}

/** One lint rule, in ESLint's shape: a pure check over the model and the artifacts. */
export interface LintRule {
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  /** Documentation page, relative to the repository root. */
  readonly docs: string;
  /**
   * Generated files the rule reads, as patterns relative to out/<cluster>/ (`*` stands for one path
   * segment, `**` for any); `clusterspec explain` answers "which rules read this file" from them.
   * Left out, the rule reads the model only.
   */
  readonly reads?: readonly string[];
  /**
   * Of the files `reads` names, the kinds the rule looks into, when it is narrower than the patterns (e.g.
   * secret-literal reads every file, but only those whose descriptor declares secret-bearing keys).
   */
  readonly readsWhen?: (descriptor: ArtifactDescriptor) => boolean;
  check(context: RuleContext): void;
  /**
   * For what only several sites together get wrong (two sites' VRRP groups sharing an id): runs once over
   * every site of a lint run; each finding belongs to the site it is reported for. The sites' artifacts are
   * those the rule `reads` (lint keeps no more of each site of a fleet), so list every file it reads there.
   */
  checkAcrossSites?(sites: readonly SiteContext[], report: (site: SiteContext, finding: Finding) => void): void;
}

/**
 * Whether a rule reads files of a descriptor: `lint` generates only the files some rule reads (the analyses a
 * rule calls read what its `reads` lists), so a rule that forgets a pattern sees no file there.
 */
export function readsDescriptor(rule: LintRule, descriptor: ArtifactDescriptor): boolean {
  return (rule.reads ?? []).some((pattern) => patternsOverlap(pattern, descriptor.pattern)) && (rule.readsWhen?.(descriptor) ?? true);
}

export function defineRule(rule: Omit<LintRule, 'docs'>): LintRule {
  return { ...rule, docs: `docs/rules/${rule.id}.md` };
}
