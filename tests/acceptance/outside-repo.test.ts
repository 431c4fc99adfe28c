/**
 * clusterspec used from another repository, as an operator would (issue 26, item 4): the two packages packed with
 * `npm pack` (what a registry would serve), installed with no network into a scratch git repository made by
 * `clusterspec init --repo`, then Nx's generate, lint and check over its sites, a commit through the pre-commit hook
 * the install put in place, and render; then a second site and the fleet lint across both. Needs `npm run build`
 * (the packed CLI is the build's runtime/). The install times are printed (bench/RESULTS.md keeps the figures).
 *
 * Nothing here reaches into this repository at run time: the scratch repository has its own node_modules, its Nx is
 * the one it installed, and the CLI, the plugin and the hook are the installed packages'.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadline } from '../support/deadline';
import { ROOT } from '../support/fixtures';
import { writeOfflineLock } from '../support/offline-install';

jest.setTimeout(deadline(600_000));

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;

/** The environment of every step: no colour, no Nx cloud, daemon or terminal UI, and nothing of the caller's npm or Nx set-up. */
function environment(gitconfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', NX_TUI: 'false', NX_NO_CLOUD: 'true', NX_DAEMON: 'false' };
  for (const name of Object.keys(env)) if (/^(NX_SELF_HOSTED|NX_BATCH_MODE|FORCE_COLOR|CI$|npm_|GIT_)/.test(name)) delete env[name];
  // git's author and settings come from a scratch config, not the user's (whose core.hooksPath would win); npm's
  // cache stays the user's: it is where the workspace's install left every tarball.
  env.GIT_CONFIG_GLOBAL = gitconfig;
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.npm_config_update_notifier = 'false';
  return env;
}

