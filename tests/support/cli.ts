import { main, type Io } from '@clusterspec/cli';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './fixtures';

/** Runs the CLI in-process, as the cli tests do, with stdout and stderr captured. */
export async function cli(argv: readonly string[], io: Partial<Io> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text), colour: false, ...io });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/**
 * A scratch folder, made now, whose out/seed-ha is generated afresh from the seed fixture before each test of
 * the file and removed after the last (the hooks are registered here): for tests that tamper with out/.
 */
export function seedOutputScratch(prefix: string): { readonly scratch: string; readonly out: string; readonly site: string } {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  const out = join(scratch, 'out');
  beforeEach(async () => {
    rmSync(out, { recursive: true, force: true });
    expect((await cli(['generate', join(ROOT, 'fixtures/seed-ha/cluster.yaml'), '--out', out, '--quiet'])).code).toBe(0);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  return { scratch, out, site: join(out, 'seed-ha') };
}
