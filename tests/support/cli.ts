import { main, type Io } from '@clusterspec/cli';

/** Runs the CLI in-process, as the cli tests do, with stdout and stderr captured. */
export async function cli(argv: readonly string[], io: Partial<Io> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text), colour: false, ...io });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
