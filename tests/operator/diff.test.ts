import { chmodSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffLines, unifiedDiff } from '@clusterspec/cli';
import { ROOT } from '../support/fixtures';
import { cli } from '../support/cli';

const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');

describe('line diff', () => {
  it('finds the shortest edit script', () => {
    const ops = diffLines(['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']);
    expect(ops.filter((op) => op.kind !== ' ').length).toBe(5); // Myers' paper: D = 5
    expect(ops.filter((op) => op.kind !== '+').map((op) => op.line)).toEqual(['a', 'b', 'c', 'a', 'b', 'b', 'a']);
    expect(ops.filter((op) => op.kind !== '-').map((op) => op.line)).toEqual(['c', 'b', 'a', 'b', 'a', 'c']);
  });

  it('writes diff -u hunks with three lines of context', () => {
    const before = Array.from({ length: 20 }, (_, index) => `line ${index + 1}`).join('\n') + '\n';
    const after = before.replace('line 10\n', 'line ten\n').replace('line 20\n', 'line 20\nline 21\n');
    expect(unifiedDiff('a/f', 'b/f', before, after)).toBe(
      [
        '--- a/f',
        '+++ b/f',
        '@@ -7,7 +7,7 @@',
        ' line 7',
        ' line 8',
        ' line 9',
        '-line 10',
        '+line ten',
        ' line 11',
        ' line 12',
        ' line 13',
        '@@ -18,3 +18,4 @@',
        ' line 18',
        ' line 19',
        ' line 20',
        '+line 21',
        '',
      ].join('\n'),
    );
  });

  it('handles new, removed and equal files', () => {
    expect(unifiedDiff('a', 'b', 'same\n', 'same\n')).toBe('');
    expect(unifiedDiff('/dev/null', 'b', '', 'x\ny\n')).toBe('--- /dev/null\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n');
    expect(unifiedDiff('a', '/dev/null', 'x\n', '')).toBe('--- a\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-x\n');
    expect(unifiedDiff('a', 'b', 'x', 'x\n')).toContain('\\ No newline at end of file');
  });
});

describe('clusterspec diff', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-diff-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('exits 0 with nothing to say when out/ is current (the committed out/ included)', async () => {
    await cli(['generate', SEED, '--out', scratch]);
    expect(await cli(['diff', SEED, '--out', scratch])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await cli(['diff', SEED])).code).toBe(0);
  });

  it('shows edits, missing, extra and mode changes as a unified diff and exits 1', async () => {
    await cli(['generate', SEED, '--out', scratch]);
    const site = join(scratch, 'seed-ha');
    const nginx = join(site, 'hosts/emei/etc/nginx/nginx.conf');
    writeFileSync(nginx, readFileSync(nginx, 'utf8').replace('proxy_timeout 10m;', 'proxy_timeout 3s;'));
    unlinkSync(join(site, 'pki/plan.json'));
    writeFileSync(join(site, 'leftover.txt'), 'old\n');
    chmodSync(join(site, 'pki/sign.sh'), 0o644);
    const result = await cli(['diff', SEED, '--out', scratch]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`--- ${nginx}\n+++ ${nginx}\n@@ `);
    expect(result.stdout).toMatch(/^-\s*proxy_timeout 3s;$/m);
    expect(result.stdout).toMatch(/^\+\s*proxy_timeout 10m;$/m);
    expect(result.stdout).toContain(`--- /dev/null\n+++ ${join(site, 'pki/plan.json')}`);
    expect(result.stdout).toContain(`--- ${join(site, 'leftover.txt')}\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-old`);
    expect(result.stdout).toContain(`mode ${join(site, 'pki/sign.sh')}: 644 -> 755`);
    expect(result.stdout).not.toContain('\u001b[');
    expect(result.stderr).toMatch(/4 file\(s\) would change/);
  });

  it('colours on a terminal', async () => {
    await cli(['generate', SEED, '--out', scratch]);
    writeFileSync(join(scratch, 'seed-ha/leftover.txt'), 'old\n');
    const result = await cli(['diff', SEED, '--out', scratch], { colour: true });
    expect(result.stdout).toContain('\u001b[31m-old\u001b[0m');
  });
});
