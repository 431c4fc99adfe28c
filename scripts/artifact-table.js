#!/usr/bin/env node
'use strict';
// Writes the README's "What it makes" table from the descriptors every generator package exports (run
// after `npm run build`). tests/operator/artifacts.test.ts fails when the README's table is stale.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const README = join(ROOT, 'README.md');
const { ARTIFACT_DESCRIPTORS } = require(join(ROOT, 'packages/generators/dist/index.js'));
const { withArtifactTable } = require(join(ROOT, 'packages/cli/dist/artifact-table.js'));

writeFileSync(README, withArtifactTable(readFileSync(README, 'utf8'), ARTIFACT_DESCRIPTORS));
