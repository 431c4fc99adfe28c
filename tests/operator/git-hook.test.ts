import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(60000));

const GOSSIP_KEY = 'pVzUS3CR3T+gossip+key+marker+xxxxxxxxxxx=';
const SECRET_ENV = {
  CONSUL_GOSSIP_KEY: GOSSIP_KEY,
  HARBOR_REDIS_PASSWORD: 'S3CR3T-redis',
  HARBOR_DB_PASSWORD: 'S3CR3T-db',
  HARBOR_ADMIN_PASSWORD: 'S3CR3T-admin',
};

/**
 * This repository's own pre-commit hook, run by a real `git commit` (core.hooksPath pointing at
 * .githooks/) in a scratch repository holding the seed fixture and its out/. Every case starts from a
 * clean commit, changes the index (and sometimes the working copy differently), and commits.
 */
describe('.githooks/pre-commit', () => {
  let repo: string;
  let firstCommit: { status: number | null; output: string };
  /** The commit every case starts from, so a case that wrongly commits does not leak into the next. */
  let clean: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const commit = () => {
    const result = spawnSync('git', ['commit', '-q', '-m', 'change'], { cwd: repo, encoding: 'utf8', timeout: deadline(60000) });
    return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
  };
  const file = (path: string) => join(repo, path);
  const edit = (path: string, from: string, to: string) => {
    const text = readFileSync(file(path), 'utf8');
    if (!text.includes(from)) throw new Error(`${from} is not in ${path}`);
    writeFileSync(file(path), text.replace(from, to));
  };
  const SPEC = 'fixtures/seed-ha/cluster.yaml';
  const CONSUL_HCL = 'out/seed-ha/hosts/consul-1/etc/consul.d/consul.hcl';

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'clusterspec-hook-'));
    git('init', '-q');
    git('config', 'user.name', 'Hook Test');
    git('config', 'user.email', 'hook@example.invalid');
    git('config', 'core.hooksPath', join(ROOT, '.githooks'));
    mkdirSync(file('fixtures'));
    cpSync(join(ROOT, 'fixtures/seed-ha'), file('fixtures/seed-ha'), { recursive: true });
    cpSync(join(ROOT, 'out/seed-ha'), file('out/seed-ha'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), file('node_modules'));
    writeFileSync(file('.gitignore'), 'node_modules\n');
    writeFileSync(file('README.md'), 'scratch\n');
    // The baseline without the hook, less one file of out/; then a commit through the hook adds it.
    git('add', '-A');
    git('rm', '-q', '--cached', 'out/seed-ha/topology.svg');
    git('commit', '-q', '--no-verify', '-m', 'baseline');
    git('add', '-A');
    firstCommit = commit();
    clean = git('rev-parse', 'HEAD').trim();
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  afterEach(() => {
    // Back to the clean commit, index and working copy (node_modules is ignored, so it stays).
    git('reset', '-q', '--hard', clean);
    git('clean', '-fdq');
  });

  it('passes a commit of specs whose out/ is current', () => {
    expect(firstCommit.output).not.toMatch(/pre-commit:/);
    expect(firstCommit.status).toBe(0);
    expect(git('ls-files', 'out/seed-ha/topology.svg')).toBe('out/seed-ha/topology.svg\n');
  });

  it('refuses a staged spec whose out/ was not regenerated', () => {
    edit(SPEC, 'proxyTimeout: 10m', 'proxyTimeout: 20m');
    git('add', '-A');
    const result = commit();
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/stale +out\/seed-ha\/hosts\/emei\/etc\/nginx\/nginx\.conf/);
    expect(result.output).toMatch(/pre-commit: the staged out\/ is not what the staged specs generate/);
  });

  it('refuses a staged spec the linter rejects', () => {
    edit(SPEC, 'dns: [consul, 8.8.8.8]', 'dns: [127.0.0.1]');
    git('add', '-A');
    const result = commit();
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/container-dns-loopback/);
  });

  it('checks the index, not the working copy: a broken spec staged, then restored in the working copy, is refused', () => {
    const good = readFileSync(file(SPEC), 'utf8');
    edit(SPEC, 'dns: [consul, 8.8.8.8]', 'dns: [127.0.0.1]');
    git('add', SPEC);
    writeFileSync(file(SPEC), good);
    const result = commit();
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/container-dns-loopback/);
  });

  it('checks the index, not the working copy: a good staged change commits though the working copy is broken', () => {
    writeFileSync(file(SPEC), `${readFileSync(file(SPEC), 'utf8')}# reviewed\n`); // a comment: out/ stays current
    git('add', SPEC);
    edit(SPEC, 'dns: [consul, 8.8.8.8]', 'dns: [127.0.0.1]'); // not staged
    unlinkSync(file('out/seed-ha/topology.svg')); // not staged
    const result = commit();
    expect(result.output).not.toMatch(/pre-commit:/);
    expect(result.status).toBe(0);
  });

  it('refuses a staged deletion under out/ (rm out/seed-ha/topology.svg; git add -A)', () => {
    unlinkSync(file('out/seed-ha/topology.svg'));
    git('add', '-A');
    const result = commit();
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/missing +out\/seed-ha\/topology\.svg/);
  });

  it('refuses a deleted spec whose out/ folder stays', () => {
    git('rm', '-q', SPEC);
    const result = commit();
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/out\/seed-ha/);
    expect(result.output).toMatch(/no spec/);
  });

  it('refuses a secret value staged where generate writes a placeholder, naming the file and the placeholder, never the value', () => {
    const generated = readFileSync(file(CONSUL_HCL), 'utf8');
    expect(generated).toContain('encrypt = "{{secret:env:CONSUL_GOSSIP_KEY}}"');
    edit(CONSUL_HCL, '{{secret:env:CONSUL_GOSSIP_KEY}}', GOSSIP_KEY);
    git('add', '-A');
    writeFileSync(file(CONSUL_HCL), generated); // the working copy is clean again; the index is not
    const result = commit();
    expect(result.status).toBe(1);
    expect(result.output).toMatch(
      /secret +out\/seed-ha\/hosts\/consul-1\/etc\/consul\.d\/consul\.hcl: line \d+ holds something else where generate writes \{\{secret:env:CONSUL_GOSSIP_KEY\}\}/,
    );
    expect(result.output).not.toContain(GOSSIP_KEY);
    expect(result.output).not.toMatch(/S3CR3T/);
  });

  it("refuses render's output copied into out/ (files generate does not write), never printing a value", () => {
    // What `render --all --to ../out/rendered` wrote before render refused it: rendered here outside, copied in.
    const outside = mkdtempSync(join(tmpdir(), 'clusterspec-hook-render-'));
    try {
      const rendered = spawnSync('node', [join(ROOT, 'packages/cli/bin/clusterspec.js'), 'render', file(SPEC), '--all', '--to', outside], {
        encoding: 'utf8',
        env: { ...process.env, ...SECRET_ENV },
        timeout: deadline(30000),
      });
      expect(rendered.status).toBe(0);
      cpSync(outside, file('out/rendered'), { recursive: true });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    expect(readFileSync(file(`out/rendered/seed-ha/hosts/consul-1/etc/consul.d/consul.hcl`), 'utf8')).toContain(GOSSIP_KEY);
    git('add', '-A');
    const result = commit();
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/extra +out\/rendered\/ \(folder of \d+ files; no spec writes it\)/);
    for (const value of Object.values(SECRET_ENV)) expect(result.output).not.toContain(value);
  });

  it('refuses the leftovers of a killed generate, even force-added', () => {
    mkdirSync(file('out/seed-ha.tmp-4242/hosts'), { recursive: true });
    writeFileSync(file('out/seed-ha.tmp-4242/hosts/half'), 'half written\n');
    cpSync(file('out/seed-ha'), file('out/seed-ha.old-4242'), { recursive: true });
    git('add', '-f', 'out');
    const result = commit();
    expect(result.status).toBe(1);
    // check names a dead run's leftovers as such; --exact lists them as extra should pid 4242 be alive here.
    expect(result.output).toMatch(/(leftover|extra) +out\/seed-ha\.tmp-4242\b/);
    expect(result.output).toMatch(/(leftover|extra) +out\/seed-ha\.old-4242\b/);
    expect(existsSync(file('out/seed-ha.tmp-4242'))).toBe(true); // the hook only reads
  });
});
