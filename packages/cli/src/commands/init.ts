import { lintSite } from '@clusterspec/lint';
import { clusterSchemaId, loadSpecText, SpecError, type SpecProblem } from '@clusterspec/spec';
import { chmodSync, existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Command, type Io } from '../command';
import { generateArtifacts, generateSite } from '@clusterspec/generators';
import { repoFiles, SITES_FOLDER, type RepoFile, type RepoOptions } from '../init-repo';
import { INIT_DEFAULTS, initData, initYaml, type InitAnswers } from '../init-spec';
import { SITE_CHECKS } from '../load';
import { makeFolders, writeFileWhole, writeNewFile, writeSites } from '../atomic-write';
import { kindOf } from '../safe-read';
import { TOOL_ROOT } from '../tool-root';

/** Asks one question with a default; injected so tests drive the prompts without a terminal. */
export type Ask = (question: string, fallback: string) => Promise<string>;

const FLAGS = ['name', 'control-plane', 'workers', 'lb', 'harbor', 'consul', 'kubernetes-version', 'out'] as const;
type Flag = (typeof FLAGS)[number];

/**
 * One answer refused, with the reason in words that fit both a flag (`--consul 4: …`) and a prompt that
 * asks again (the reason alone: nobody typed a flag there).
 */
export class AnswerProblem extends UsageError {
  constructor(
    readonly flag: Flag | undefined,
    readonly answer: string,
    readonly reason: string,
  ) {
    super(flag ? `--${flag}${answer ? ` ${answer}` : ''}: ${reason}` : reason);
  }
}

/** Ctrl-C or Ctrl-D at a prompt: the run ends quietly, writing nothing. */
export class InitCancelled extends Error {}

/**
 * The most hosts init writes: the largest site the tests generate and lint (tests/robustness/large.test.ts),
 * far under the loader's 4 MiB limit. Beyond it a count used to make a spec the loader refuses for its size.
 */
export const INIT_MAX_HOSTS = 5000;

function count(value: string, flag: Flag, rule: (n: number) => string | undefined): number {
  if (!/^[0-9]+$/.test(value)) throw new AnswerProblem(flag, JSON.stringify(value), 'not a whole number');
  if (value.length > 9 || Number(value) > INIT_MAX_HOSTS)
    throw new AnswerProblem(flag, value, `at most ${INIT_MAX_HOSTS}, the most hosts a site is tested with`);
  const n = Number(value);
  const problem = rule(n);
  if (problem) throw new AnswerProblem(flag, String(n), problem);
  return n;
}

// Even member counts lose quorum on a split: said here in words; other sizes lint warns about are refused by siteProblems.
const odd = (what: string, rule: string, sizes: string) => (n: number) =>
  n % 2 === 0 ? `an even number of ${what} loses quorum on a split (lint: ${rule}); use ${sizes}` : undefined;

/** Flags (or answers) to the site's shape, refusing values no site could have, or larger than a site is tested. */
export function answersFrom(values: Record<string, string | boolean | string[] | undefined>): InitAnswers {
  const text = (flag: Flag, fallback: string) => (values[flag] === undefined ? fallback : String(values[flag]));
  const controlPlane = count(text('control-plane', String(INIT_DEFAULTS.controlPlane)), 'control-plane', (n) =>
    n === 0 ? 'a site needs a control plane' : odd('control-plane hosts', 'etcd-quorum', '3, 5 or 7')(n),
  );
  const consul = count(text('consul', String(INIT_DEFAULTS.consul)), 'consul', (n) =>
    n === 0 ? undefined : odd('Consul servers', 'consul-quorum', '3 or 5')(n),
  );
  const lbValue = values.lb;
  const lb =
    lbValue === undefined
      ? [...INIT_DEFAULTS.lb]
      : (Array.isArray(lbValue) ? lbValue : [String(lbValue)])
          .flatMap((item) => item.split(','))
          .map((item) => item.trim())
          .filter(Boolean);
  if (lb.length === 0) throw new AnswerProblem('lb', '""', 'needs at least one host name');
  const answers: InitAnswers = {
    name: text('name', INIT_DEFAULTS.name),
    controlPlane,
    workers: count(text('workers', String(INIT_DEFAULTS.workers)), 'workers', () => undefined),
    lb,
    harbor: count(text('harbor', String(INIT_DEFAULTS.harbor)), 'harbor', () => undefined),
    consul,
    kubernetesVersion: text('kubernetes-version', INIT_DEFAULTS.kubernetesVersion),
  };
  const hosts = answers.controlPlane + answers.workers + answers.lb.length + answers.harbor + answers.consul;
  if (hosts > INIT_MAX_HOSTS)
    throw new AnswerProblem(
      undefined,
      '',
      `${hosts} hosts in all, more than ${INIT_MAX_HOSTS}, the most a site is tested with; ask for fewer workers or Harbor instances`,
    );
  return answers;
}

