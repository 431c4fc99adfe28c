import { harborChecks } from '@clusterspec/harbor';
import { lintSettingsCheck } from '@clusterspec/lint';
import { loadSpec, loadSpecText, MAX_SPEC_BYTES, SpecError, type ClusterModel, type SiteCheck, type SpecProblem } from '@clusterspec/spec';
import { readSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isatty } from 'node:tty';
import { errnoOf, UsageError } from './command';
import { kindOf } from './safe-read';

/**
 * The checks each component contributes to the one validation phase (spec's own schema and cross-field
 * checks run first). Every command loads through loadAll, so validate refuses whatever generate, lint or
 * render would: a component that can refuse a spec adds its check here, never in its generators.
 */
export const SITE_CHECKS: readonly SiteCheck[] = [harborChecks, lintSettingsCheck];

/** The spec argument that means standard input, and the name its diagnostics give it. */
export const STDIN_ARGUMENT = '-';
export const STDIN_NAME = '<stdin>';

/**
 * Reads all of standard input, at most MAX_SPEC_BYTES (more is refused rather than held in memory). Synchronous,
 * as loading is; a non-blocking descriptor (EAGAIN) is waited on in short sleeps rather than spun on.
 */
function readStandardInput(): Buffer {
  if (isatty(0)) throw new UsageError(`"${STDIN_ARGUMENT}" reads the spec from standard input, which is a terminal; pipe or redirect a spec into it`);
  const chunks: Buffer[] = [];
  let total = 0;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const chunk = Buffer.alloc(64 * 1024);
    let read: number;
    try {
      read = readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      if (errnoOf(error) === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 10);
        continue;
      }
      if (errnoOf(error) === 'EOF') break;
      throw error;
    }
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
    if (total > MAX_SPEC_BYTES) {
      throw new SpecError([
        {
          file: STDIN_NAME,
          line: 1,
          column: 1,
          field: '',
          message: `standard input holds more than the ${MAX_SPEC_BYTES}-byte limit of a spec`,
          hint: 'a cluster spec of even 5,000 hosts is far smaller; check what is piped in',
        },
      ]);
    }
  }
  return Buffer.concat(chunks);
}

/** Loads one spec argument: a file, or standard input (read as YAML) for "-". */
function loadOne(file: string): ClusterModel {
  if (file === STDIN_ARGUMENT) return loadSpecText(STDIN_NAME, readStandardInput(), SITE_CHECKS);
  // A FIFO would block the read forever, a device could be endless: only regular files are specs.
  let stats: Stats | undefined;
  try {
    stats = statSync(file);
  } catch {
    // loadSpec reports a missing or unreadable file in its own words.
  }
  if (stats && !stats.isFile()) {
    throw new SpecError([
      {
        file,
        line: 1,
        column: 1,
        field: '',
        message: `cannot read the spec: it is ${kindOf(stats)}, not a file`,
        hint: `name a spec file, or ${STDIN_ARGUMENT} for standard input`,
      },
    ]);
  }
  return loadSpec(file, SITE_CHECKS);
}

/** The --out folder, refusing an empty one (which would quietly mean the current folder). */
export function outFolder(values: Record<string, string | boolean | undefined>): string {
  const out = String(values.out ?? 'out');
  if (out === '') throw new UsageError('--out "" names no folder; give one (--out . for the current folder)');
  return out;
}

/**
 * Loads every spec or none: reports all their problems, and two specs may not share a cluster name (they would
 * write one folder, DIR/<name>; `out` is DIR when the command writes or compares one).
 */
export function loadAll(files: readonly string[], out?: string): ClusterModel[] {
  if (files.length === 0) throw new UsageError('name at least one spec file');
  if (files.filter((file) => file === STDIN_ARGUMENT).length > 1) throw new UsageError(`"${STDIN_ARGUMENT}" (standard input) may be given once`);
  const models: ClusterModel[] = [];
  const problems: SpecProblem[] = [];
  for (const file of files) {
    try {
      models.push(loadOne(file));
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
        message: `cluster name "${model.name}" is also used by ${first.file}; both would write ${out === undefined ? `one folder, ${model.name}/ under --out` : join(out, model.name)}`,
        hint: 'give each site its own metadata.name',
      });
    } else owner.set(model.name, model);
  }
  if (problems.length > 0) throw new SpecError(problems);
  return models;
}
