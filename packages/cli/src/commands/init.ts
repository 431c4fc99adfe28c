import { lintSite, summarise } from '@clusterspec/lint';
import { loadSpecText } from '@clusterspec/spec';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EXIT_OK, UsageError, type Command, type Io } from '../command';
import { generateArtifacts } from '../generate';
import { INIT_DEFAULTS, initYaml, type InitAnswers } from '../init-spec';

/** Asks one question with a default; injected so tests drive the prompts without a terminal. */
export type Ask = (question: string, fallback: string) => Promise<string>;

const SCHEMA = join(__dirname, '..', '..', '..', '..', 'schemas', 'cluster.schema.json');

const FLAGS = ['name', 'control-plane', 'workers', 'lb', 'harbor', 'consul', 'kubernetes-version', 'out'] as const;

function count(value: string, flag: string, rule: (n: number) => string | undefined): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value)) throw new UsageError(`--${flag} takes a whole number, not "${value}"`);
  const problem = rule(n);
  if (problem) throw new UsageError(`--${flag} ${n}: ${problem}`);
  return n;
}

// Even member counts lose quorum on a split: refuse them here rather than hand out a spec lint refuses.
const odd = (what: string) => (n: number) => (n % 2 === 0 ? `an even number of ${what} loses quorum on a split (lint: ${what === 'Consul servers' ? 'consul-quorum' : 'etcd-quorum'}); use 1, 3 or 5` : undefined);

/** Flags (or answers) to the site's shape, refusing what would not lint. */
export function answersFrom(values: Record<string, string | boolean | string[] | undefined>): InitAnswers {
  const text = (flag: string, fallback: string) => (values[flag] === undefined ? fallback : String(values[flag]));
  const controlPlane = count(text('control-plane', String(INIT_DEFAULTS.controlPlane)), 'control-plane', (n) => (n === 0 ? 'a site needs a control plane' : odd('control-plane hosts')(n)));
  const consul = count(text('consul', String(INIT_DEFAULTS.consul)), 'consul', (n) => (n === 0 ? undefined : odd('Consul servers')(n)));
  const lbValue = values.lb;
  const lb = lbValue === undefined ? [...INIT_DEFAULTS.lb] : (Array.isArray(lbValue) ? lbValue : [String(lbValue)]).flatMap((item) => item.split(',')).filter(Boolean);
  if (lb.length === 0) throw new UsageError('--lb needs at least one host name');
  return {
    name: text('name', INIT_DEFAULTS.name),
    controlPlane,
    workers: count(text('workers', String(INIT_DEFAULTS.workers)), 'workers', () => undefined),
    lb,
    harbor: count(text('harbor', String(INIT_DEFAULTS.harbor)), 'harbor', () => undefined),
    consul,
    kubernetesVersion: text('kubernetes-version', INIT_DEFAULTS.kubernetesVersion),
  };
}

/** The interactive path: one question per flag, the default in brackets. */
export async function askAnswers(ask: Ask): Promise<Record<string, string>> {
  const d = INIT_DEFAULTS;
  return {
    name: await ask('Cluster name', d.name),
    'control-plane': await ask('Control-plane hosts (odd)', String(d.controlPlane)),
    workers: await ask('Worker hosts', String(d.workers)),
    lb: await ask('Load balancer hosts (comma-separated)', d.lb.join(',')),
    harbor: await ask('Harbor instances (0 for none)', String(d.harbor)),
    consul: await ask('Consul servers (0 for none)', String(d.consul)),
    'kubernetes-version': await ask('Kubernetes version', d.kubernetesVersion),
    out: await ask('Write to', 'cluster.yaml'),
  };
}

function terminalAsk(): { ask: Ask; close: () => void } {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  return { ask: async (question, fallback) => (await readline.question(`${question} [${fallback}]: `)).trim() || fallback, close: () => readline.close() };
}

/** Writes (or prints) the starter spec, after checking it loads and lints clean: a first spec must not fail. */
export async function runInit(values: Record<string, string | boolean | string[] | undefined>, io: Io, ask?: Ask): Promise<number> {
  const given = ask ? await askAnswers(ask) : values;
  const answers = answersFrom(given);
  const out = given.out === undefined ? undefined : String(given.out);
  if (out && existsSync(out)) throw new UsageError(`${out} exists; init does not overwrite a spec`);
  const schema = relative(out ? dirname(resolve(out)) : process.cwd(), SCHEMA) || SCHEMA;
  const yaml = initYaml(answers, schema);
  const model = loadSpecText(out ?? 'cluster.yaml', Buffer.from(yaml));
  const { errors, warnings } = summarise(lintSite(model, generateArtifacts(model)));
  if (errors > 0) throw new Error(`internal error: init wrote a spec with ${errors} lint error(s)`);
  if (!out) {
    io.out(yaml.trimEnd());
    return EXIT_OK;
  }
  writeFileSync(out, yaml);
  io.err(`wrote ${out}: ${model.hosts.length} hosts, lint ${errors} errors, ${warnings} warnings. Next: clusterspec generate ${out}`);
  return EXIT_OK;
}

export const init: Command = {
  name: 'init',
  usage: `Usage: clusterspec init [--name N] [--control-plane 3] [--workers N] [--lb HOST...]
                        [--harbor N] [--consul N] [--kubernetes-version V] [--out FILE]

Writes a commented starter spec that validates and lints clean, to FILE (never over an existing
file) or to stdout. Its first line points editors (yaml-language-server) at the schema.
On a terminal with no flags, asks for each value instead. --lb may repeat, or take a comma list;
naming a control-plane host (cp-1) puts the balancer there. Defaults: ${INIT_DEFAULTS.controlPlane} control-plane,
${INIT_DEFAULTS.workers} workers, one balancer lb-1, no Harbor, no Consul, Kubernetes ${INIT_DEFAULTS.kubernetesVersion}.`,
  options: {
    name: { type: 'string' },
    'control-plane': { type: 'string' },
    workers: { type: 'string' },
    lb: { type: 'string', multiple: true },
    harbor: { type: 'string' },
    consul: { type: 'string' },
    'kubernetes-version': { type: 'string' },
    out: { type: 'string' },
  },
  async run(positionals, values, io) {
    if (positionals.length > 0) throw new UsageError(`init takes flags only, not "${positionals[0]}"`);
    const interactive = FLAGS.every((flag) => values[flag] === undefined) && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
    if (!interactive) return runInit(values, io);
    const terminal = terminalAsk();
    try {
      return await runInit(values, io, terminal.ask);
    } finally {
      terminal.close();
    }
  },
};
