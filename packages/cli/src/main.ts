import { formatGithub, formatJson, formatSarif, formatText, lintSite, rules, summarise } from '@clusterspec/lint';
import { loadSpec, SpecError, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateArtifacts } from './generate';
import { compareArtifacts, writeArtifacts } from './output';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;

const USAGE: Record<string, string> = {
  generate: `Usage: clusterspec generate <spec...> [--out DIR]

Writes every artifact of each spec into DIR/<cluster>/ (default DIR: out), replacing
that folder as a whole. Nothing is written unless every spec is valid.`,
  check: `Usage: clusterspec check <spec...> [--out DIR]

Exits 1 and lists every file in DIR/<cluster>/ (default DIR: out) that is missing,
stale or extra compared with a fresh generation; exits 0 when they match.`,
  lint: `Usage: clusterspec lint <spec...> [--format text|json|sarif|github] [--max-warnings N]

Checks each site and its generated artifacts against every rule (docs/rules/).
Exits 1 when there is an error, or more than N warnings; 0 when clean.`,
  validate: `Usage: clusterspec validate <spec...>

Parses, validates and normalises each spec; prints every problem with file:line:column.`,
};

const MAIN_USAGE = `Usage: clusterspec <command> [options]

Commands:
  generate <spec...> [--out DIR]  write the artifacts of each spec into DIR/<cluster>/
  check <spec...> [--out DIR]     list files in DIR that differ from a fresh generation
  lint <spec...> [--format F]     find what would fail at deploy (text, json, sarif, github)
  validate <spec...>              check specs without writing anything

Run 'clusterspec <command> --help' for a command's options.
Exit codes: 0 ok, 1 check or lint findings, 2 bad input or usage.`;

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether stdout is a terminal that takes colour. */
  readonly colour: boolean;
}

const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
};

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

interface Options {
  readonly outDir: string;
  readonly format: Format;
  readonly maxWarnings: number;
}

/** Loads every spec or none: reports all their problems, and two specs may not share a cluster name. */
function loadAll(files: readonly string[]): ClusterModel[] {
  const models: ClusterModel[] = [];
  const problems = [];
  for (const file of files) {
    try {
      models.push(loadSpec(file));
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      problems.push(...error.problems);
    }
  }
  const owner = new Map<string, ClusterModel>();
  for (const model of models) {
    const first = owner.get(model.name);
    if (first) {
      problems.push({
        ...model.locate(['metadata', 'name']),
        field: 'metadata.name',
        message: `cluster name "${model.name}" is also used by ${first.file}; both would write out/${model.name}`,
        hint: 'give each site its own metadata.name',
      });
    } else owner.set(model.name, model);
  }
  if (problems.length > 0) throw new SpecError(problems);
  return models;
}

function lint(models: readonly ClusterModel[], options: Options, io: Io): number {
  const diagnostics = models.flatMap((model) => lintSite(model, generateArtifacts(model)));
  const formatted = {
    text: () => formatText(diagnostics, { colour: io.colour }),
    json: () => formatJson(diagnostics).trimEnd(),
    sarif: () => formatSarif(diagnostics, rules, 'https://github.com/clusterspec/clusterspec').trimEnd(),
    github: () => formatGithub(diagnostics).trimEnd(),
  }[options.format]();
  if (formatted) io.out(formatted);
  const { errors, warnings } = summarise(diagnostics);
  if (errors > 0) return EXIT_FINDINGS;
  if (options.maxWarnings >= 0 && warnings > options.maxWarnings) {
    io.err(`clusterspec lint: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

function run(command: string, files: readonly string[], options: Options, io: Io): number {
  const models = loadAll(files);
  const outDir = options.outDir;
  if (command === 'lint') return lint(models, options, io);
  if (command === 'validate') {
    for (const model of models) io.out(`${model.file}: ok (${model.name}, ${model.hosts.length} hosts)`);
    return EXIT_OK;
  }
  const generated = models.map((model) => ({ model, artifacts: generateArtifacts(model), target: join(outDir, model.name) }));
  if (command === 'generate') {
    for (const { model, artifacts, target } of generated) {
      writeArtifacts(target, artifacts);
      io.out(`${model.file}: wrote ${artifacts.length} files to ${target}`);
    }
    return EXIT_OK;
  }
  let findings = 0;
  for (const { model, artifacts, target } of generated) {
    const drift = compareArtifacts(target, artifacts);
    const lines = [
      ...drift.missing.map((path) => `missing  ${join(target, path)}`),
      ...drift.stale.map((path) => `stale    ${join(target, path)}`),
      ...drift.extra.map((path) => `extra    ${join(target, path)}`),
    ];
    lines.forEach((line) => io.out(line));
    findings += lines.length;
    if (lines.length === 0) io.out(`${model.file}: ${target} is current (${artifacts.length} files)`);
  }
  if (findings > 0) io.err(`${findings} file(s) differ; run 'clusterspec generate' and review the diff.`);
  return findings > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** The CLI: returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(MAIN_USAGE);
    return command === undefined ? EXIT_BAD_INPUT : EXIT_OK;
  }
  if (!(command in USAGE)) {
    io.err(`clusterspec: unknown command "${command}"\n\n${MAIN_USAGE}`);
    return EXIT_BAD_INPUT;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...(command === 'generate' || command === 'check' ? { out: { type: 'string', default: 'out' } } : {}),
        ...(command === 'lint' ? { format: { type: 'string', default: 'text' }, 'max-warnings': { type: 'string', default: '-1' } } : {}),
      },
    });
  } catch (error) {
    io.err(`clusterspec ${command}: ${(error as Error).message}\n\n${USAGE[command]}`);
    return EXIT_BAD_INPUT;
  }
  if (parsed.values.help) {
    io.out(USAGE[command]);
    return EXIT_OK;
  }
  if (parsed.positionals.length === 0) {
    io.err(`clusterspec ${command}: name at least one spec file\n\n${USAGE[command]}`);
    return EXIT_BAD_INPUT;
  }
  const format = String(parsed.values.format ?? 'text');
  const maxWarnings = Number(parsed.values['max-warnings'] ?? -1);
  if (!(FORMATS as readonly string[]).includes(format) || !Number.isInteger(maxWarnings)) {
    io.err(`clusterspec ${command}: --format takes ${FORMATS.join(', ')}; --max-warnings takes a whole number\n\n${USAGE[command]}`);
    return EXIT_BAD_INPUT;
  }
  try {
    return run(command, parsed.positionals, { outDir: String(parsed.values.out ?? 'out'), format: format as Format, maxWarnings }, io);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    io.err(error.message);
    io.err(`clusterspec: ${error.problems.length} problem(s); nothing was written.`);
    return EXIT_BAD_INPUT;
  }
}