/** The schema's published address ($id): a spec written by init must not point into this tool's own checkout. */
export function schemaReference(): string {
  return clusterSchemaId();
}

/** Which answer a field of the generated spec comes from; the spec is init's own, so its file and line mean nothing to the user. */
function flagOfField(field: string): Flag | undefined {
  if (/^(metadata\.name|spec\.kubernetes\.controlPlaneEndpoint|spec\.harbor\.externalURL)/.test(field)) return 'name';
  if (field.startsWith('spec.kubernetes.version')) return 'kubernetes-version';
  if (field.startsWith('spec.hosts')) return 'lb';
  return undefined;
}

/** Which answer a lint rule's finding on init's output comes from. */
const FLAG_OF_RULE: Readonly<Record<string, Flag>> = { 'etcd-quorum': 'control-plane', 'consul-quorum': 'consul' };

/**
 * Why the site these answers make would not load, or would lint with any error or warning: init's
 * output must be clean for every answer it accepts. One problem per answer, blamed on it.
 */
export function siteProblems(answers: InitAnswers): AnswerProblem[] {
  // The reasons quote the value (a spec message, a lint finding), so the flag alone names the answer.
  const problems = new Map<Flag | undefined, AnswerProblem>();
  const add = (flag: Flag | undefined, reason: string) => {
    if (!problems.has(flag)) problems.set(flag, new AnswerProblem(flag, '', reason));
  };
  let model;
  try {
    model = loadSpecText('clusterspec init', Buffer.from(initYaml(answers, schemaReference())), SITE_CHECKS);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    error.problems.forEach((problem: SpecProblem) => add(flagOfField(problem.field), `${problem.message}${problem.hint ? `; ${problem.hint}` : ''}`));
    return [...problems.values()];
  }
  for (const diagnostic of lintSite(model, generateArtifacts(model))) {
    if (diagnostic.severity === 'error' || diagnostic.severity === 'warning')
      add(FLAG_OF_RULE[diagnostic.ruleId], `${diagnostic.message} (lint: ${diagnostic.ruleId})`);
  }
  return [...problems.values()];
}

/**
 * Why init may not write to `out`: it never overwrites, and needs folders where the path has them. Missing
 * folders are made (the README's `--out site/cluster.yaml` in a new repository).
 */
function outProblem(out: string): string | undefined {
  if (out.trim() === '') return 'give a file name';
  if (existsSync(out)) return `${out} exists; init does not overwrite a spec`;
  for (let folder = dirname(resolve(out)); ; folder = dirname(folder)) {
    if (existsSync(folder)) return statSync(folder).isDirectory() ? undefined : `${folder} is ${kindOf(statSync(folder))}, not a folder`;
    if (dirname(folder) === folder) return undefined;
  }
}

