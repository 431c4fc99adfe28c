import { lintSite, readsDescriptor, rules } from '@clusterspec/lint';
import {
  daysLeft,
  expectedCertificate,
  mergeReissues,
  planCertificates,
  planChanges,
  installedPaths,
  reissueAt,
  renderRunbook,
  clipped,
  terminalJson,
  visible,
  type CertificatePlan,
  type DeployedCertificates,
  type Reissue,
  type SkippedFile,
} from '@clusterspec/pki';
import { compareCodePoints, type ClusterModel } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import { EXIT_FINDINGS, EXIT_OK, FileError, UsageError, type Command } from '../command';
import { judgementInstant, readDeployedCertificates } from '../deployed-certificates';
import { generateArtifactsFor } from '@clusterspec/generators';
import { loadAll } from '../load';

const SUBCOMMANDS = ['list', 'plan'] as const;
/** The rules whose findings about a collected certificate call for issuing it again, and whether its SANs change. */
const REISSUE_RULES: Readonly<Record<string, boolean>> = {
  'cert-expiry': false,
  'cert-issuer': false,
  'cert-usage': false,
  'cert-subject': false,
  'cert-plan-drift': true,
  'san-coverage': true,
  'san-advertise-address': true,
};
const REISSUE_SUFFIX = /: see `clusterspec certs plan` for the re-issue$/;
/** The widest a SUBJECT, SANS or ISSUER cell of the text table gets; --format json has every name. */
const MAX_CELL_CHARACTERS = 200;
/** The most skipped entries text output names one by one; the rest are counted. */
const MAX_SKIPPED_SHOWN = 50;

/** The entries under --certs that were not read, one line each (escaped for the terminal), for text output. */
function skippedLines(skipped: readonly SkippedFile[]): string[] {
  if (skipped.length === 0) return [];
  const shown = skipped.slice(0, MAX_SKIPPED_SHOWN).map((entry) => `- ${clipped(entry.file, MAX_CELL_CHARACTERS)}: ${entry.reason}`);
  const rest = skipped.length - shown.length;
  return ['', `Not read (${skipped.length}):`, '', ...shown, ...(rest > 0 ? [`- … and ${rest} more (--format json lists them all)`] : [])];
}

