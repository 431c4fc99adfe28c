/**
 * `clusterspec plan` end to end, in-process: the two-file form and --since (a scratch git repository whose two
 * commits are two revisions of a fixture), each exit code (0 nothing, 1 steps, 2 refused or bad input) and format.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';
import { deadline } from '../support/deadline';
import { editedSpec } from '../support/revisions';

const scratch = mkdtempSync(join(tmpdir(), 'cs-plan-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
};
const current = write('current.yaml', editedSpec('modern'));
const oneMinorBack = write('one-minor-back.yaml', editedSpec('modern', [['version: "1.34.2"', 'version: "1.33.5"']]));
const twoMinorsBack = write('two-minors-back.yaml', editedSpec('modern', [['version: "1.34.2"', 'version: "1.32.4"']]));

describe('clusterspec plan OLD NEW', () => {
  it('exits 0 with nothing to do for one revision twice', async () => {
    const result = await cli(['plan', current, current]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nothing to do');
  });

  it('exits 1 with the ordered steps of a one-minor upgrade, in each format', async () => {
    const text = await cli(['plan', oneMinorBack, current]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Step 2 \[kubernetes-upgrade\] Upgrade the control plane of cp-1 to 1\.34\.2/);
    const json = await cli(['plan', oneMinorBack, current, '--format', 'json']);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { steps: unknown[] }).steps.length).toBeGreaterThan(5);
    const markdown = await cli(['plan', oneMinorBack, current, '--format', 'markdown', '--rendered', '/srv/r', '--batch', '2']);
    expect(markdown.stdout).toContain('## Change plan for `modern`');
    expect(markdown.stdout).toContain('clusterspec_rendered=/srv/r/modern');
    expect(markdown.stdout).toContain('Workers worker-1, worker-2: kubelet 1.34.2');
  });

  it('exits 2 with the refusal for a two-minor jump, and 2 for bad flags', async () => {
    const refused = await cli(['plan', twoMinorsBack, current]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('change-version-skip');
    expect((await cli(['plan', current])).code).toBe(2);
    expect((await cli(['plan', current, current, '--format', 'yaml'])).code).toBe(2);
    expect((await cli(['plan', current, current, '--batch', '0'])).code).toBe(2);
  });
});

describe('clusterspec plan SPEC --since GIT_REF', () => {
  const repository = join(scratch, 'repo');
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', repository, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
      timeout: deadline(20_000),
      encoding: 'utf8',
    });
  const spec = join(repository, 'cluster.yaml');
  const cwd = process.cwd();

  beforeAll(() => {
    execFileSync('git', ['init', '-q', repository], { timeout: deadline(20_000) });
    writeFileSync(spec, editedSpec('modern', [['version: "1.34.2"', 'version: "1.33.5"']]));
    git('add', 'cluster.yaml');
    git('commit', '-qm', 'one');
    writeFileSync(spec, editedSpec('modern'));
    git('commit', '-qam', 'two');
    process.chdir(repository);
  });
  afterAll(() => process.chdir(cwd));

  it('reads the old revision with git show and plans from it', async () => {
    const result = await cli(['plan', 'cluster.yaml', '--since', 'HEAD~1']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Plan for modern: HEAD~1:cluster.yaml -> cluster.yaml');
    expect((await cli(['plan', 'cluster.yaml', '--since', 'HEAD'])).code).toBe(0);
  });

  it('refuses a revision that is no revision, and one that looks like an option', async () => {
    const missing = await cli(['plan', 'cluster.yaml', '--since', 'no-such-ref']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read cluster.yaml at that revision');
    expect((await cli(['plan', 'cluster.yaml', '--since=--output=/tmp/x'])).code).toBe(2);
  });
});