const QUESTIONS: readonly { flag: Flag; question: string; fallback: string }[] = [
  { flag: 'name', question: 'Cluster name', fallback: INIT_DEFAULTS.name },
  { flag: 'control-plane', question: 'Control-plane hosts (3, 5 or 7)', fallback: String(INIT_DEFAULTS.controlPlane) },
  { flag: 'workers', question: 'Worker hosts', fallback: String(INIT_DEFAULTS.workers) },
  { flag: 'lb', question: 'Load balancer hosts (comma-separated)', fallback: INIT_DEFAULTS.lb.join(',') },
  { flag: 'harbor', question: 'Harbor instances (0 for none)', fallback: String(INIT_DEFAULTS.harbor) },
  { flag: 'consul', question: 'Consul servers (0, 3 or 5)', fallback: String(INIT_DEFAULTS.consul) },
  { flag: 'kubernetes-version', question: 'Kubernetes version', fallback: INIT_DEFAULTS.kubernetesVersion },
  { flag: 'out', question: 'Write to', fallback: 'cluster.yaml' },
];

/**
 * The interactive path: one question per flag, the default in brackets. Each answer is checked as it is
 * given, with the answers before it (the rest at their defaults), and asked again with the reason.
 */
export async function askAnswers(ask: Ask, tell: (text: string) => void = () => undefined, skip: readonly Flag[] = []): Promise<Record<string, string>> {
  const given: Record<string, string> = {};
  for (const { flag, question, fallback } of QUESTIONS.filter((each) => !skip.includes(each.flag))) {
    for (;;) {
      const answer = await ask(question, fallback);
      const problem = flag === 'out' ? outProblem(answer) : answerProblem({ ...given, [flag]: answer }, flag);
      if (problem === undefined) {
        given[flag] = answer;
        break;
      }
      tell(`  ${problem}; try again`);
    }
  }
  return given;
}

function answerProblem(given: Record<string, string>, flag: Flag): string | undefined {
  try {
    const problems = siteProblems(answersFrom(given));
    // What earlier answers cause was refused when they were given: whatever remains is this answer's.
    return (problems.find((problem) => problem.flag === flag) ?? problems[0])?.reason;
  } catch (error) {
    if (error instanceof AnswerProblem) return error.reason;
    throw error;
  }
}

/**
 * Prompts on a terminal. Ctrl-C (raw mode hands it to readline as a key) and Ctrl-D close the interface,
 * which rejects the pending question with an AbortError: that becomes InitCancelled, not a stack trace.
 */
export function promptReader(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): { ask: Ask; close: () => void } {
  const readline = createInterface({ input, output, terminal: true });
  let closed = false;
  readline.on('close', () => {
    closed = true;
  });
  const ask: Ask = async (question, fallback) => {
    if (closed) throw new InitCancelled();
    try {
      return (await readline.question(`${question} [${fallback}]: `)).trim() || fallback;
    } catch (error) {
      if (closed || (error as Error).name === 'AbortError') throw new InitCancelled();
      throw error;
    }
  };
  return { ask, close: () => readline.close() };
}

type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * The site's answers for init and init --repo: asked (`askAll`, given a terminal) or the flags, then checked as a
 * whole; undefined when the operator cancelled a question, which is said once on stderr.
 */
async function checkedAnswers(
  values: Values,
  io: Io,
  askAll: ((tell: (text: string) => void) => Promise<Values>) | undefined,
): Promise<{ given: Values; answers: InitAnswers } | undefined> {
  let given: Values;
  try {
    given = askAll ? await askAll(io.err) : values;
  } catch (error) {
    if (!(error instanceof InitCancelled)) throw error;
    io.err('\nclusterspec init: cancelled; nothing was written.');
    return undefined;
  }
  const answers = answersFrom(given);
  const problems = siteProblems(answers);
  if (problems.length > 0) throw new UsageError(problems.map((problem) => problem.message).join('\n'));
  return { given, answers };
}

/** Writes (or prints) the starter spec, after checking it loads and lints clean: a first spec must not fail. */
export async function runInit(values: Record<string, string | boolean | string[] | undefined>, io: Io, ask?: Ask): Promise<number> {
  const checked = await checkedAnswers(values, io, ask && ((tell) => askAnswers(ask, tell)));
  if (!checked) return EXIT_BAD_INPUT;
  const { given, answers } = checked;
  const out = given.out === undefined ? undefined : String(given.out);
  const problem = out === undefined ? undefined : outProblem(out);
  if (problem) throw new AnswerProblem('out', JSON.stringify(out), problem);
  const yaml = initYaml(answers, schemaReference());
  if (!out) {
    io.out(yaml.trimEnd());
    return EXIT_OK;
  }
  // Missing folders are made; a failed write (read-only, full disk) leaves neither the file nor those folders.
  writeNewFile(out, yaml);
  const hosts = (initData(answers).spec as { hosts: unknown[] }).hosts.length;
  io.err(`wrote ${out}: ${hosts} hosts, lint 0 errors, 0 warnings. Next: clusterspec generate ${out}`);
  return EXIT_OK;
}

