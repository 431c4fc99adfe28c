'use strict';
// Nx inference plugin: every cluster spec matched by the glob (nx.json, option `specs`) becomes a project
// with cacheable generate, lint and check targets. Plain JavaScript: a .ts plugin costs a register step per call.
// Published as @clusterspec/nx and named so in nx.json, in this repository as in a sites repository.
const { readFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');
// The output folder of generate and check, relative to the workspace root: the executor's option default
// (schema.json), the one place the plugin and the executor take it from.
const OUT = require('./schema.json').properties.out.default;

const DEFAULT_SPECS = 'fixtures/*/cluster.{yaml,toml}';
// Where the `archive` target writes each site's files as one file (`clusterspec generate --archive`), relative to
// the workspace root; git-ignored (dist/), never committed.
const ARCHIVES = 'dist/clusterspec';
// The executor of this package (executors.json), named by the package's name, as Nx resolves it from node_modules.
const EXECUTOR = `${require('./package.json').name}:clusterspec`;
/**
 * What a site's results depend on besides its spec, when nx.json's options name nothing else: the installed
 * clusterspec and this plugin, i.e. the lock file that pins them (a file that does not exist hashes as nothing).
 * This repository names its own (its packages' sources, and the build target that compiles them).
 */
const DEFAULT_INPUTS = ['{workspaceRoot}/package-lock.json'];

/** metadata.name without loading the whole spec: the plugin runs on every Nx call. */
function clusterName(workspaceRoot, specFile) {
  const text = readFileSync(join(workspaceRoot, specFile), 'utf8');
  const match = specFile.endsWith('.toml')
    ? /^\[metadata\][^[]*?^\s*name\s*=\s*"([^"]+)"/ms.exec(text)
    : /^metadata:\s*\n(?:\s+#.*\n)*\s+name:\s*["']?([a-z0-9-]+)/m.exec(text);
  return match ? match[1] : basename(dirname(specFile));
}

/**
 * Whether a .nxignore text (gitignore syntax) ignores the workspace's out/ folder: a line `out`, `out/`, `/out` or
 * `/out/`, not undone by a later `!out` (or `!out/`, `!/out`, `!/out/`). Only these forms are recognised; another
 * pattern that happens to cover out/ (`out/**`, `*`) is not, and check then keeps out/ as a cache input.
 */
function ignoresOut(nxignore) {
  const forms = new Set([OUT, `${OUT}/`, `/${OUT}`, `/${OUT}/`]);
  let ignored = false;
  for (const line of nxignore.split(/\r?\n/)) {
    const pattern = line.trim();
    if (forms.has(pattern)) ignored = true;
    else if (pattern.startsWith('!') && forms.has(pattern.slice(1))) ignored = false;
  }
  return ignored;
}

/** The workspace's .nxignore, or '' when it has none. */
function readNxignore(workspaceRoot) {
  try {
    return readFileSync(join(workspaceRoot, '.nxignore'), 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * The projects of one spec. `outIgnored`: the workspace lists out/ in .nxignore, so Nx hashes none of its files and
 * an out/ input would match nothing (a hand edit of out/ would hit the cache); check is then not cached at all and
 * reads out/ itself on every run.
 *
 * generate is two targets. `archive` is the cached one: it generates the site into one file,
 * dist/clusterspec/<name>.archive.gz, its only output, so Nx stores and restores (locally or from the shared cache)
 * one file per site instead of copying every generated file in and out of its cache (about 50,000 for 200 sites,
 * which cost more than generating them). `generate` depends on it and is not cached: it unpacks that file into
 * out/<name>, which costs reads only when out/<name> already holds those files (the writer then leaves it).
 */
function projectFor(specFile, workspaceRoot, outIgnored, options) {
  const root = dirname(specFile);
  const name = clusterName(workspaceRoot, specFile);
  const archive = `${ARCHIVES}/${name}.archive.gz`;
  // The tool is code the results depend on: its version (the lock file) or, here, its sources (nx.json options).
  const inputs = [`{workspaceRoot}/${specFile}`, ...((options && options.inputs) || DEFAULT_INPUTS)];
  // Tasks to run first, e.g. this repository's build of the CLI (none in a sites repository: it installs it built).
  const before = (options && options.dependsOn) || [];
  const target = (command, extra) => ({ executor: EXECUTOR, options: { command, spec: specFile }, cache: true, dependsOn: before, inputs, ...extra });
  return {
    [root]: {
      name: `cluster-${name}`,
      tags: ['cluster'],
      targets: {
        archive: target('archive', { options: { command: 'archive', spec: specFile, archive }, outputs: [`{workspaceRoot}/${archive}`] }),
        generate: target('unpack', { options: { command: 'unpack', spec: specFile, archive }, cache: false, dependsOn: [...before, 'archive'] }),
        // `nx run-many -t lint -c sarif` writes reports/sarif/<name>.sarif (an output, so the cache restores it too).
        lint: target('lint', { outputs: [`{workspaceRoot}/reports/sarif/${name}.sarif`], configurations: { sarif: { sarif: `reports/sarif/${name}.sarif` } } }),
        check: target('check', outIgnored ? { cache: false } : { inputs: [...inputs, `{workspaceRoot}/${OUT}/${name}/**/*`] }),
      },
    },
  };
}

/** A glob (`*`, `**`, `{a,b}`) as a regular expression over '/'-separated paths. */
function globPattern(glob) {
  const source = glob.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\{([^}]*)\}/g, (_, options) => `(${options.split(',').join('|')})`);
  const anyDepth = '\u0000';
  return new RegExp(
    `^${source
      .replace(/\*\*\//g, anyDepth)
      .replace(/\*/g, '[^/]*')
      .split(anyDepth)
      .join('(.*/)?')}$`,
  );
}

// Nx matches this broad glob; the `specs` option narrows it, so a fleet repository chooses its own layout.
// Options (nx.json): specs (a glob), inputs (the cache inputs besides the spec), dependsOn (tasks to run first).
exports.createNodes = [
  '**/cluster.{yaml,toml}',
  async (specFiles, options, context) => {
    const wanted = globPattern((options && options.specs) || DEFAULT_SPECS);
    const outIgnored = ignoresOut(readNxignore(context.workspaceRoot));
    return specFiles
      .filter((specFile) => wanted.test(specFile))
      .map((specFile) => [specFile, { projects: projectFor(specFile, context.workspaceRoot, outIgnored, options) }]);
  },
];

exports.OUT = OUT;
exports.ARCHIVES = ARCHIVES;
exports.ignoresOut = ignoresOut;
