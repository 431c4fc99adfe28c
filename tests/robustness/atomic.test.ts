/**
 * Atomic, exact output: a generate killed (SIGKILL) at any point leaves out/<cluster> exactly the last
 * complete output, and the next run recovers and succeeds; two runs at once cannot interleave.
 *
 * SLOW (about a minute): it runs the real CLI (packages/cli/bin/clusterspec.js, so `npm run build` first)
 * on a synthetic 2,000-host site (bench/make-spec.js), about 14,000 files.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { main, listFiles, lockPath, recoverTarget } from '@clusterspec/cli';
import { ROOT } from '../support/fixtures';
import type { Untyped } from '../support/untyped';
import { deadline } from '../support/deadline';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script without type declarations, typed here
const { syntheticSpec } = require('../../bench/make-spec.js') as { syntheticSpec: (size: number) => Untyped };

jest.setTimeout(deadline(900000));

const BIN = join(ROOT, 'packages/cli/bin/clusterspec.js');
const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-atomic-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** path -> sha1 and mode of every file under root: the exact output, compared without holding the bytes. */
function snapshot(root: string): string {
  const lines = listFiles(root).map((file) => {
    const path = join(root, file);
    return `${file} ${(statSync(path).mode & 0o777).toString(8)} ${createHash('sha1').update(readFileSync(path)).digest('hex')}`;
  });
  return createHash('sha1').update(lines.join('\n')).digest('hex') + `:${lines.length}`;
}

