'use strict';
// npm run bench [-- --sizes 10,100,1000,5000 --runs 5 --memory-size 10000 --fleet-sites 200 --fleet-runs 3 --no-fleet --fleet-only --fleet-unbatched --no-deploy --write]
// Duration on the 2-core machine: 12 minutes measured for --sizes 1000,5000 --runs 3 --no-fleet --no-deploy at load
// 5–9 (bench/RESULTS.md); the defaults without fleet and deploy are estimated at 8–15 minutes by load; the fleet and
// the deploy add theirs. It prints its own at the end. Every part is a fixed number of runs: nothing loops on a result.
// Times validate, generate, lint and check as the CLI processes a user runs, next to two floors: `node -e 0`
// (process start) and bench/floor.js (the same paths, bytes and modes as generate writes, held in memory and
// written into a fresh folder by a minimal writer: the file-system cost of the output alone). Wall, user and
// system CPU time and peak RSS of the CLI come from GNU time; the floor times its writes itself. Each figure
// is the median of several runs, since the machine may be shared; each command and its floor run in pairs, one
// straight after the other, so that the load of the moment falls on both sides of a ratio. Each floor's kernel
// share (its system time over its CPU time) is printed: a floor mostly in the kernel is a slow file system, and
// every ratio against it shrinks. Last, one generate of a --memory-size site (10,000 hosts) for its peak RSS.
// Then the fleet (bench/fleet-workspace.js): a scratch fleet repository of synthetic sites of varied sizes, timed
// as one CLI process over every site (the floor), cold and cached `nx run-many`, and `nx affected` after one
// spec changes. Last, the deploy bundle over SSH (bench/deploy.js; --no-deploy skips it).
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, tmpdir, totalmem } = require('node:os');
const { join } = require('node:path');
const { stringify } = require('yaml');
const { syntheticSpec } = require('./make-spec');
const fleetWorkspace = require('./fleet-workspace');
const deployBench = require('./deploy');

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'packages/cli/bin/clusterspec.js');
const FLOOR = join(__dirname, 'floor.js');
const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

// --fleet-only: the fleet part alone (no node -e 0, seed lint or per-size rows).
const fleetOnly = process.argv.includes('--fleet-only');
const sizes = fleetOnly ? [] : option('sizes', '10,100,1000,5000').split(',').map(Number);
const runs = Number(option('runs', '5'));
const fleetSites = process.argv.includes('--no-fleet') ? 0 : Number(option('fleet-sites', '200'));
const fleetRuns = Number(option('fleet-runs', '3'));
const memorySize = fleetOnly ? 0 : Number(option('memory-size', '10000'));
const started = Date.now();
/** The fleet's site sizes in hosts, dealt in turn (13 is the synthetic site's fixed part: no workers). */
const FLEET_SIZES = [13, 16, 24, 40];

/** One run under GNU time: wall, user and system seconds, peak RSS in MB. */
function measure(command, args, spawnOptions = {}) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...spawnOptions });
  const last = result.stderr.trim().split('\n').pop();
  const [wall, user, system, rssKb] = last.split(' ').map(Number);
  if (![wall, user, system, rssKb].every(Number.isFinite)) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return { wall, user, system, rss: rssKb / 1024 };
}

