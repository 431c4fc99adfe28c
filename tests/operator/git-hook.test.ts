import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';

/** This repository's own pre-commit hook, run by git as a commit would run it, in a scratch repository. */
describe('.githooks/pre-commit', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const hook = () => spawnSync('bash', [join(ROOT, '.githooks/pre-commit')], { cwd: repo, encoding: 'utf8', timeout: 60000 });

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'clusterspec-hook-'));
    git('init', '-q');
    mkdirSync(join(repo, 'fixtures'));
    cpSync(join(ROOT, 'fixtures/seed-ha'), join(repo, 'fixtures/seed-ha'), { recursive: true });
    cpSync(join(ROOT, 'out/seed-ha'), join(repo, 'out/seed-ha'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('passes staged specs whose out/ is current', () => {
    git('add', 'fixtures', 'out');
    const result = hook();
    expect(result.stderr).not.toMatch(/not what the staged specs generate/);
    expect(result.status).toBe(0);
  });

  it('refuses a staged spec whose out/ was not regenerated', () => {
    const spec = join(repo, 'fixtures/seed-ha/cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('proxyTimeout: 10m', 'proxyTimeout: 20m'));
    git('add', 'fixtures');
    const result = hook();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/out\/ is not what the staged specs generate/);
  });

  it('refuses a staged spec the linter rejects', () => {
    const spec = join(repo, 'fixtures/seed-ha/cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('dns: [consul, 8.8.8.8]', 'dns: [127.0.0.1]'));
    git('add', 'fixtures');
    const result = hook();
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/container-dns-loopback/);
  });
});