describe('clusterspec installed into a sites repository of its own', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'clusterspec-outside-'));
  const gitconfig = join(scratch, 'gitconfig');
  const packs = join(scratch, 'packs');
  const repo = join(scratch, 'sites');
  // Nx's cache inside the scratch repository, not under ~/.nx where it would outlive the test.
  const env = { ...environment(gitconfig), NX_CACHE_DIRECTORY: join(repo, '.nx/cache') };
  const timings: string[] = [];

  /** One step, bounded; its output with the command line when it fails. */
  const step = (command: string, args: readonly string[], cwd: string, atRest = 120_000): SpawnSyncReturns<string> & { output: string } => {
    const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: deadline(atRest), maxBuffer: 1 << 26 });
    if (result.error) throw result.error;
    return Object.assign(result, { output: `$ ${command} ${args.join(' ')}\n${result.stdout}${result.stderr}` });
  };
  const ok = (command: string, args: readonly string[], cwd: string, atRest?: number) => {
    const result = step(command, args, cwd, atRest);
    if (result.status !== 0) throw new Error(`exit ${result.status}:\n${result.output}`);
    return result.output;
  };
  const timed = (label: string, run: () => unknown) => {
    const start = process.hrtime.bigint();
    run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    timings.push(`${label}: ${seconds.toFixed(1)} s`);
  };
  const tarball = (name: string) => join(packs, `clusterspec-${name}-${VERSION}.tgz`);
  const npx = (args: readonly string[], atRest?: number) => ok('npx', ['--no-install', ...args], repo, atRest);

  beforeAll(() => {
    mkdirSync(packs);
    writeFileSync(gitconfig, '[user]\n\tname = Operator\n\temail = operator@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n');
    timed('npm pack of both packages', () => ok('npm', ['pack', '-w', '@clusterspec/cli', '-w', '@clusterspec/nx', '--pack-destination', packs], ROOT));
  });
  afterAll(() => {
    // The figures of this run (bench/RESULTS.md, "Installing from tarballs"); never a pass/fail condition.
    process.stdout.write(`outside-repo timings:\n  ${timings.join('\n  ')}\n`);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('packs both packages publishable: no private flag, files, exports, bin, a changelog, Node >= 20', () => {
    for (const name of ['cli', 'nx']) {
      const listed = ok('tar', ['-tzf', tarball(name)], scratch).split('\n');
      const manifest = JSON.parse(
        ok('tar', ['-xzOf', tarball(name), 'package/package.json'], scratch)
          .split('\n')
          .slice(1)
          .join('\n'),
      ) as Record<string, unknown>;
      expect(manifest.private).toBeUndefined();
      expect(manifest).toMatchObject({ name: `@clusterspec/${name}`, version: VERSION, engines: { node: '>=20' }, publishConfig: { access: 'public' } });
      expect(Object.keys(manifest.exports as object)).toContain('.');
      expect(listed).toContain('package/CHANGELOG.md');
      // Nothing the install would fetch from this repository: no dependency on a private workspace package.
      expect(
        Object.keys((manifest.dependencies as Record<string, string> | undefined) ?? {}).filter((dependency) => dependency.startsWith('@clusterspec/')),
      ).toEqual([]);
    }
    const cli = ok('tar', ['-tzf', tarball('cli')], scratch);
    for (const file of [
      'lib/clusterspec.js',
      'runtime/packages/cli/dist/bundle.js',
      'runtime/.githooks/pre-commit',
      'runtime/docs/ci/fleet.yml',
      'runtime/schemas/cluster.schema.json',
    ])
      expect(cli).toContain(`package/${file}`);
    expect(cli).toMatch(/package\/runtime\/packages\/loadbalancer\/templates\/haproxy\.cfg\.ejs/);
    const dryRun = step('npm', ['publish', '--dry-run', '--offline', '-w', '@clusterspec/cli', '-w', '@clusterspec/nx'], ROOT);
    expect(dryRun.status).toBe(0);
    expect(dryRun.output).toMatch(/\+ @clusterspec\/cli@/);
    expect(dryRun.output).toMatch(/\+ @clusterspec\/nx@/);
  });

  it('installs from a git URL too: a repository holding the packed package (a release tag)', () => {
    // What a release would push: the tarball's contents committed and tagged (npm cannot install a package from a
    // folder of a monorepo, and the CLI's runtime/ is build output, never committed here).
    const release = join(scratch, 'release-cli');
    mkdirSync(release);
    ok('tar', ['-xzf', tarball('cli'), '--strip-components=1', '-C', release], scratch);
    ok('git', ['init', '-q', release], scratch);
    ok('git', ['add', '-A'], release);
    ok('git', ['commit', '-q', '-m', `@clusterspec/cli ${VERSION}`], release);
    ok('git', ['tag', `v${VERSION}`], release);
    const commit = ok('git', ['rev-parse', 'HEAD'], release).split('\n')[1];
    const consumer = join(scratch, 'from-git');
    mkdirSync(consumer);
    const url = `git+file://${release}`;
    writeFileSync(
      join(consumer, 'package.json'),
      `${JSON.stringify({ name: 'from-git', version: '0.0.0', private: true, devDependencies: { '@clusterspec/cli': `${url}#v${VERSION}` } })}\n`,
    );
    writeOfflineLock(consumer, { '@clusterspec/cli': { tarball: tarball('cli'), resolved: `${url}#${commit}` } });
    timed('install @clusterspec/cli from a git URL (npm ci --offline)', () => ok('npm', ['ci', '--offline', '--no-audit', '--no-fund'], consumer));
    expect(ok('npx', ['--no-install', 'clusterspec', '--version'], consumer)).toContain(`clusterspec ${VERSION}`);
    expect(ok('npx', ['--no-install', 'clusterspec', 'explain', 'etcd-quorum'], consumer)).toContain('# `etcd-quorum`');
  });

  it('scaffolds, installs offline, generates, lints, checks, commits through the hook and renders one site', () => {
    // The CLI from its tarball alone, as `npx @clusterspec/cli init --repo` would run it from a registry.
    const tool = join(scratch, 'tool');
    mkdirSync(tool);
    writeFileSync(
      join(tool, 'package.json'),
      `${JSON.stringify({ name: 'tool', version: '0.0.0', private: true, dependencies: { '@clusterspec/cli': `file:${tarball('cli')}` } })}\n`,
    );
    writeOfflineLock(tool, { '@clusterspec/cli': tarball('cli') });
    timed('install @clusterspec/cli alone (npm ci --offline)', () => ok('npm', ['ci', '--offline', '--no-audit', '--no-fund'], tool));

    ok('git', ['init', '-q', repo], scratch);
    const init = ok(
      join(tool, 'node_modules/.bin/clusterspec'),
      [
        'init',
        '--repo',
        repo,
        '--name',
        'dc1',
        '--cli-package',
        `file:../packs/clusterspec-cli-${VERSION}.tgz`,
        '--nx-package',
        `file:../packs/clusterspec-nx-${VERSION}.tgz`,
      ],
      scratch,
    );
    expect(init).toMatch(/wrote 9 files and out\/dc1\/ \(\d+ files\) into/);

    const listed = writeOfflineLock(repo, { '@clusterspec/cli': tarball('cli'), '@clusterspec/nx': tarball('nx') });
    timed(`install the sites repository (both packages and nx, ${listed} packages; npm ci --offline)`, () =>
      ok('npm', ['ci', '--offline', '--no-audit', '--no-fund'], repo, 300_000),
    );
    // npm's prepare ran the package's hook installer.
    expect(ok('git', ['config', 'core.hooksPath'], repo).split('\n')[1]).toBe('.githooks');
    expect(existsSync(join(repo, 'node_modules/@clusterspec/spec'))).toBe(false);

    // The plugin's init generator (what `nx add @clusterspec/nx` runs after installing it) registers it as init --repo did.
    const nxJson = readFileSync(join(repo, 'nx.json'), 'utf8');
    const registered = (JSON.parse(nxJson) as { plugins: unknown[] }).plugins;
    writeFileSync(join(repo, 'nx.json'), `${JSON.stringify({ ...(JSON.parse(nxJson) as object), plugins: [] }, null, 2)}\n`);
    npx(['nx', 'g', '@clusterspec/nx:init', '--no-interactive']);
    expect((JSON.parse(readFileSync(join(repo, 'nx.json'), 'utf8')) as { plugins: unknown[] }).plugins).toEqual(registered);
    writeFileSync(join(repo, 'nx.json'), nxJson);

    const nx = npx(['nx', 'run-many', '-t', 'generate', 'lint', 'check'], 300_000);
    expect(nx).toMatch(/Successfully ran targets generate, lint, check for 2 projects/);
    expect(nx).toContain('@clusterspec/nx:clusterspec');

    ok('git', ['add', '-A'], repo);
    const commit = ok('git', ['commit', '-q', '-m', 'first site'], repo);
    // The hook judged it: its lint ran over the staged spec.
    expect(commit).toMatch(/sites\/dc1\/cluster\.yaml/);

    // A spec change without its out/ is refused, listing what would change.
    const spec = join(repo, 'sites/dc1/cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('proxyTimeout: 10m', 'proxyTimeout: 15m'));
    ok('git', ['add', spec], repo);
    const stale = step('git', ['commit', '-q', '-m', 'stale'], repo);
    expect(stale.status).toBe(1);
    expect(stale.output).toMatch(/stale +out\/dc1\/hosts\/lb-1\/etc\/haproxy\/haproxy\.cfg/);
    expect(stale.output).toContain('pre-commit: the staged out/ is not what the staged specs generate');
    // The diff shows it before it is committed; generate, review, commit.
    expect(step('npx', ['--no-install', 'clusterspec', 'diff', 'sites/dc1/cluster.yaml'], repo).output).toMatch(/^\+.*timeout server +15m/m);
    npx(['nx', 'run', 'generate'], 300_000);
    ok('git', ['add', '-A'], repo);
    ok('git', ['commit', '-q', '-m', 'longer proxy timeout'], repo);

    // render fills in the secrets the spec names (init's: kubeadm's join credentials, from the environment).
    const rendered = join(scratch, 'rendered-dc1');
    const secrets = {
      KUBEADM_BOOTSTRAP_TOKEN: 'abcdef.0123456789abcdef',
      KUBEADM_CERTIFICATE_KEY: 'f'.repeat(64),
      KUBEADM_CA_CERT_HASH: `sha256:${'a'.repeat(64)}`,
    };
    const render = spawnSync('npx', ['--no-install', 'clusterspec', 'render', 'sites/dc1/cluster.yaml', '--all', '--to', rendered], {
      cwd: repo,
      env: { ...env, ...secrets },
      encoding: 'utf8',
      timeout: deadline(120_000),
    });
    expect(`${render.stdout}${render.stderr}`).not.toMatch(/error/);
    expect(render.status).toBe(0);
    expect(readFileSync(join(rendered, 'dc1/hosts/cp-2/etc/kubernetes/kubeadm-config.yaml'), 'utf8')).toContain('abcdef.0123456789abcdef');
    expect(ok('git', ['status', '--porcelain'], repo).split('\n').slice(1).join('')).toBe('');
  });

  it('takes a second site: generated, linted and checked by Nx, the fleet lint across both, committed through the hook', () => {
    npx(['clusterspec', 'init', '--name', 'dc2', '--out', 'sites/dc2/cluster.yaml']);
    // init's placeholder addresses are the same for every site: the fleet lint says so.
    const colliding = step('npx', ['--no-install', 'clusterspec', 'lint', '--fleet', '--quiet'], repo);
    expect(colliding.status).toBe(1);
    expect(colliding.output).toMatch(/sites\/dc2\/cluster\.yaml:\d+:\d+ error 10\.1\.0\.10, host cp-1, is also claimed by site dc1: .* fleet-collision/);
    const spec = join(repo, 'sites/dc2/cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace(/\b10\.(\d)\./g, '10.2$1.'));
    expect(npx(['clusterspec', 'lint', '--fleet', '--quiet'])).not.toMatch(/fleet-collision/);

    npx(['nx', 'run-many', '-t', 'generate'], 300_000);
    const nx = npx(['nx', 'run-many', '-t', 'lint', 'check'], 300_000);
    expect(nx).toMatch(/Successfully ran targets lint, check for 3 projects/);
    ok('git', ['add', '-A'], repo);
    ok('git', ['commit', '-q', '-m', 'second site'], repo);
    expect(ok('git', ['log', '--format=%s'], repo).split('\n').slice(1, 5)).toEqual(['second site', 'longer proxy timeout', 'first site', '']);
  });
});
