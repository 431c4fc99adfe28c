import type { DeployedCertificates } from '@clusterspec/pki';
import { closestMatch, compareCodePoints, formatFieldPath, type Artifact, type ClusterModel, type SiteCheck } from '@clusterspec/spec';
import { findingMessage, type Diagnostic, type Finding, type LintRule, type SiteContext } from './rule';
import { rules as allRules } from './rules';

/**
 * The lint settings, checked in the one validation phase: a severity override naming no rule is a typo that
 * would silently turn nothing off, so it is bad input (exit 2) for every command, not only for lint.
 */
export const lintSettingsCheck: SiteCheck = (model, report) => {
  const ids = allRules.map((rule) => rule.id);
  for (const id of Object.keys(model.lint.rules).filter((candidate) => !ids.includes(candidate))) {
    const suggestion = closestMatch(id, ids);
    report({
      field: ['spec', 'lint', 'rules', id],
      part: 'key',
      message: `no lint rule is called "${id}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      hint: 'run `clusterspec explain` or see docs/rules/ for the rule ids',
    });
  }
};

const order = (a: Diagnostic, b: Diagnostic) =>
  compareCodePoints(a.location.file, b.location.file) ||
  a.location.line - b.location.line ||
  a.location.column - b.location.column ||
  compareCodePoints(a.ruleId, b.ruleId) ||
  compareCodePoints(a.message, b.message);

/** How many hosts a merged diagnostic names before "and N more". */
const NAMED_HOSTS = 3;
const HOLE = '\u0000';

/** 5000 as 5,000, whatever the locale of the machine (output is byte-for-byte deterministic). */
const thousands = (count: number) => String(count).replace(/\B(?=([0-9]{3})+$)/g, ',');

/** The text with every whole occurrence of a host name (not part of a longer name or word) made a hole. */
function punch(text: string, host: string): string {
  const name = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(?<![A-Za-z0-9_-])${name}(?![A-Za-z0-9_-])`, 'g'), HOLE);
}

/** "3 hosts (a, b, c)", "300 hosts (a, b, c and 297 more)". */
function hostsPhrase(hosts: readonly string[]): string {
  const more = hosts.length > NAMED_HOSTS ? ` and ${thousands(hosts.length - NAMED_HOSTS)} more` : '';
  return `${thousands(hosts.length)} hosts (${hosts.slice(0, NAMED_HOSTS).join(', ')}${more})`;
}

interface Group {
  readonly first: Diagnostic;
  /** The first finding's message with its host made a hole. */
  readonly template?: string;
  readonly hosts: string[];
  readonly seen: Set<string>;
}

/**
 * One diagnostic per group of findings: a single one as the rule wrote it; several (one rule, one spec
 * location, the same words but for the host) as one message naming how many hosts and the first few,
 * with every host in `hosts`. A site of 5,000 hosts with one mistake gets one line, not 5,000.
 */
function merge(group: Group): Diagnostic {
  const { first, template, hosts } = group;
  if (hosts.length <= 1 || template === undefined) return hosts.length > 0 ? { ...first, hosts } : first;
  return { ...first, message: template.split(HOLE).join(hostsPhrase(hosts)), hosts };
}

/**
 * Runs every rule over a site and its artifacts (and, given `deployed`, the certificates collected from its
 * hosts; given `previous`, the revision it comes from, for the change-* rules); diagnostics come sorted by position, overrides applied.
 * The model comes from the validation phase, which lintSettingsCheck is part of.
 */
export function lintSite(
  model: ClusterModel,
  artifacts: readonly Artifact[],
  rules: readonly LintRule[] = allRules,
  deployed?: DeployedCertificates,
  previous?: SiteContext,
): Diagnostic[] {
  const byPath = new Map(artifacts.map((item) => [item.path, item]));
  const diagnostics: Diagnostic[] = [];
  for (const rule of rules) {
    const override = model.lint.rules[rule.id];
    if (override === 'off') continue;
    const groups = new Map<string, Group>();
    const report = (finding: Finding) => {
      const diagnostic: Diagnostic = {
        ruleId: rule.id,
        severity: override ?? finding.severity ?? rule.severity,
        ...findingMessage(rule, finding),
        location: model.locate(finding.field),
        field: formatFieldPath(finding.field),
        ...(finding.artifact ? { artifact: finding.artifact } : {}),
      };
      const { host } = finding;
      const punched = host === undefined ? undefined : punch(diagnostic.message, host);
      // A message naming its host twice ("kube-proxy on emei … reaches only emei") says something of that
      // host alone: it is not merged with others.
      const template = punched !== undefined && punched.split(HOLE).length === 2 ? punched : undefined;
      const artifact = template === undefined || diagnostic.artifact === undefined ? diagnostic.artifact : punch(diagnostic.artifact, host as string);
      // Identical findings collapse too (the key holds everything but the host).
      const key = JSON.stringify([
        diagnostic.severity,
        diagnostic.location,
        diagnostic.field,
        template ?? diagnostic.message,
        artifact,
        template !== undefined,
      ]);
      const group = groups.get(key) ?? { first: diagnostic, template, hosts: [], seen: new Set<string>() };
      groups.set(key, group);
      if (host !== undefined && !group.seen.has(host)) {
        group.seen.add(host);
        group.hosts.push(host);
      }
    };
    rule.check({ model, artifacts: byPath, report, ...(deployed ? { deployed } : {}), ...(previous ? { previous } : {}) });
    for (const group of groups.values()) diagnostics.push(merge(group));
  }
  return diagnostics.sort(order);
}

/**
 * The findings of rules that compare the sites of one run (lintSite covers each site alone), sorted by
 * position: each belongs to one site, whose severity overrides apply. A site that turns a rule off takes no
 * part in its comparison, on either side (fixtures/seed-ha-toml is the seed site written again, not a second
 * site that claims its hosts).
 */
export function lintAcrossSites(
  sites: readonly { model: ClusterModel; artifacts: readonly Artifact[] }[],
  rules: readonly LintRule[] = allRules,
): Diagnostic[] {
  const contexts: SiteContext[] = sites.map(({ model, artifacts }) => ({ model, artifacts: new Map(artifacts.map((item) => [item.path, item])) }));
  const diagnostics: Diagnostic[] = [];
  for (const rule of rules) {
    const compared = contexts.filter((site) => site.model.lint.rules[rule.id] !== 'off');
    if (!rule.checkAcrossSites || compared.length < 2) continue;
    const seen = new Set<string>();
    rule.checkAcrossSites(compared, (site, finding) => {
      const override = site.model.lint.rules[rule.id];
      // Never the case for a site of `compared`; the test narrows the type.
      if (override === 'off') return;
      const diagnostic: Diagnostic = {
        ruleId: rule.id,
        severity: override ?? finding.severity ?? rule.severity,
        ...findingMessage(rule, finding),
        location: site.model.locate(finding.field),
        field: formatFieldPath(finding.field),
        ...(finding.artifact ? { artifact: finding.artifact } : {}),
      };
      const key = JSON.stringify(diagnostic);
      if (!seen.has(key)) diagnostics.push(diagnostic);
      seen.add(key);
    });
  }
  return diagnostics.sort(order);
}