/** One run of the floor: its own figures for the writes alone (no process start, no reading). */
function measureFloor(source, destination) {
  const result = spawnSync(process.execPath, [FLOOR, source, destination], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the floor failed:\n${result.stderr}`);
  const { wall, user, system } = JSON.parse(result.stdout);
  return { wall, user, system, rss: NaN };
}

function median(samples, key) {
  const sorted = samples.map((sample) => sample[key]).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A row's figures: the median of each over the samples. */
function summarise(label, samples) {
  const figures = { label, wall: median(samples, 'wall'), user: median(samples, 'user'), system: median(samples, 'system'), rss: median(samples, 'rss') };
  return { ...figures, cpu: figures.user + figures.system };
}

/** The median of each figure over `runs` runs; `prepare` runs before each, outside the clock. */
function timed(label, run, prepare, count = runs) {
  const samples = Array.from({ length: count }, () => {
    if (prepare) prepare();
    return run();
  });
  return summarise(label, samples);
}

/**
 * `count` pairs: `first` then `second` straight after it, `prepare` (if any) before each outside the clock;
 * returns both rows' medians and each pair's ratio of wall times (second over first).
 */
function pairedRuns(first, second, count = runs) {
  const a = [];
  const b = [];
  for (let index = 0; index < count; index += 1) {
    first.prepare?.();
    a.push(first.run());
    second.prepare?.();
    b.push(second.run());
  }
  return { first: summarise(first.label, a), second: summarise(second.label, b), ratios: b.map((sample, index) => sample.wall / a[index].wall) };
}

/** What share of a floor's CPU time the kernel took. */
const kernelShare = (figure) => `${((100 * figure.system) / (figure.cpu || 1)).toFixed(0)}%`;

function verdict(met, text) {
  return `- ${met ? 'met' : 'NOT met'}: ${text}`;
}

/**
 * The fleet: `fleetSites` synthetic sites in a scratch fleet repository, timed as one CLI process (the floors), then
 * through Nx twice: as committed (out/ hashed by Nx like any file) and with out/ listed in .nxignore (check then
 * uncached, bench/fleet-workspace.js). Returns the rows and the targets of both. Nx runs with each workspace's own
 * caches (emptied for the cold runs), daemon off, as this repository's .env says.
 */
function benchFleet(folder) {
  const specs = Array.from({ length: fleetSites }, (_, index) => {
    const name = `site-${String(index + 1).padStart(3, '0')}`;
    const spec = syntheticSpec(FLEET_SIZES[index % FLEET_SIZES.length]);
    spec.metadata.name = name;
    return { name, text: stringify(spec, { lineWidth: 0 }) };
  });
  const size = `${fleetSites} sites`;
  const workspace = join(folder, 'fleet');
  const files = fleetWorkspace.makeFleetWorkspace(workspace, specs);
  const floorOut = join(folder, 'floor-out');
  // The floor of generate is the same job as nx run-many -t generate: every site written into the repository's own
  // out/, which a clone has (committed) and which is current, so the CLI compares and leaves it. Generating into an
  // empty folder (no comparing, no replacing) is a second row, for reference.
  const emptyFloorOut = () => rmSync(floorOut, { recursive: true, force: true });
  const intoEmptyFolder = timed(
    'clusterspec generate, all sites, into an empty folder',
    () => measure(process.execPath, [fleetWorkspace.CLI, 'generate', '--quiet', ...files, '--out', floorOut], { cwd: workspace }),
    emptyFloorOut,
    fleetRuns,
  );
  emptyFloorOut();
  // The one-process runs each cold Nx run is held against (see pairedCold).
  const floorArgs = {
    generate: [fleetWorkspace.CLI, 'generate', '--quiet', ...files],
    lint: [fleetWorkspace.CLI, 'lint', '--quiet', ...files],
    check: [fleetWorkspace.CLI, 'check', '--quiet', ...files],
  };
  const committed = benchFleetThroughNx(workspace, specs, files, floorArgs, '');
  if (process.argv.includes('--fleet-unbatched')) {
    const { runMany, time, emptyCache } = nxTimers(workspace);
    committed.figures.unbatched = time('nx run-many -t generate --batch=false, cold', runMany('generate', '--batch=false'), emptyCache);
  }
  const ignoringOut = join(folder, 'fleet-nxignore');
  fleetWorkspace.makeFleetWorkspace(ignoringOut, specs, { ignoreOut: true });
  const ignored = benchFleetThroughNx(ignoringOut, specs, files, floorArgs, ' [out/ in .nxignore]');
  rmSync(ignoringOut, { recursive: true, force: true });
  const hosts = specs.reduce((sum, _spec, index) => sum + FLEET_SIZES[index % FLEET_SIZES.length], 0);
  const rows = [intoEmptyFolder, ...Object.values(committed.figures), ...Object.values(ignored.figures)].map((figure) => ({
    size,
    ...figure,
  }));
  return {
    rows,
    targets: [...committed.targets, ...ignored.targets],
    note: `Fleet: ${fleetSites} synthetic sites of ${FLEET_SIZES.join(', ')} hosts in turn (${hosts} hosts), median of ${fleetRuns} run(s), Nx daemon off, --parallel=2; each cold Nx run straight after a one-process run of the same job (a pair), the target judged on the medians.`,
  };
}

/** Timing helpers for Nx in one scratch fleet workspace. */
function nxTimers(workspace) {
  const inWorkspace = { cwd: workspace, env: fleetWorkspace.nxEnv(workspace) };
  const nx = (...args) => [fleetWorkspace.NX, ...args];
  return {
    inWorkspace,
    nx,
    runMany: (...targetsAndFlags) => {
      const flags = targetsAndFlags.filter((arg) => arg.startsWith('-'));
      const targets = targetsAndFlags.filter((arg) => !arg.startsWith('-'));
      return nx('run-many', '-t', ...targets, '--projects=tag:cluster', '--parallel=2', ...flags);
    },
    emptyCache: () => rmSync(join(workspace, '.nx/cache'), { recursive: true, force: true }),
    time: (label, args, prepare) => timed(label, () => measure(process.execPath, args, inWorkspace), prepare, fleetRuns),
  };
}

/**
 * Cold and cached `nx run-many`, and `nx affected` after one spec changed, in one fleet workspace; `suffix` names
 * its configuration in the labels. Each cold run is held against 1.5× the single-process floor's wall time, the
 * two measured in pairs: the load of a shared machine drifts by tens of per cent within minutes, and a floor timed
 * minutes before the run it judges made one run's verdict a coin toss.
 */
function benchFleetThroughNx(workspace, specs, files, floorArgs, suffix) {
  const { inWorkspace, nx, runMany, emptyCache, time } = nxTimers(workspace);
  // Nx's project graph, computed once as any later call finds it (the file hashes of a fresh clone).
  spawnSync(process.execPath, nx('show', 'projects'), { ...inWorkspace, encoding: 'utf8' });
  const label = (text) => `${text}${suffix}`;
  const floorLabels = {
    generate: 'clusterspec generate, all sites, over the committed out/ (floor)',
    lint: 'clusterspec lint, all sites (floor)',
    check: 'clusterspec check, all sites (floor)',
  };
  /** `fleetRuns` pairs of a one-process run (the floor) and, straight after it, a cold `nx run-many -t name`. */
  const pairedCold = (name) => {
    const floorSamples = [];
    const nxSamples = [];
    for (let index = 0; index < fleetRuns; index += 1) {
      floorSamples.push(measure(process.execPath, floorArgs[name], { cwd: workspace }));
      emptyCache();
      nxSamples.push(measure(process.execPath, runMany(name), inWorkspace));
    }
    return {
      floor: summarise(label(floorLabels[name]), floorSamples),
      cold: summarise(label(`nx run-many -t ${name}, cold`), nxSamples),
      ratios: nxSamples.map((sample, index) => sample.wall / floorSamples[index].wall),
    };
  };
  const pairs = Object.fromEntries(['generate', 'lint', 'check'].map((name) => [name, pairedCold(name)]));
  const figures = {};
  for (const [name, { floor, cold }] of Object.entries(pairs)) Object.assign(figures, { [`${name}Floor`]: floor, [`${name}Cold`]: cold });
  Object.assign(figures, {
    cachedGenerate: time(label('nx run-many -t generate, cached (out/ in place)'), runMany('generate')),
    restoredGenerate: time(label('nx run-many -t generate, cached (out/ deleted, restored)'), runMany('generate'), () =>
      rmSync(join(workspace, 'out'), { recursive: true, force: true }),
    ),
    cachedAll: time(label('nx run-many -t generate lint check, cached'), runMany('generate', 'lint', 'check')),
  });
  // One spec changes (a comment is enough for its hash): `affected` runs that one site.
  writeFileSync(join(workspace, files[0]), `${specs[0].text}# changed\n`);
  figures.affected = time(label('nx affected -t generate, one spec changed'), nx('affected', '-t', 'generate', '--base=HEAD'));
  const within = (name) => {
    const { floor, cold, ratios } = pairs[name];
    return verdict(
      cold.wall <= 1.5 * floor.wall,
      `cold nx run-many -t ${name} over ${fleetSites} sites${suffix} within 1.5× of one clusterspec ${name} of all of them: ${(cold.wall / floor.wall).toFixed(2)}× (${cold.wall.toFixed(2)} s vs ${floor.wall.toFixed(2)} s; each pair ${ratios.map((ratio) => `${ratio.toFixed(2)}×`).join(', ')}; CPU ${(cold.cpu / floor.cpu).toFixed(2)}×)`,
    );
  };
  return { figures, targets: ['generate', 'lint', 'check'].map(within) };
}

const cli = (label, args, prepare) => timed(label, () => measure(process.execPath, [CLI, ...args]), prepare);

const scratch = mkdtempSync(join(tmpdir(), 'clusterspec-bench-'));
const rows = [];
let written = '';
try {
  // node -e 0 and lint of the seed site in pairs, twice as many as the other rows: a 2× goal on 0.1 s figures.
  const seedPairs = fleetOnly
    ? undefined
    : pairedRuns(
        { label: 'node -e 0', run: () => measure(process.execPath, ['-e', '0']) },
        { label: 'lint seed-ha', run: () => measure(process.execPath, [CLI, 'lint', SEED]) },
        2 * runs + 1,
      );
  const nodeFloor = seedPairs?.first;
  const seedLint = seedPairs?.second;
  if (!fleetOnly) rows.push({ size: '-', ...nodeFloor }, { size: 'seed', ...seedLint });
  const bySize = new Map();
  for (const size of sizes) {
    const spec = join(scratch, `bench-${size}.yaml`);
    writeFileSync(spec, stringify(syntheticSpec(size), { lineWidth: 0 }));
    const out = join(scratch, 'out');
    const copy = join(scratch, 'floor');
    const fresh = (folder) => () => rmSync(folder, { recursive: true, force: true });
    // generate and the floor in pairs: generate into a fresh folder (as the floor writes: replacing a previous output
    // also deletes it), then the floor copies what it wrote into another fresh folder.
    const writes = pairedRuns(
      { label: 'generate', run: () => measure(process.execPath, [CLI, 'generate', spec, '--out', out]), prepare: fresh(out) },
      { label: 'floor: write from memory', run: () => measureFloor(join(out, `bench-${size}`), copy), prepare: fresh(copy) },
    );
    const figures = {
      validate: cli('validate', ['validate', spec]),
      generate: { ...writes.first, ratios: writes.ratios.map((value) => 1 / value) },
      lint: cli('lint', ['lint', spec]),
      check: cli('check', ['check', spec, '--out', out]),
      floor: { ...writes.second, label: `floor: write from memory (kernel ${kernelShare(writes.second)} of its CPU)` },
    };
    bySize.set(size, figures);
    for (const figure of Object.values(figures)) rows.push({ size, ...figure });
    fresh(out)();
    fresh(copy)();
  }

  const seconds = (value) => value.toFixed(2);
  const row = (figure) =>
    `| ${figure.size} | ${figure.label} | ${seconds(figure.wall)} | ${seconds(figure.user)} | ${seconds(figure.system)} | ${seconds(figure.cpu)} | ${Number.isNaN(figure.rss) ? '-' : figure.rss.toFixed(0)} |`;
  const table = ['| hosts | command | wall s | user s | sys s | CPU s | peak RSS MB |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |', ...rows.map(row)];
  const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
  const targets = [];
  const pairs = (ratios) => ratios.map((value) => `${value.toFixed(2)}×`).join(', ');
  if (!fleetOnly)
    targets.push(
      verdict(
        seedLint.wall <= 2 * nodeFloor.wall,
        `lint of the seed site within 2× the wall time of node -e 0: ${ratio(seedLint.wall, nodeFloor.wall)} (${(1000 * seedLint.wall).toFixed(0)} ms vs ${(1000 * nodeFloor.wall).toFixed(0)} ms, medians of ${seedPairs.ratios.length} pairs; CPU ${ratio(seedLint.cpu, nodeFloor.cpu)}; pairs ${pairs(seedPairs.ratios)})`,
      ),
    );
  const largest = bySize.get(5000);
  if (largest) {
    const { generate, floor } = largest;
    targets.push(
      verdict(
        generate.wall <= 1.5 * floor.wall,
        `generate at 5,000 hosts within 1.5× the floor's wall time: ${ratio(generate.wall, floor.wall)} (${seconds(generate.wall)} s vs ${seconds(floor.wall)} s; pairs ${pairs(generate.ratios)}; the floor spent ${kernelShare(floor)} of its CPU in the kernel, ${seconds(floor.system)} s, generate ${seconds(generate.system)} s)`,
      ),
    );
    targets.push(
      verdict(
        generate.user <= 2 * floor.user,
        `generate at 5,000 hosts within 2× the floor's user CPU: ${ratio(generate.user, floor.user)} (${seconds(generate.user)} s vs ${seconds(floor.user)} s; CPU ${ratio(generate.cpu, floor.cpu)})`,
      ),
    );
    targets.push(verdict(generate.rss < 512, `generate at 5,000 hosts under 512 MB peak RSS (${generate.rss.toFixed(0)} MB)`));
  }
  const thousand = bySize.get(1000);
  if (thousand && largest) {
    for (const command of ['validate', 'generate', 'lint', 'check']) {
      const growth = largest[command].wall / thousand[command].wall;
      targets.push(verdict(growth <= 6, `${command} from 1,000 to 5,000 hosts grows ${growth.toFixed(1)}× (at most 6×)`));
    }
  }
  if (memorySize > 0) {
    const spec = join(scratch, `bench-${memorySize}.yaml`);
    writeFileSync(spec, stringify(syntheticSpec(memorySize), { lineWidth: 0 }));
    const out = join(scratch, 'out');
    rmSync(out, { recursive: true, force: true });
    const memory = {
      size: memorySize,
      ...timed('generate (one run, for its peak RSS)', () => measure(process.execPath, [CLI, 'generate', spec, '--out', out]), undefined, 1),
    };
    rmSync(out, { recursive: true, force: true });
    table.push(row(memory));
    targets.push(verdict(memory.rss <= 600, `generate at ${memorySize.toLocaleString('en-US')} hosts at most 600 MB peak RSS: ${memory.rss.toFixed(0)} MB`));
    if (largest && memorySize === 10000)
      targets.push(
        verdict(
          memory.rss <= 2.2 * largest.generate.rss,
          `generate's peak RSS grows linearly, 5,000 to 10,000 hosts at most 2.2×: ${(memory.rss / largest.generate.rss).toFixed(2)}× (${largest.generate.rss.toFixed(0)} MB to ${memory.rss.toFixed(0)} MB)`,
        ),
      );
  }
  let fleetNote = '';
  if (fleetSites > 0) {
    const fleet = benchFleet(scratch);
    table.push(...fleet.rows.map(row));
    targets.push(...fleet.targets);
    fleetNote = `\n${fleet.note}`;
  }
  const machine = `${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${fleetOnly ? '' : `, median of ${runs} runs`}`;
  const duration = `Duration: ${((Date.now() - started) / 60000).toFixed(1)} min (before the deploy part).`;
  const report = [`Machine: ${machine}${fleetNote}`, duration, '', ...table, '', 'Targets:', ...targets, ''].join('\n');
  process.stdout.write(report);
  written = report;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// Last, the deploy bundle over SSH; RESULTS.md keeps the deploy section it had when that part is skipped.
async function finish() {
  const results = join(__dirname, 'RESULTS.md');
  const earlier = existsSync(results) ? deployBench.sectionOf(readFileSync(results, 'utf8')) : undefined;
  const deploy = process.argv.includes('--no-deploy') ? undefined : await deployBench.benchDeploy();
  if (deploy) process.stdout.write(`\n${deploy}`);
  if (process.argv.includes('--write')) {
    const text = `# Benchmark results\n\nFrom \`npm run bench -- --write\`. The synthetic sites come from bench/make-spec.js.\n\n${written}`;
    // The deploy section measured now replaces the earlier one; sections after it (the VIP fault figures) stay.
    const tail = deploy && earlier ? deployBench.withSection(`\n${earlier}`, deploy).slice(1) : (deploy ?? earlier);
    writeFileSync(results, tail ? `${text}\n${tail}` : text);
  }
}
finish().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
