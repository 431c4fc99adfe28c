/**
 * The CLI process loads one file, packages/cli/dist/bundle.js (issue 12, item 7: lint of the seed site within
 * 3× `node -e 0`; most of a short run was Node resolving ~200 module paths). These tests hold the bundle to
 * three promises: `npm run build` leaves it current, so the bin uses it; through it, the CLI writes exactly
 * what the modules write (out/ byte for byte); and a bundle older than the last tsc build is never used.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles } from '@clusterspec/cli';
import { ROOT } from '../support/fixtures';

const BIN = join(ROOT, 'packages/cli/bin/clusterspec.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script without type declarations, typed here
const { bundleStamp } = require(join(ROOT, 'packages/cli/bin/bundle-stamp.js')) as { bundleStamp: (root: string) => string };

/** Runs the bin as a user does, with Node's module log on, and tells which entry it loaded. */
function runBin(args: readonly string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'module' } });
  const loads = result.stderr.split('\n').filter((line) => /load "/.test(line));
  return {
    status: result.status,
    stdout: result.stdout,
    usedBundle: loads.some((line) => line.includes('dist/bundle.js')),
    usedModules: loads.some((line) => line.includes('cli/dist/main.js')),
  };
}

describe('the CLI bundle', () => {
  it('is current after the build, and the bin loads it instead of the modules', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built bundle, a CommonJS file without type declarations
    const bundle = require(join(ROOT, 'packages/cli/dist/bundle.js')) as { stamp: string };
    expect(bundle.stamp).toBe(bundleStamp(ROOT));
    const run = runBin(['--version']);
    expect(run.status).toBe(0);
    expect(run.usedBundle).toBe(true);
    expect(run.usedModules).toBe(false);
  });

  it('generates exactly out/ for the seed site (paths, bytes, executable bits)', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'clusterspec-bundle-'));
    try {
      const run = runBin(['generate', join(ROOT, 'fixtures/seed-ha/cluster.yaml'), '--out', scratch, '--quiet']);
      expect(run.status).toBe(0);
      expect(run.usedBundle).toBe(true);
      const golden = join(ROOT, 'out/seed-ha');
      const written = join(scratch, 'seed-ha');
      expect(listFiles(written)).toEqual(listFiles(golden));
      for (const file of listFiles(golden)) {
        expect({ file, text: readFileSync(join(written, file), 'utf8') }).toEqual({ file, text: readFileSync(join(golden, file), 'utf8') });
        expect({ file, executable: (statSync(join(written, file)).mode & 0o111) !== 0 }).toEqual({
          file,
          executable: (statSync(join(golden, file)).mode & 0o111) !== 0,
        });
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('is not used once a package was rebuilt after it (tsc -b without the bundle step): the bin loads the modules', () => {
    const info = join(ROOT, 'packages/spec/tsconfig.tsbuildinfo');
    const stamp = bundleStamp(ROOT);
    const { atimeMs, mtimeMs } = statSync(info);
    try {
      utimesSync(info, atimeMs / 1000, (mtimeMs + 1000) / 1000);
      const run = runBin(['lint', join(ROOT, 'fixtures/seed-ha/cluster.yaml'), '--quiet']);
      expect(run.status).toBe(0);
      // The bundle file is read for its stamp, but the CLI that runs is the modules'.
      expect(run.usedModules).toBe(true);
    } finally {
      // In seconds with their fraction: a Date (stat's mtime) is rounded to the millisecond, and restoring
      // it could move the time across a millisecond and leave the bundle stale for every later run.
      utimesSync(info, atimeMs / 1000, mtimeMs / 1000);
    }
    expect(bundleStamp(ROOT)).toBe(stamp);
  });
});
