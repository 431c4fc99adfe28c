'use strict';
// The main export of @clusterspec/cli: the CLI's main module (main(argv, io) and the library functions beside it),
// from the bundle as the build lays it out in runtime/ (scripts/package-runtime.js), in the published package and in
// this repository alike.
// Compiled with its V8 code cache (runtime/packages/cli/dist/bundle.cache) when that was made for exactly these
// bytes by this Node; otherwise from source (bundle-loader.js).
const { join } = require('node:path');
const { loadBundle } = require('./bundle-loader');

module.exports = loadBundle(join(__dirname, '../runtime/packages/cli/dist/bundle.js')).exports.load();
