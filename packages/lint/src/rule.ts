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
  /**
   * The key of the rule's `messages` the message was made from (ESLint's messageId), for tests and tools in this
   * process; the formatters leave it out, so their output keeps its shape.
   */
  readonly messageId?: string;
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

/** A finding's words: a template of the rule's `messages` and the values of its `{{name}}` placeholders (ESLint's report). */
export interface FindingMessage<M extends string = string> {
  readonly messageId: M;
  /** Each value is written as a template literal would write it (String). */
  readonly data?: Readonly<Record<string, unknown>>;
}

export type Finding<M extends string = string> = FindingFields & FindingMessage<M>;

interface FindingFields {
  /** The spec field an operator changes to fix it. */
  readonly field: FieldPath;
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

export interface RuleContext<M extends string = string> {
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
  readonly report: (finding: Finding<M>) => void;
}

/** One lint rule, in ESLint's shape: a pure check over the model and the artifacts. */
export interface LintRule<M extends string = string> {
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  /**
   * What the rule says, by messageId (ESLint's `meta.messages`): templates whose `{{name}}` placeholders a
   * finding's `data` fills. Tests assert the messageId of each finding, so rewording a message changes no test.
   */
  readonly messages: Readonly<Record<M, string>>;
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
  check(context: RuleContext<M>): void;
  /**
   * For what only several sites together get wrong (two sites' VRRP groups sharing an id): runs once over
   * every site of a lint run; each finding belongs to the site it is reported for. The sites' artifacts are
   * those the rule `reads` (lint keeps no more of each site of a fleet), so list every file it reads there.
   */
  checkAcrossSites?(sites: readonly SiteContext[], report: (site: SiteContext, finding: Finding<M>) => void): void;
}

/**
 * Whether a rule reads files of a descriptor: `lint` generates only the files some rule reads (the analyses a
 * rule calls read what its `reads` lists), so a rule that forgets a pattern sees no file there.
 */
export function readsDescriptor(rule: LintRule, descriptor: ArtifactDescriptor): boolean {
  return (rule.reads ?? []).some((pattern) => patternsOverlap(pattern, descriptor.pattern)) && (rule.readsWhen?.(descriptor) ?? true);
}

export function defineRule<M extends string = string>(rule: Omit<LintRule<M>, 'docs'>): LintRule<M> {
  return { ...rule, docs: `docs/rules/${rule.id}.md` };
}

/** A template's `{{name}}` placeholders filled from data, as ESLint fills them: one pass, an unknown name left as written. */
export function fillMessage(template: string, data: Readonly<Record<string, unknown>> = {}): string {
  return template.replace(/\{\{\s*([A-Za-z_$][\w$]*)\s*\}\}/g, (placeholder, name: string) => (Object.hasOwn(data, name) ? String(data[name]) : placeholder));
}

/** A finding's message and messageId: its template of the rule's messages, filled. */
export function findingMessage(rule: LintRule, finding: Finding): { message: string; messageId: string } {
  const template = rule.messages[finding.messageId];
  if (template === undefined) throw new Error(`lint rule ${rule.id} has no message "${finding.messageId}"`);
  return { message: fillMessage(template, finding.data), messageId: finding.messageId };
}
