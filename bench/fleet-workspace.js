'use strict';
// A scratch fleet repository, as an operator with many sites would keep one: one folder per site
// (sites/<name>/cluster.yaml), the Nx plugin @clusterspec/nx by its package name, the clusterspec packages
// through a link to this repository's node_modules, out/ committed. Used by `npm run bench` (the fleet part)
// and the fleet tests; never committed itself. Nx's caches stay inside it (cacheDirectory, workspace data).
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, symlinkSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const NX = join(ROOT, 'node_modules/nx/dist/bin/nx.js');
const CLI = join(ROOT, 'packages/cli/bin/clusterspec.js');
const SITES = 'sites/*/cluster.yaml';
const { OUT } = require('../packages/nx/index.js');

/** The YAML of fixtures/modern under another cluster name (its metadata.name line is `  name: modern`). */
function modernSpec(name) {
  const text = readFileSync(join(ROOT, 'fixtures/modern/cluster.yaml'), 'utf8');
  const renamed = text.replace(/^( {2}name: )modern$/m, `$1${name}`);
  if (renamed === text) throw new Error('fixtures/modern/cluster.yaml: its metadata.name line moved; update bench/fleet-workspace.js');
  return renamed;
}

/**
 * The environment Nx runs with in a scratch workspace: this repository's .env settings (no cloud, no daemon, no
 * plugin isolation), its workspace data kept inside it, and `extra` on top (e.g. the remote cache's address).
 */
// A terminal's control sequence (colour, cursor): ESC [ parameters letter.
// eslint-disable-next-line no-control-regex -- the escape character is what is matched
const ANSI_ESCAPE = /\u001b\[[0-9;?]*[A-Za-z]/g;

function nxEnv(workspace, extra = {}) {
  const env = {
    ...process.env,
    NX_NO_CLOUD: 'true',
    NX_DAEMON: 'false',
    NX_ISOLATE_PLUGINS: 'false',
    NX_TUI: 'false',
    NX_WORKSPACE_DATA_DIRECTORY: join(workspace, '.nx/workspace-data'),
    ...extra,
  };
  // The remote cache is asked for explicitly: one set in the caller's shell must not leak into a measurement.
  if (!('NX_SELF_HOSTED_REMOTE_CACHE_SERVER' in extra)) delete env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER;
  delete env.NX_BATCH_MODE;
  // Plain text: Nx colours its output when CI is set (as on a CI runner) or FORCE_COLOR is, even into a pipe,
  // and the tests read that output line by line.
  delete env.CI;
  delete env.FORCE_COLOR;
  env.NO_COLOR = '1';
  return env;
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 600_000, ...options });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** `nx <args>` in the workspace; returns { status, output } (stdout and stderr together), never throws on a task failure. */
function nx(workspace, args, extraEnv = {}, timeout = 600_000) {
  const result = spawnSync(process.execPath, [NX, ...args], { cwd: workspace, env: nxEnv(workspace, extraEnv), encoding: 'utf8', maxBuffer: 1 << 28, timeout });
  if (result.error) throw result.error;
  // Escape sequences removed as well: a colour forced some other way must not change what the tests match.
  return { status: result.status, output: `${result.stdout}${result.stderr}`.replace(ANSI_ESCAPE, '') };
}

/**
 * Writes a fleet repository at `workspace` (an empty folder) with `specs` ({ name, text } each, a site per
 * name), generates its out/ with the CLI and commits everything, so `nx affected` has a base (HEAD).
 * `ignoreOut`: out/ is listed in .nxignore (Nx hashes none of its files; the plugin then leaves check uncached).
 */
function makeFleetWorkspace(workspace, specs, { ignoreOut = false } = {}) {
  mkdirSync(workspace, { recursive: true });
  // The root project named clusterspec with a `build` that does nothing: the plugin's targets depend on
  // clusterspec:build, and here the packages come built through node_modules.
  const packageJson = { name: 'fleet', private: true, nx: { name: 'clusterspec', targets: { build: { executor: 'nx:noop' } } } };
  writeFileSync(join(workspace, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  const nxJson = {
    analytics: false,
    neverConnectToCloud: true,
    defaultBase: 'main',
    cacheDirectory: '.nx/cache',
    // What the sites' results depend on besides their specs: the installed clusterspec, i.e. the lock file.
    namedInputs: { sources: ['{workspaceRoot}/package.json'] },
    plugins: [{ plugin: '@clusterspec/nx', options: { specs: SITES, inputs: ['sources'], dependsOn: [{ projects: ['clusterspec'], target: 'build' }] } }],
  };
  writeFileSync(join(workspace, 'nx.json'), `${JSON.stringify(nxJson, null, 2)}\n`);
  writeFileSync(join(workspace, '.gitignore'), 'node_modules\n.nx/\nreports/\ndist/\n');
  if (ignoreOut) writeFileSync(join(workspace, '.nxignore'), `${OUT}/\n`);
  symlinkSync(join(ROOT, 'node_modules'), join(workspace, 'node_modules'));
  const files = specs.map(({ name, text }) => {
    const file = `sites/${name}/cluster.yaml`;
    mkdirSync(join(workspace, 'sites', name), { recursive: true });
    writeFileSync(join(workspace, file), text);
    return file;
  });
  // out/ as a fleet repository commits it: what its specs generate (several specs per call, as the CLI allows).
  for (let index = 0; index < files.length; index += 100)
    run(process.execPath, [CLI, 'generate', '--quiet', ...files.slice(index, index + 100)], { cwd: workspace });
  commitAll(workspace, 'fleet');
  return files;
}

/** A git repository (made if missing) with everything committed on `main`, by a fixed author. */
function commitAll(workspace, message) {
  const git = (...args) =>
    run('git', ['-c', 'user.name=fleet', '-c', 'user.email=fleet@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], {
      cwd: workspace,
    });
  if (spawnSync('git', ['rev-parse', '--git-dir'], { cwd: workspace, encoding: 'utf8' }).stdout.trim() !== '.git') git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', message);
}

/** A clone of a fleet repository (git clone, then node_modules linked as `npm ci` would have installed it). */
function cloneFleetWorkspace(source, target) {
  run('git', ['clone', '-q', source, target], { cwd: source });
  symlinkSync(join(ROOT, 'node_modules'), join(target, 'node_modules'));
}

module.exports = { NX, CLI, SITES, modernSpec, nxEnv, nx, makeFleetWorkspace, cloneFleetWorkspace, commitAll };
