import { PLAN_FORMATS, planChange, renderPlan, type PlanFormat, type Revision } from '@clusterspec/plan';
import { visible } from '@clusterspec/pki';
import { loadSpecText, MAX_SPEC_BYTES, type ClusterModel } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, FileError, UsageError, type Command } from '../command';
// The one place plan reaches the generators (the CLI's generation entry): both revisions generate through it.
import { generateArtifacts } from '@clusterspec/generators';
import { loadAll, SITE_CHECKS, STDIN_ARGUMENT } from '../load';

/** How long `git show` may take before plan gives up on it (a hung credential helper, a huge repository). */
const GIT_TIMEOUT_MS = 20_000;

/** The spec as committed at a git revision (`git show REF:./SPEC`), bounded as a spec file is, read at the edge. */
function committedSpec(ref: string, spec: string): ClusterModel {
  if (ref.trim() === '' || ref.startsWith('-') || /[\s:]/.test(ref))
    throw new UsageError(`--since ${JSON.stringify(visible(ref))}: name a git revision, e.g. HEAD~1, main or a tag`);
  if (spec === STDIN_ARGUMENT) throw new UsageError('--since reads the spec at a git revision: name the spec file, not standard input');
  // git reads REF:./PATH relative to the current folder; an absolute spec path is made relative to it.
  const path = `./${relative(process.cwd(), resolve(spec))}`;
  const result = spawnSync('git', ['show', `${ref}:${path}`], { timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_SPEC_BYTES + 1 });
  const failure = result.error;
  if ((failure as { code?: string } | undefined)?.code === 'ENOBUFS')
    throw new FileError(`--since ${ref}: ${spec} at that revision is larger than the ${MAX_SPEC_BYTES}-byte limit of a spec`);
  if (failure || result.status !== 0) {
    const why = (result.stderr?.toString('utf8') || failure?.message || `git exited with ${result.status ?? result.signal}`).trim().split('\n')[0];
    throw new FileError(`--since ${ref}: cannot read ${spec} at that revision (${visible(why)}); run from the repository that commits it`);
  }
  return loadSpecText(`${ref}:${spec}`, result.stdout, SITE_CHECKS);
}

const revision = (model: ClusterModel): Revision => ({ model, artifacts: generateArtifacts(model) });

export const plan: Command = {
  name: 'plan',
  usage: `Usage: clusterspec plan <old-spec> <new-spec> [--format text|json|markdown] [--rendered DIR] [--batch N]
       clusterspec plan <spec> --since GIT_REF [--format …] [--rendered DIR] [--batch N]

Generates both revisions of a site in memory and prints the ordered runbook from the old to the new:
each step's hosts, the files that change, the commands (the deploy bundle's ansible-playbook --limit
--tags among them), the health gate before the next step, and why it is in that place. With --since,
the old revision is <spec> as committed at GIT_REF (git show GIT_REF:<spec>, from the current folder).
The change-* rules judge the step first: any error refuses the whole plan (docs/plans.md).
--format markdown suits a pull request's comment; json lists every step as data.
--rendered names the folder the new revision is rendered into (clusterspec render --all --to DIR),
default /srv/rendered; --batch sets how many workers change at a time (default: a fifth, at least 1).
Exits 0 when there is nothing to do, 1 when there are steps, 2 when the change is refused or the input is bad.`,
  options: {
    since: { type: 'string' },
    format: { type: 'string', default: 'text' },
    rendered: { type: 'string' },
    batch: { type: 'string' },
  },
  readOnly: true,
  run(positionals, values, io) {
    const format = String(values.format);
    if (!(PLAN_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format takes ${PLAN_FORMATS.join(', ')}`);
    const batch = values.batch === undefined ? undefined : Number(values.batch);
    if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1 && batch <= 10_000))
      throw new UsageError('--batch takes a whole number of workers, 1 or more');
    const rendered = values.rendered === undefined ? undefined : String(values.rendered);
    if (rendered === '') throw new UsageError('--rendered "" names no folder');
    let previous: ClusterModel;
    let current: ClusterModel;
    if (values.since !== undefined) {
      if (positionals.length !== 1) throw new UsageError('plan --since takes exactly one spec');
      [current] = loadAll(positionals);
      previous = committedSpec(String(values.since), positionals[0]);
    } else {
      if (positionals.length !== 2) throw new UsageError('plan takes two specs, the old revision then the new (or one spec and --since GIT_REF)');
      // Loaded one by one: both revisions of one site share its name, which loadAll refuses for two sites.
      [previous] = loadAll([positionals[0]]);
      [current] = loadAll([positionals[1]]);
    }
    const result = planChange(revision(previous), revision(current), { ...(rendered ? { rendered } : {}), ...(batch ? { workerBatchSize: batch } : {}) });
    io.out(renderPlan(result, format as PlanFormat).trimEnd());
    if (result.refusals.length > 0) return EXIT_BAD_INPUT;
    return result.steps.length > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
