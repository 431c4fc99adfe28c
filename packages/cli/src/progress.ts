import type { ClusterModel } from '@clusterspec/spec';
import { UsageError, type Io } from './command';

/** --quiet and --verbose, shared by generate, check and lint. */
export const VERBOSITY_OPTIONS = {
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

export const VERBOSITY_USAGE = `  -q, --quiet    print findings and errors only
  -v, --verbose  print a line per spec with its size and time, also off a terminal`;

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export function verbosity(values: Record<string, string | boolean | undefined>): Verbosity {
  if (values.quiet && values.verbose) throw new UsageError('--quiet and --verbose exclude each other');
  return values.quiet ? 'quiet' : values.verbose ? 'verbose' : 'normal';
}

/** When a run is long enough to show progress: several specs, or one site of thousands of hosts. */
const MANY_SPECS = 3;
const MANY_HOSTS = 1000;

/**
 * A progress line per spec on stderr, so stdout stays the result. Shown on a terminal for long runs
 * (silence is the better default for short runs and for pipes and hooks), always with --verbose, never with --quiet.
 */
export function progress(
  io: Io,
  level: Verbosity,
  models: readonly ClusterModel[],
  verb: string,
): (model: ClusterModel, run: () => Promise<string | void> | string | void) => Promise<void> {
  const long = models.length >= MANY_SPECS || models.some((model) => model.hosts.length >= MANY_HOSTS);
  const show = level === 'verbose' || (level === 'normal' && Boolean(io.interactive) && long);
  let index = 0;
  return async (model, run) => {
    index += 1;
    const started = Date.now();
    if (show) io.err(`[${index}/${models.length}] ${verb} ${model.file} (${model.hosts.length.toLocaleString('en-US')} hosts)`);
    const note = await run();
    if (level === 'verbose') io.err(`[${index}/${models.length}] ${model.file}: ${note ? `${note}, ` : ''}${((Date.now() - started) / 1000).toFixed(2)} s`);
  };
}
