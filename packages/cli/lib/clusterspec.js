#!/usr/bin/env node
'use strict';
// The bin of @clusterspec/cli, installed or in this repository (node_modules/.bin/clusterspec, which the pre-commit
// hook runs): the bundled CLI of runtime/, through the package's main export.
require('./index.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