function siblings(out: string, name: string): string[] {
  return existsSync(out) ? readdirSync(out).filter((entry) => entry !== name) : [];
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

function writeSpec(file: string, proxyTimeout: string) {
  const spec = syntheticSpec(2000);
  spec.spec.kubernetes.loadBalancer.proxyTimeout = proxyTimeout;
  writeFileSync(file, stringify(spec, { lineWidth: 0 }));
}

describe('generate killed part-way leaves the last complete output (SLOW: 2,000-host site)', () => {
  it('after SIGKILL at several points the folder is exactly output A or output B, never a mix; the next run recovers', async () => {
    const specA = join(scratch, 'a.yaml');
    const specB = join(scratch, 'b.yaml');
    writeSpec(specA, '10m');
    writeSpec(specB, '15m');
    const out = join(scratch, 'out');
    const target = join(out, 'bench-2000');
    const first = spawnSync('node', [BIN, 'generate', specA, '--out', out], { encoding: 'utf8', timeout: deadline(300000) });
    expect(first.status).toBe(0);
    const outputA = snapshot(target);

    // When to kill: a fixed delay (before any writing), or once the staging folder (mid-write) or the
    // previous output's .old- folder (the swap) appears, plus a delay.
    const triggers: { name: string; watch?: 'tmp' | 'old'; delay: number }[] = [
      { name: 'after 300 ms (loading)', delay: 300 },
      { name: 'staging + 100 ms', watch: 'tmp', delay: 100 },
      { name: 'staging + 400 ms', watch: 'tmp', delay: 400 },
      { name: 'staging + 900 ms', watch: 'tmp', delay: 900 },
      { name: 'staging + 2 s', watch: 'tmp', delay: 2000 },
      { name: 'at the swap', watch: 'old', delay: 0 },
    ];
    const states: { name: string; state: string; where: string }[] = [];
    for (const trigger of triggers) {
      const child = spawn('node', [BIN, 'generate', specB, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
      const done = exited(child);
      const watched = trigger.watch ? `${target}.${trigger.watch}-${child.pid}` : undefined;
      const started = Date.now();
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (watched === undefined ? Date.now() - started >= trigger.delay : existsSync(watched)) {
            clearInterval(poll);
            setTimeout(
              () => {
                child.kill('SIGKILL');
                resolve();
              },
              watched === undefined ? 0 : trigger.delay,
            );
          }
        }, 1);
        child.on('exit', () => {
          clearInterval(poll);
          resolve();
        });
      });
      const result = await done;
      // What a reader finds now: the folder, or (killed between the swap's two renames) the previous output
      // kept whole as <target>.old-<pid>, which the next run renames back.
      const old = siblings(out, 'bench-2000').filter((entry) => entry.startsWith('bench-2000.old-'));
      const where = existsSync(target) ? 'target' : old.length === 1 ? old[0] : 'nothing';
      expect(where).not.toBe('nothing');
      states.push({
        name: `${trigger.name} (${result.signal ?? `exit ${result.code}`})`,
        state: snapshot(where === 'target' ? target : join(out, where)),
        where,
      });
    }

    // The next run recovers (stale staging and old folders, the dead run's lock) and succeeds.
    const last = spawnSync('node', [BIN, 'generate', specB, '--out', out], { encoding: 'utf8', timeout: deadline(300000) });
    expect(last.stderr).toBe('');
    expect(last.status).toBe(0);
    const outputB = snapshot(target);
    expect(outputB).not.toBe(outputA);
    expect(siblings(out, 'bench-2000')).toEqual([]);

    // Every state was one complete output, and once B was in place it stayed.
    let seenB = false;
    for (const { name, state, where } of states) {
      expect({ name, where, complete: state === outputA || state === outputB }).toEqual({ name, where, complete: true });
      if (seenB) expect({ name, state }).toEqual({ name, state: outputB });
      seenB ||= state === outputB;
    }
    process.stdout.write(`kill points: ${states.map(({ name, state, where }) => `${name}: ${state === outputA ? 'A' : 'B'} at ${where}`).join('; ')}\n`);
  });

  it('two runs at once: exactly one proceeds, the other names its pid and exits 2 without touching the folder', async () => {
    const spec = join(scratch, 'a.yaml');
    const out = join(scratch, 'concurrent');
    const firstRun = spawn('node', [BIN, 'generate', spec, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    const firstDone = exited(firstRun);
    const lock = lockPath(join(out, 'bench-2000'));
    while (!existsSync(lock)) await new Promise((resolve) => setTimeout(resolve, 5));
    // The first run holds the lock only while it writes; on a fast machine it can finish before the second
    // run (which generates first) gets there. Stopping it while it holds the lock makes the overlap certain.
    firstRun.kill('SIGSTOP');
    let second: SpawnSyncReturns<string>;
    try {
      second = spawnSync('node', [BIN, 'generate', spec, '--out', out], { encoding: 'utf8', timeout: deadline(60000) });
    } finally {
      firstRun.kill('SIGCONT');
    }
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(`is being written by another clusterspec run (pid ${firstRun.pid})`);
    expect(second.stderr).toContain(lock);
    const first = await firstDone;
    expect(first.code).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(siblings(out, 'bench-2000')).toEqual([]);
  });
});

describe('the lock (seed site, in-process)', () => {
  it('a lock held by a live process refuses with exit 2; a stale one (dead pid) is taken over and removed', async () => {
    const out = join(scratch, 'locks');
    const lines: string[] = [];
    const io = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(text), colour: false };
    expect(await main(['generate', SEED, '--out', out], io)).toBe(0);
    const lock = lockPath(join(out, 'seed-ha'));
    const before = snapshot(join(out, 'seed-ha'));

    writeFileSync(lock, `${process.pid}\n`); // alive: this very process
    lines.length = 0;
    expect(await main(['generate', SEED, '--out', out], io)).toBe(2);
    expect(lines.join('\n')).toContain(`being written by another clusterspec run (pid ${process.pid})`);
    expect(lines.join('\n')).not.toMatch(/^\s+at /m);
    expect(snapshot(join(out, 'seed-ha'))).toBe(before);

    const dead = spawnSync('node', ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lock, `${dead.stdout}\n`);
    // Leftovers of a killed run: a half-written staging folder and a fully swapped-out old one.
    writeFileSync(`${join(out, 'seed-ha')}.tmp-${dead.stdout}`, 'partial');
    expect(await main(['generate', SEED, '--out', out], io)).toBe(0);
    expect(readdirSync(out)).toEqual(['seed-ha']);
    expect(snapshot(join(out, 'seed-ha'))).toBe(before);
  });

  it('a folder lost between the two renames of a swap is restored from <target>.old-<pid>', async () => {
    const out = join(scratch, 'restore');
    const io = { out: () => undefined, err: () => undefined, colour: false };
    expect(await main(['generate', SEED, '--out', out], io)).toBe(0);
    const target = join(out, 'seed-ha');
    const before = snapshot(target);
    spawnSync('mv', [target, `${target}.old-999999`]);
    writeFileSync(`${target}.tmp-999999`, 'half-written staging');
    recoverTarget(target); // what every writing run does first, under the lock
    expect(readdirSync(out)).toEqual(['seed-ha']);
    expect(snapshot(target)).toBe(before);
    // With the folder in place, an .old- sibling is a finished swap's leftover: removed, the folder kept.
    spawnSync('cp', ['-r', target, `${target}.old-999998`]);
    writeFileSync(join(target, 'marker'), 'current');
    recoverTarget(target);
    expect(readdirSync(out)).toEqual(['seed-ha']);
    expect(existsSync(join(target, 'marker'))).toBe(true);
  });
});
