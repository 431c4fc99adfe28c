#!/usr/bin/env node
'use strict';
// Writes the artifact table of docs/artifacts.md from the descriptors every generator package exports (run
// after `npm run build`). tests/operator/artifacts.test.ts fails when the committed table is stale.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const PAGE = join(ROOT, 'docs/artifacts.md');
const { ARTIFACT_DESCRIPTORS } = require(join(ROOT, 'packages/generators/dist/index.js'));
const { withArtifactTable } = require(join(ROOT, 'packages/cli/dist/artifact-table.js'));

writeFileSync(PAGE, withArtifactTable(readFileSync(PAGE, 'utf8'), ARTIFACT_DESCRIPTORS));