/** The expiry table: one row per certificate, soonest first. */
function listRows(deployed: DeployedCertificates) {
  return deployed.certificates
    .map((certificate) => ({
      host: certificate.host ?? '',
      path: certificate.path,
      subject: certificate.subject,
      sans: [...certificate.dnsNames, ...certificate.ipAddresses],
      issuer: certificate.issuer,
      notAfter: certificate.notAfter,
      daysLeft: daysLeft(certificate, deployed.now),
    }))
    .sort((a, b) => a.daysLeft - b.daysLeft || compareCodePoints(a.host, b.host) || compareCodePoints(a.path, b.path));
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** pki/plan.json as committed at a git revision (`git show REF:./<out>/<cluster>/pki/plan.json`), read at the edge. */
function committedPlan(ref: string, out: string, model: ClusterModel): CertificatePlan[] {
  if (ref.trim() === '' || ref.startsWith('-')) throw new UsageError(`--since ${JSON.stringify(visible(ref))}: name a git revision, e.g. HEAD~1 or a tag`);
  const path = `./${out.replace(/^\.\//, '').replace(/\/$/, '')}/${model.name}/pki/plan.json`;
  const result = spawnSync('git', ['show', `${ref}:${path}`], { encoding: 'utf8', timeout: 20_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    const why = (result.stderr || result.error?.message || '').trim().split('\n')[0];
    throw new FileError(`--since ${ref}: cannot read ${path} at that revision (${why}); run from the repository that commits ${out}/`);
  }
  try {
    return (JSON.parse(result.stdout) as { certificates: CertificatePlan[] }).certificates;
  } catch (error) {
    throw new FileError(`--since ${ref}: ${path} at that revision is not JSON (${(error as Error).message})`);
  }
}

/** Every certificate of the collected set that a lint finding says must be issued again, with the findings as reasons. */
function fromFindings(model: ClusterModel, deployed: DeployedCertificates): Reissue[] {
  const plans = planCertificates(model);
  const byFile = new Map(deployed.certificates.map((certificate) => [certificate.file, certificate]));
  return lintSite(
    model,
    generateArtifactsFor(model, (descriptor) => rules.some((rule) => readsDescriptor(rule, descriptor))),
    rules,
    deployed,
  ).flatMap((diagnostic) => {
    const certificate = diagnostic.artifact === undefined ? undefined : byFile.get(diagnostic.artifact);
    if (!certificate || !(diagnostic.ruleId in REISSUE_RULES)) return [];
    const expected = expectedCertificate(model, plans, certificate);
    return [
      reissueAt(
        certificate,
        expected.plan,
        expected.kubeadmName,
        [`${diagnostic.message.replace(REISSUE_SUFFIX, '')} (${diagnostic.ruleId})`],
        REISSUE_RULES[diagnostic.ruleId],
      ),
    ];
  });
}

export const certs: Command = {
  name: 'certs',
  usage: `Usage: clusterspec certs list --certs DIR [<spec>] [--format text|json] [--now DATE]
       clusterspec certs plan <spec> [--certs DIR] [--since GIT_REF] [--out DIR] [--now DATE]

list: one row per collected certificate (host, path, subject, SANs, issuer, not-after, days left),
      soonest expiry first.
plan: every certificate to issue again and why (expired or inside spec.kubernetes.certificates.
      expiryWarningDays, wrong issuer, usage or subject, SANs that differ from pki/plan.json or that a
      client needs; with --since, SANs changed since the pki/plan.json committed at GIT_REF under
      --out, default out), then a runbook: per host, control-plane hosts one at a time, the commands
      and what to restart. Exits 1 when something must be issued again or was not read, 0 when nothing.
DIR is laid out as out/<cluster>/ (see 'clusterspec lint --help'); symbolic links under it are never
followed, and each is listed as not read. --now judges at another instant: YYYY-MM-DD (UTC midnight) or
RFC 3339 (2026-11-30T12:00:00Z).`,
  options: {
    certs: { type: 'string' },
    format: { type: 'string', default: 'text' },
    since: { type: 'string' },
    out: { type: 'string', default: 'out' },
    now: { type: 'string' },
  },
  run(positionals, values, io) {
    const [subcommand, ...specs] = positionals;
    if (!(SUBCOMMANDS as readonly (string | undefined)[]).includes(subcommand)) throw new UsageError(`name a subcommand: ${SUBCOMMANDS.join(' or ')}`);
    const now = judgementInstant(values.now);
    if (subcommand === 'list') {
      if (values.certs === undefined) throw new UsageError('certs list reads --certs DIR');
      if (specs.length > 1) throw new UsageError('certs list takes at most one spec');
      if (values.format !== 'text' && values.format !== 'json') throw new UsageError('--format takes text or json');
      const model = specs.length === 1 ? loadAll(specs)[0] : undefined;
      const deployed = readDeployedCertificates(model, String(values.certs), now);
      const rows = listRows(deployed);
      const skipped = deployed.skipped ?? [];
      if (values.format === 'json') io.out(terminalJson({ now, certificates: rows, skipped }));
      else {
        const cell = (text: string) => clipped(text, MAX_CELL_CHARACTERS);
        const lines = table([
          ['HOST', 'PATH', 'SUBJECT', 'SANS', 'ISSUER', 'NOT AFTER', 'DAYS LEFT'],
          ...rows.map((row) => [
            visible(row.host) || '-',
            cell(row.path),
            cell(row.subject),
            cell(row.sans.join(',')) || '-',
            cell(row.issuer),
            row.notAfter.slice(0, 10),
            String(row.daysLeft),
          ]),
        ]);
        io.out([lines, ...skippedLines(skipped)].join('\n'));
      }
      return EXIT_OK;
    }
    if (specs.length !== 1) throw new UsageError('certs plan takes exactly one spec');
    if (values.certs === undefined && values.since === undefined) throw new UsageError('certs plan needs --certs DIR, --since GIT_REF, or both');
    const [model] = loadAll(specs);
    const entries: Reissue[] = [];
    // --since is checked before the collection is read, so a bad revision fails fast.
    const committed = values.since === undefined ? undefined : committedPlan(String(values.since), String(values.out), model);
    const deployed = values.certs === undefined ? undefined : readDeployedCertificates(model, String(values.certs), now);
    if (deployed) entries.push(...fromFindings(model, deployed));
    if (committed) entries.push(...planChanges(committed, planCertificates(model), installedPaths));
    const merged = mergeReissues(entries);
    const skipped = deployed?.skipped ?? [];
    io.out([renderRunbook(model, merged).trimEnd(), ...skippedLines(skipped)].join('\n'));
    return merged.length > 0 || skipped.length > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
