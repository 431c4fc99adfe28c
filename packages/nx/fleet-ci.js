#!/usr/bin/env node
'use strict';
// The two steps of the fleet's CI workflow (docs/ci/fleet.yml) that are not Nx's own, the bin clusterspec-fleet-ci
// of @clusterspec/nx:
//   npx clusterspec-fleet-ci shards N < projects.json     the projects (`nx show projects --json`) in N shards, as
//                                                         GitHub Actions outputs: matrix=<json> and count=<projects>
//   npx clusterspec-fleet-ci merge-sarif FILE...          one SARIF log of every shard's files, on stdout
const { readFileSync } = require('node:fs');

/**
 * `projects` in at most `count` shards of near-equal size: sorted, then dealt round-robin, so a project keeps its
 * shard while the set is unchanged and the shards differ by one project at most. Empty shards are left out.
 */
function shards(projects, count) {
  if (!Number.isInteger(count) || count < 1) throw new Error(`the number of shards must be a whole number of at least 1, not ${count}`);
  const sorted = [...new Set(projects)].sort();
  const dealt = Array.from({ length: Math.min(count, sorted.length) }, () => []);
  sorted.forEach((project, index) => dealt[index % dealt.length].push(project));
  return dealt.map((members, index) => ({ shard: index + 1, projects: members.join(',') }));
}

/**
 * Several SARIF 2.1.0 logs of clusterspec lint as one log with one run: the results of every run, the rules of
 * every run once (by id), each result's ruleIndex pointing into that union. One run of one tool under one category
 * is what GitHub code scanning keeps per upload.
 */
function mergeSarif(logs) {
  if (logs.length === 0) throw new Error('no SARIF file to merge');
  const rules = [];
  const indexOf = new Map();
  const results = [];
  let driver;
  for (const log of logs) {
    for (const run of log.runs || []) {
      driver = driver || run.tool.driver;
      for (const rule of run.tool.driver.rules || []) {
        if (!indexOf.has(rule.id)) {
          indexOf.set(rule.id, rules.length);
          rules.push(rule);
        }
      }
      for (const result of run.results || []) results.push(result.ruleId === undefined ? result : { ...result, ruleIndex: indexOf.get(result.ruleId) });
    }
  }
  const first = logs[0];
  return { $schema: first.$schema, version: first.version, runs: [{ tool: { driver: { ...driver, rules } }, results }] };
}

function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'shards') {
    const projects = JSON.parse(readFileSync(0, 'utf8'));
    const matrix = { include: shards(projects, Number(rest[0])) };
    process.stdout.write(`matrix=${JSON.stringify(matrix)}\ncount=${projects.length}\n`);
    return 0;
  }
  if (command === 'merge-sarif') {
    process.stdout.write(`${JSON.stringify(mergeSarif(rest.map((file) => JSON.parse(readFileSync(file, 'utf8')))), null, 2)}\n`);
    return 0;
  }
  process.stderr.write('clusterspec-fleet-ci: usage: clusterspec-fleet-ci shards N < projects.json | clusterspec-fleet-ci merge-sarif FILE...\n');
  return 2;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`fleet-ci: ${error.message}\n`);
    process.exitCode = 2;
  }
}

module.exports = { shards, mergeSarif };
