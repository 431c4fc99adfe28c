'use strict';
// Build step after scripts/bundle.js: lays out runtime/, what the published @clusterspec/cli carries (package.json
// `files`), so that an install needs no other @clusterspec package and no file of this repository:
//
//   runtime/packages/cli/dist/bundle.js   the bundle (every @clusterspec module and most npm modules in one file)
//   runtime/packages/cli/dist/bundle.cache   its V8 code cache (used only by the Node that made it)
//   runtime/packages/*/templates/         the EJS templates the generators read beside their module
//   runtime/docs/rules/, docs/ci/         the rule docs (`clusterspec explain`), the fleet CI workflow (`init --repo`)
//   runtime/.githooks/pre-commit          the pre-commit hook and the script that installs it (`init --repo`)
//   runtime/scripts/install-git-hook.js
//   runtime/schemas/cluster.schema.json   the spec's schema, for editors (export "./cluster.schema.json")
//
// lib/index.js (the main export) and lib/clusterspec.js (the bin) load the bundle from here; they are committed, so
// npm links the bin when it installs the workspace, before the build has made runtime/.
// The bundle names each module by its path from the repository root and finds that root three folders above
// itself; under runtime/ the same paths hold, so a template read beside its module, or the rule docs read from the
// root, are found in the installed package as in this repository. Requires the bundle leaves to Node (Graphviz,
// Ajv's compiler) resolve upwards from runtime/ into the node_modules the package's dependencies are installed in.
// This repository loads the same files (its Nx executor requires '@clusterspec/cli', its hook runs the bin).
//
//   node packages/cli/scripts/package-runtime.js           (re)write runtime/
//   node packages/cli/scripts/package-runtime.js --check   only say whether runtime/ is complete (scripts/test.sh, before
//                                                          npm pack; not a prepack script, which would make npm build a
//                                                          git install of the package from its devDependencies)
const { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const CLI = join(__dirname, '..');
const ROOT = join(CLI, '../..');
const RUNTIME = join(CLI, 'runtime');
const BUNDLE = 'packages/cli/dist/bundle.js';
/** V8's code cache of the bundle (scripts/bundle.js), which lib/bundle-loader.js uses when it fits this Node. */
const BUNDLE_CACHE = 'packages/cli/dist/bundle.cache';

/** Files of the repository the runtime holds at the same path (folders with everything in them). */
function copiedPaths() {
  const templates = readdirSync(join(ROOT, 'packages'))
    .sort()
    .map((name) => `packages/${name}/templates`)
    .filter((path) => existsSync(join(ROOT, path)));
  return [
    BUNDLE,
    BUNDLE_CACHE,
    ...templates,
    'docs/rules',
    'docs/ci/fleet.yml',
    '.githooks/pre-commit',
    'scripts/install-git-hook.js',
    'schemas/cluster.schema.json',
  ];
}

function check() {
  const missing = copiedPaths().filter((path) => !existsSync(join(RUNTIME, path)));
  if (missing.length > 0) {
    process.stderr.write(`@clusterspec/cli: runtime/ lacks ${missing.join(', ')}: run \`npm run build\` at the repository root before packing\n`);
    return 1;
  }
  return 0;
}

function write() {
  const missing = copiedPaths().filter((path) => !existsSync(join(ROOT, path)));
  if (missing.length > 0) throw new Error(`package-runtime: ${missing.join(', ')} missing (run the build steps before this one)`);
  rmSync(RUNTIME, { recursive: true, force: true });
  for (const path of copiedPaths()) {
    mkdirSync(join(RUNTIME, path, '..'), { recursive: true });
    cpSync(join(ROOT, path), join(RUNTIME, path), { recursive: true });
  }
  chmodSync(join(RUNTIME, '.githooks/pre-commit'), 0o755);
  process.stdout.write('packages/cli/runtime: the published layout of @clusterspec/cli\n');
  return 0;
}

process.exitCode = process.argv.includes('--check') ? check() : write();