/**
 * Why init --repo may not write into `dir`: a file is there, or a folder with anything in it but a fresh `.git`
 * (an empty repository made first), unless `force`, which keeps what is there and replaces only init's own files.
 */
function repoProblem(dir: string, force: boolean): string | undefined {
  if (dir.trim() === '') return 'give a folder';
  let stats;
  try {
    stats = statSync(dir);
  } catch {
    return undefined; // made, with its missing parents
  }
  if (!stats.isDirectory()) return `${dir} is ${kindOf(stats)}, not a folder`;
  const entries = readdirSync(dir).filter((entry) => entry !== '.git');
  if (entries.length > 0 && !force)
    return `${dir} is not empty (${entries.sort().slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose an empty folder, or add --force to write init's files among what is there (replacing those of the same name)`;
  return undefined;
}

/**
 * Writes the repository's files under `dir`, each whole (writeFileWhole), then runs `andThen` (out/'s writer). If
 * either fails, the files and folders this run made are removed again, so a failed init leaves the folder as it found
 * it (a file replaced under --force stays replaced).
 */
function writeRepo(dir: string, files: readonly RepoFile[], andThen: () => void): void {
  const parents = files.flatMap((file) =>
    file.path
      .split('/')
      .slice(0, -1)
      .map((_, index, parts) => join(dir, ...parts.slice(0, index + 1))),
  );
  const folders = [...new Set([...parents, join(dir, 'out')])];
  const newFolders = folders.filter((folder) => !existsSync(folder)).sort((a, b) => b.length - a.length);
  const madeAbove = makeFolders(resolve(dir));
  const made: string[] = [];
  try {
    for (const file of files) {
      const path = join(dir, file.path);
      const existed = existsSync(path);
      writeFileWhole(path, Buffer.from(file.text));
      if (!existed) made.push(path);
      chmodSync(path, file.mode);
    }
    andThen();
  } catch (error) {
    for (const path of made) rmSync(path, { force: true });
    for (const folder of [...newFolders, ...[...madeAbove].reverse()]) {
      try {
        rmdirSync(folder);
      } catch {
        // not empty (not only ours) or gone: left as it is
      }
    }
    throw error;
  }
}

/** The files init --repo reuses from the tool's own repository (one source each), as the package ships them. */
function repoSources() {
  return {
    hook: readFileSync(join(TOOL_ROOT, '.githooks/pre-commit'), 'utf8'),
    fleetWorkflow: readFileSync(join(TOOL_ROOT, 'docs/ci/fleet.yml'), 'utf8'),
  };
}

/** init --repo DIR: a sites repository around a first site, from the same answers as a lone spec. */
export async function runInitRepo(values: Record<string, string | boolean | string[] | undefined>, io: Io, ask?: Ask): Promise<number> {
  const dir = String(values.repo);
  if (values.out !== undefined) throw new UsageError(`--out and --repo: the spec of init --repo goes to ${SITES_FOLDER}/<name>/cluster.yaml; drop --out`);
  const problem = repoProblem(dir, values.force === true);
  if (problem) throw new UsageError(`--repo ${dir}: ${problem}`);
  const checked = await checkedAnswers(values, io, ask && (async (tell) => ({ ...values, ...(await askAnswers(ask, tell, ['out'])) })));
  if (!checked) return EXIT_BAD_INPUT;
  const { answers } = checked;
  const packageSpec = (flag: string) => {
    const value = values[flag];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '' || /[\s]/.test(value))
      throw new UsageError(`--${flag}: give one npm package spec (a version, a .tgz path or URL, a git URL)`);
    return value;
  };
  const options: RepoOptions = { cliPackage: packageSpec('cli-package'), nxPackage: packageSpec('nx-package'), fleet: values.fleet === true };
  const files = repoFiles(answers, options, repoSources(), schemaReference());
  // out/<name>/ as generate writes it, so the repository is consistent from its first commit (the hook checks it).
  const spec = `${SITES_FOLDER}/${answers.name}/cluster.yaml`;
  const model = loadSpecText(spec, Buffer.from(files.find((file) => file.path === spec)!.text), SITE_CHECKS);
  const site = { model, artifacts: await generateSite(model), target: join(dir, 'out', model.name) };
  writeRepo(dir, files, () => {
    writeSites([site]);
  });
  io.err(
    `wrote ${files.length} files and out/${model.name}/ (${site.artifacts.length} files) into ${dir}, the first site ${spec}. Next, in ${dir}: git init (if it is not a repository), npm install, npx nx run-many -t generate lint check, git add -A, git commit`,
  );
  return EXIT_OK;
}

