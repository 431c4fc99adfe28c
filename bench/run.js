'use strict';
// npm run bench [-- --sizes 10,100,1000,5000 --runs 3 --write]
// Times validate, generate, lint and check as the CLI processes a user runs, next to two floors:
// `node -e 0` (process start) and `cp -r` of the generated tree (the file-system cost of writing it).
// Wall and CPU time and peak RSS come from GNU time; each figure is the median of several runs.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, tmpdir, totalmem } = require('node:os');
const { join } = require('node:path');
const { stringify } = require('yaml');
const { syntheticSpec } = require('./make-spec');

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'packages/cli/bin/clusterspec.js');
const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const sizes = option('sizes', '10,100,1000,5000').split(',').map(Number);
const runs = Number(option('runs', '3'));

/** One run under GNU time: wall seconds, CPU seconds (user + system), peak RSS in MB. */
function measure(command, args, prepare) {
  if (prepare) prepare();
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const last = result.stderr.trim().split('\n').pop();
  const [wall, user, system, rssKb] = last.split(' ').map(Number);
  if (![wall, user, system, rssKb].every(Number.isFinite)) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return { wall, cpu: user + system, rss: rssKb / 1024 };
}

function median(samples, key) {
  const sorted = samples.map((sample) => sample[key]).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timed(label, command, args, prepare) {
  const samples = Array.from({ length: runs }, () => measure(command, args, prepare));
  return { label, wall: median(samples, 'wall'), cpu: median(samples, 'cpu'), rss: median(samples, 'rss') };
}

const scratch = mkdtempSync(join(tmpdir(), 'clusterspec-bench-'));
const rows = [];
try {
  const nodeFloor = timed('node -e 0', process.execPath, ['-e', '0']);
  const seedLint = timed('lint seed-ha', process.execPath, [CLI, 'lint', SEED]);
  rows.push({ size: '-', ...nodeFloor }, { size: 'seed', ...seedLint });
  const bySize = new Map();
  for (const size of sizes) {
    const spec = join(scratch, `bench-${size}.yaml`);
    writeFileSync(spec, stringify(syntheticSpec(size), { lineWidth: 0 }));
    const out = join(scratch, 'out');
    const copy = join(scratch, 'copy');
    const figures = {
      validate: timed('validate', process.execPath, [CLI, 'validate', spec]),
      generate: timed('generate', process.execPath, [CLI, 'generate', spec, '--out', out]),
      lint: timed('lint', process.execPath, [CLI, 'lint', spec]),
      check: timed('check', process.execPath, [CLI, 'check', spec, '--out', out]),
      copy: timed('cp -r (floor)', 'cp', ['-r', join(out, `bench-${size}`), copy], () => rmSync(copy, { recursive: true, force: true })),
    };
    bySize.set(size, figures);
    for (const figure of Object.values(figures)) rows.push({ size, ...figure });
    rmSync(out, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }

  const table = [
    '| hosts | command | wall s | CPU s | peak RSS MB |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows.map((row) => `| ${row.size} | ${row.label} | ${row.wall.toFixed(2)} | ${row.cpu.toFixed(2)} | ${row.rss.toFixed(0)} |`),
  ];
  const verdict = (met, text) => `- ${met ? 'met' : 'NOT met'}: ${text}`;
  const targets = [verdict(seedLint.wall <= 3 * nodeFloor.wall, `lint of the seed site within 3× of node -e 0 (${seedLint.wall.toFixed(2)} s vs ${(3 * nodeFloor.wall).toFixed(2)} s)`)];
  const largest = bySize.get(5000);
  if (largest) {
    targets.push(verdict(largest.generate.wall <= 2 * largest.copy.wall, `generate at 5,000 hosts within 2× of the cp -r floor (${largest.generate.wall.toFixed(2)} s vs ${(2 * largest.copy.wall).toFixed(2)} s)`));
    targets.push(verdict(largest.generate.rss < 512, `generate at 5,000 hosts under 512 MB peak RSS (${largest.generate.rss.toFixed(0)} MB)`));
  }
  const thousand = bySize.get(1000);
  if (thousand && largest) {
    for (const command of ['validate', 'generate', 'lint', 'check']) {
      const growth = largest[command].wall / thousand[command].wall;
      targets.push(verdict(growth <= 6, `${command} from 1,000 to 5,000 hosts grows ${growth.toFixed(1)}× (at most 6×)`));
    }
  }
  const machine = `${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, median of ${runs} runs`;
  const report = [`Machine: ${machine}`, '', ...table, '', 'Targets:', ...targets, ''].join('\n');
  process.stdout.write(report);
  if (process.argv.includes('--write')) {
    writeFileSync(join(__dirname, 'RESULTS.md'), `# Benchmark results\n\nFrom \`npm run bench -- --write\`. The synthetic sites come from bench/make-spec.js.\n\n${report}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
