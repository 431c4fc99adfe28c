/**
 * Issue 22, item 7: a lock path that holds no lock (a symbolic link to nothing, left by hand or by a restore) gave
 * "being written by another clusterspec run (pid NaN)". It is named for what it is, with what to do, and nothing
 * is written.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockPath } from '@clusterspec/cli';
import { cli } from '../support/cli';
import { ROOT } from '../support/fixtures';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-lock-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

it('a lock that is a symbolic link to nothing: exit 2, one line naming it and what to do, never "pid NaN"', async () => {
  const out = join(scratch, 'out');
  mkdirSync(out);
  const lock = lockPath(join(out, 'seed-ha'));
  symlinkSync(join(scratch, 'nowhere'), lock);
  const run = await cli(['generate', join(ROOT, 'fixtures/seed-ha/cluster.yaml'), '--out', out]);
  expect(run.code).toBe(2);
  expect(run.stderr).not.toMatch(/NaN/);
  expect(run.stderr).toBe(
    `clusterspec generate: cannot take the lock ${lock} for ${join(out, 'seed-ha')}: it is a symbolic link to nothing, not a lock a clusterspec run wrote; delete ${lock} and run again`,
  );
  expect(lstatSync(lock).isSymbolicLink()).toBe(true);
  expect(existsSync(join(out, 'seed-ha'))).toBe(false);
});
