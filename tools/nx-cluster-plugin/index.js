'use strict';
// Nx inference plugin: every cluster spec matched by the glob (nx.json, option `specs`) becomes a project
// with cacheable generate, lint and check targets. Plain JavaScript: a .ts plugin costs a register step per call.
const { readFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');

const DEFAULT_SPECS = 'fixtures/*/cluster.{yaml,toml}';
// The executor of this folder (executors.json), named by its path from the workspace root.
const EXECUTOR = './tools/nx-cluster-plugin:clusterspec';

/** metadata.name without loading the whole spec: the plugin runs on every Nx call. */
function clusterName(workspaceRoot, specFile) {
  const text = readFileSync(join(workspaceRoot, specFile), 'utf8');
  const match = specFile.endsWith('.toml')
    ? /^\[metadata\][^[]*?^\s*name\s*=\s*"([^"]+)"/ms.exec(text)
    : /^metadata:\s*\n(?:\s+#.*\n)*\s+name:\s*["']?([a-z0-9-]+)/m.exec(text);
  return match ? match[1] : basename(dirname(specFile));
}

function projectFor(specFile, workspaceRoot) {
  const root = dirname(specFile);
  const name = clusterName(workspaceRoot, specFile);
  // The executor is code the results depend on, like the packages' sources.
  const inputs = [`{workspaceRoot}/${specFile}`, 'sources', '{workspaceRoot}/tools/nx-cluster-plugin/**/*'];
  const dependsOn = [{ projects: ['clusterspec'], target: 'build' }];
  const target = (command, extra) => ({ executor: EXECUTOR, options: { command, spec: specFile }, cache: true, dependsOn, inputs, ...extra });
  return {
    [root]: {
      name: `cluster-${name}`,
      tags: ['cluster'],
      targets: {
        generate: target('generate', { outputs: [`{workspaceRoot}/out/${name}`] }),
        // `nx run-many -t lint -c sarif` writes reports/sarif/<name>.sarif (an output, so the cache restores it too).
        lint: target('lint', { outputs: [`{workspaceRoot}/reports/sarif/${name}.sarif`], configurations: { sarif: { sarif: `reports/sarif/${name}.sarif` } } }),
        check: target('check', { inputs: [...inputs, `{workspaceRoot}/out/${name}/**/*`] }),
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
exports.createNodes = [
  '**/cluster.{yaml,toml}',
  async (specFiles, options, context) => {
    const wanted = globPattern((options && options.specs) || DEFAULT_SPECS);
    return specFiles.filter((specFile) => wanted.test(specFile)).map((specFile) => [specFile, { projects: projectFor(specFile, context.workspaceRoot) }]);
  },
];
