#!/usr/bin/env node
'use strict';
// Writes docs/rules/README.md, the rule table, from the rules @clusterspec/lint exports (run after
// `npm run build`). tests/operator/rule-table.test.ts fails when the committed table is stale.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const { rules, ruleTable } = require(join(ROOT, 'packages/lint/dist/index.js'));
const { LOAD_CHECKS } = require(join(ROOT, 'packages/spec/dist/index.js'));

writeFileSync(join(ROOT, 'docs/rules/README.md'), ruleTable(rules, Object.values(LOAD_CHECKS)));
