#!/usr/bin/env node
'use strict';
// Run by `npm ci` (prepare): point git at .githooks/ so the pre-commit hook runs. Outside a git
// checkout (a tarball, a container build) there is nothing to install. @clusterspec/cli ships it as the bin
// clusterspec-install-git-hook, the `prepare` of a sites repository made by `clusterspec init --repo`.
const { spawnSync } = require('node:child_process');

const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' });
if (inside.status === 0 && inside.stdout.trim() === 'true') {
  spawnSync('git', ['config', 'core.hooksPath', '.githooks'], { stdio: 'inherit' });
}
