#!/usr/bin/env node
'use strict';
const { join } = require('node:path');
const { bundleStamp } = require('./bundle-stamp');
const { loadBundle } = require('../lib/bundle-loader');

/**
 * The CLI as one file (dist/bundle.js, made by `npm run build`: see scripts/bundle.js for why), compiled with its
 * code cache when that is valid (bundle-loader.js), or, when the bundle is missing or older than the last tsc
 * build, the compiled modules themselves: slower to load, never stale.
 */
function loadCli() {
  const file = join(__dirname, '../dist/bundle.js');
  try {
    const bundle = loadBundle(file).exports;
    if (bundle.stamp === bundleStamp(join(__dirname, '../../..'))) return bundle.load();
  } catch (error) {
    if (error.code !== 'ENOENT' || error.path !== file) throw error;
  }
  return require('../dist/main.js');
}

loadCli()
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
