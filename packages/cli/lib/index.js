'use strict';
// The main export of @clusterspec/cli: the CLI's main module (main(argv, io) and the library functions beside it),
// from the bundle as the build lays it out in runtime/ (scripts/package-runtime.js), in the published package and in
// this repository alike.
module.exports = require('../runtime/packages/cli/dist/bundle.js').load();
