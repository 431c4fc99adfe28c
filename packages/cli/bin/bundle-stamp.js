'use strict';
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

/**
 * Which build a bundle (scripts/bundle.js) was made from: the modification times of every package's
 * tsconfig.tsbuildinfo (tsc -b rewrites it whenever it emits) and of the standalone schema validator. A
 * bundle whose stamp differs from the tree's is stale and is not used. About a dozen stat calls.
 */
function bundleStamp(root) {
  const packages = join(root, 'packages');
  const files = readdirSync(packages)
    .sort()
    .map((name) => join(packages, name, 'tsconfig.tsbuildinfo'));
  files.push(join(packages, 'spec/dist/cluster-validator.js'));
  // Whole milliseconds: what a Date (utimes, copies, archives) keeps of a modification time.
  return files.map((file) => Math.trunc(statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1)).join(' ');
}

module.exports = { bundleStamp };