export const init: Command = {
  name: 'init',
  usage: `Usage: clusterspec init [--name N] [--control-plane 3] [--workers N] [--lb HOST...]
                        [--harbor N] [--consul N] [--kubernetes-version V] [--out FILE]
       clusterspec init --repo DIR [the same site flags] [--fleet] [--force]
                        [--cli-package SPEC] [--nx-package SPEC]

Writes a commented starter spec that validates and lints with no errors and no warnings, to FILE
(never over an existing file; missing folders are made) or to stdout, or says which value it refuses and why. Its first line
points editors (yaml-language-server) at the schema's published address. On a terminal with no
flags, asks for each value instead, checking each answer as it is given; Ctrl-C or Ctrl-D leaves
without writing. --lb may repeat, or take a comma list; naming a control-plane host (cp-1) puts
the balancer there. --control-plane takes 3, 5 or 7 and --consul 0, 3 or 5 (lint's etcd-quorum and
consul-quorum). Defaults: ${INIT_DEFAULTS.controlPlane} control-plane, ${INIT_DEFAULTS.workers} workers, one balancer lb-1, no Harbor,
no Consul, Kubernetes ${INIT_DEFAULTS.kubernetesVersion}.

--repo DIR writes a sites repository instead: package.json (@clusterspec/cli, @clusterspec/nx and nx
as dev dependencies: SPEC is an npm spec, a version, a .tgz path or URL, or a git URL; the default is
this version), nx.json with the plugin (specs ${SITES_FOLDER}/*/cluster.{yaml,toml}), the first site as
${SITES_FOLDER}/<name>/cluster.yaml, the pre-commit hook (.githooks/, installed by npm install), .gitignore,
.editorconfig, .env for Nx, a CI workflow (lint, check, SARIF) and a README. --fleet: the sharded fleet
workflow and out/ in .nxignore. DIR must be empty (a .git in it is fine) unless --force.`,
  options: {
    name: { type: 'string' },
    'control-plane': { type: 'string' },
    workers: { type: 'string' },
    lb: { type: 'string', multiple: true },
    harbor: { type: 'string' },
    consul: { type: 'string' },
    'kubernetes-version': { type: 'string' },
    out: { type: 'string' },
    repo: { type: 'string' },
    fleet: { type: 'boolean' },
    force: { type: 'boolean' },
    'cli-package': { type: 'string' },
    'nx-package': { type: 'string' },
  },
  async run(positionals, values, io) {
    if (positionals.length > 0) throw new UsageError(`init takes flags only, not "${positionals[0]}"`);
    const repo = values.repo !== undefined;
    if (!repo)
      for (const flag of ['fleet', 'force', 'cli-package', 'nx-package'])
        if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --repo DIR`);
    const run = repo ? runInitRepo : runInit;
    const interactive = FLAGS.every((flag) => values[flag] === undefined) && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
    if (!interactive) return run(values, io);
    const terminal = promptReader(process.stdin, process.stderr);
    try {
      return await run(values, io, terminal.ask);
    } finally {
      terminal.close();
    }
  },
};
