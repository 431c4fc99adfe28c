/**
 * `clusterspec init --repo DIR` (issue 26, item 2), in-process: the files of a sites repository, what each holds,
 * byte-identical runs, and the folders it refuses. tests/acceptance/outside-repo.test.ts installs the packed
 * packages into such a repository and runs it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { NX_VERSION, runInitRepo } from '@clusterspec/cli';
import { cli } from '../support/cli';
import { ROOT } from '../support/fixtures';

const plugin = require('@clusterspec/nx') as { ignoresOut: (text: string) => boolean }; // eslint-disable-line @typescript-eslint/no-require-imports
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const CLI_VERSION = json(join(ROOT, 'packages/cli/package.json')).version as string;

/** Every file under a folder (but .git), relative, sorted. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => !path.startsWith('.git/') && path !== '.git' && statSync(join(folder, path)).isFile())
    .sort();
}

describe('clusterspec init --repo', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-init-repo-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('writes a sites repository around the first site, its out/ what generate writes', async () => {
    const repo = join(scratch, 'sites-repo');
    const result = await cli(['init', '--repo', repo, '--name', 'dc1']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^wrote 9 files and out\/dc1\/ \(\d+ files\) into .*sites-repo, the first site sites\/dc1\/cluster\.yaml\. Next, in /);
    const files = filesUnder(repo);
    expect(files.filter((path) => !path.startsWith('out/'))).toEqual([
      '.editorconfig',
      '.env',
      '.githooks/pre-commit',
      '.github/workflows/clusterspec.yml',
      '.gitignore',
      'README.md',
      'nx.json',
      'package.json',
      'sites/dc1/cluster.yaml',
    ]);

    const manifest = json(join(repo, 'package.json'));
    expect(manifest.devDependencies).toEqual({ '@clusterspec/cli': CLI_VERSION, '@clusterspec/nx': CLI_VERSION, nx: NX_VERSION });
    expect(NX_VERSION).toBe((json(join(ROOT, 'package.json')).devDependencies as Record<string, string>).nx);
    expect(manifest.scripts).toEqual({ prepare: 'clusterspec-install-git-hook' });
    expect(json(join(ROOT, 'packages/cli/package.json')).bin).toHaveProperty('clusterspec-install-git-hook');
    expect(json(join(repo, 'nx.json')).plugins).toEqual([{ plugin: '@clusterspec/nx', options: { specs: 'sites/*/cluster.{yaml,toml}' } }]);

    // The hook is this repository's, judging sites/ instead of fixtures/, and executable.
    const hook = readFileSync(join(repo, '.githooks/pre-commit'), 'utf8');
    expect(hook).toBe(readFileSync(join(ROOT, '.githooks/pre-commit'), 'utf8').replace(/^specs_dir=fixtures$/m, 'specs_dir=sites'));
    expect(statSync(join(repo, '.githooks/pre-commit')).mode & 0o111).toBe(0o111);

    // .gitignore: dist/ and the leftovers of a killed generate, as this repository ignores them.
    const ignored = readFileSync(join(repo, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules/', 'dist/', '.nx/', 'reports/']));
    const ours = readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(ours.filter((line) => line.startsWith('out/'))));

    const workflow = parse(readFileSync(join(repo, '.github/workflows/clusterspec.yml'), 'utf8')) as {
      on: Record<string, unknown>;
      jobs: { sites: { steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] } };
    };
    expect(Object.keys(workflow.on)).toEqual(['pull_request', 'push']);
    const runs = workflow.jobs.sites.steps.map((step) => step.run).filter(Boolean);
    expect(runs).toEqual([
      'npm ci',
      'npx nx run-many -t check',
      'npx nx run-many -t lint -c sarif',
      'npx clusterspec lint --fleet --quiet',
      'npx clusterspec-fleet-ci merge-sarif reports/sarif/*.sarif > clusterspec.sarif',
    ]);
    expect(workflow.jobs.sites.steps.at(-1)).toMatchObject({ uses: 'github/codeql-action/upload-sarif@v3', with: { sarif_file: 'clusterspec.sarif' } });

    // The spec is init's (schema line first), valid and lint-clean; out/dc1 is exactly what it generates.
    const spec = join(repo, 'sites/dc1/cluster.yaml');
    expect(readFileSync(spec, 'utf8')).toMatch(/^# yaml-language-server: \$schema=https:\/\//);
    expect((await cli(['lint', spec, '--quiet'])).code).toBe(0);
    expect(await cli(['check', spec, '--out', join(repo, 'out'), '--exact', '--quiet'])).toMatchObject({ code: 0 });
    expect(readFileSync(join(repo, '.editorconfig'), 'utf8')).toMatch(/^root = true\n/);
    expect(readFileSync(join(repo, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(30);
  });

  it('writes the same bytes on every run, and the package specs it is given', async () => {
    const flags = ['--name', 'east', '--workers', '3', '--consul', '3', '--harbor', '2', '--lb', 'lb-1,lb-2'];
    for (const name of ['a', 'b']) expect((await cli(['init', '--repo', join(scratch, name), ...flags])).code).toBe(0);
    const files = filesUnder(join(scratch, 'a'));
    expect(filesUnder(join(scratch, 'b'))).toEqual(files);
    for (const file of files) expect(readFileSync(join(scratch, 'b', file)).equals(readFileSync(join(scratch, 'a', file)))).toBe(true);

    const specs = ['--cli-package', 'file:../clusterspec-cli-0.1.0.tgz', '--nx-package', 'git+https://git.example.invalid/clusterspec-nx.git#v0.1.0'];
    expect((await cli(['init', '--repo', join(scratch, 'c'), ...specs])).code).toBe(0);
    expect(json(join(scratch, 'c/package.json')).devDependencies).toMatchObject({
      '@clusterspec/cli': 'file:../clusterspec-cli-0.1.0.tgz',
      '@clusterspec/nx': 'git+https://git.example.invalid/clusterspec-nx.git#v0.1.0',
    });
  });

  it("asks init's questions on a terminal, all but where to write the spec", async () => {
    const asked: string[] = [];
    const answers: Record<string, string> = { 'Cluster name': 'north', 'Worker hosts': '4' };
    const err: string[] = [];
    const code = await runInitRepo(
      { repo: join(scratch, 'asked') },
      { out: () => undefined, err: (text) => err.push(text), colour: false },
      (question, fallback) => {
        asked.push(question);
        return Promise.resolve(answers[question] ?? fallback);
      },
    );
    expect(code).toBe(0);
    expect(asked).toEqual([
      'Cluster name',
      'Control-plane hosts (3, 5 or 7)',
      'Worker hosts',
      'Load balancer hosts (comma-separated)',
      'Harbor instances (0 for none)',
      'Consul servers (0, 3 or 5)',
      'Kubernetes version',
    ]);
    expect(readFileSync(join(scratch, 'asked/sites/north/cluster.yaml'), 'utf8')).toMatch(/name: worker-4\n/);
    expect(existsSync(join(scratch, 'asked/out/north/topology.svg'))).toBe(true);
  });

  it('--fleet: the sharded fleet workflow of docs/ci/fleet.yml, and out/ in .nxignore as the plugin reads it', async () => {
    const repo = join(scratch, 'fleet');
    expect((await cli(['init', '--repo', repo, '--fleet'])).code).toBe(0);
    expect(readFileSync(join(repo, '.github/workflows/fleet.yml'), 'utf8')).toBe(readFileSync(join(ROOT, 'docs/ci/fleet.yml'), 'utf8'));
    expect(existsSync(join(repo, '.github/workflows/clusterspec.yml'))).toBe(false);
    expect(plugin.ignoresOut(readFileSync(join(repo, '.nxignore'), 'utf8'))).toBe(true);
  });

  it('refuses a folder with anything in it but .git unless --force, which keeps what is there; writes nothing on bad input', async () => {
    const repo = join(scratch, 'busy');
    mkdirSync(join(repo, '.git'), { recursive: true });
    writeFileSync(join(repo, 'notes.txt'), 'mine\n');
    writeFileSync(join(repo, 'README.md'), 'old\n');
    const refused = await cli(['init', '--repo', repo]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--repo ${repo}: ${repo} is not empty (README.md, notes.txt); choose an empty folder, or add --force`);
    expect(filesUnder(repo)).toEqual(['README.md', 'notes.txt']);

    expect((await cli(['init', '--repo', repo, '--force'])).code).toBe(0);
    expect(readFileSync(join(repo, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toMatch(/^# my-site sites\n/);

    const fresh = join(scratch, 'only-git');
    mkdirSync(join(fresh, '.git'), { recursive: true });
    expect((await cli(['init', '--repo', fresh])).code).toBe(0);

    const untouched = join(scratch, 'never');
    const bad = await cli(['init', '--repo', untouched, '--consul', '4']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--consul 4: an even number of Consul servers loses quorum/);
    expect(existsSync(untouched)).toBe(false);
    expect((await cli(['init', '--repo', untouched, '--out', 'x.yaml'])).stderr).toMatch(
      /--out and --repo: the spec of init --repo goes to sites\/<name>\/cluster\.yaml; drop --out/,
    );
    expect((await cli(['init', '--fleet'])).stderr).toMatch(/--fleet goes with --repo DIR/);
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    expect((await cli(['init', '--repo', file])).stderr).toMatch(/is a (regular )?file, not a folder/);
    expect(relative(scratch, untouched)).toBe('never');
  });
});
