#!/usr/bin/env node
'use strict';
const { join } = require('node:path');
const { bundleStamp } = require('./bundle-stamp');

/**
 * The CLI as one file (dist/bundle.js, made by `npm run build`: see scripts/bundle.js for why), or, when that
 * is missing or older than the last tsc build, the compiled modules themselves: slower to load, never stale.
 */
function loadCli() {
  try {
    const bundle = require('../dist/bundle.js');
    if (bundle.stamp === bundleStamp(join(__dirname, '../../..'))) return bundle.load();
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('bundle.js')) throw error;
  }
  return require('../dist/main.js');
}

loadCli()
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
