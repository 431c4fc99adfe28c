/**
 * The Nx executor of the cluster projects (packages/nx/executor.js): batched (Nx's default here, through
 * `preferBatch`) and one process per task (`--batch=false`) write the same out/ as the CLI itself; in a batch every
 * task keeps its own exit status and output, shown under its own header and replayed from the cache. generate is
 * the cached `archive` target (one file per site in Nx's cache) and an uncached unpack of it into out/.
 * A scratch fleet repository of three sites (bench/fleet-workspace.js); about 30 s.
 * Needs `npm run build` (the executor loads packages/cli/dist).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ROOT } from '../support/fixtures';
import { fleet, sectionOf, treeDifferences } from '../support/fleet';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(180000));

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin is plain CommonJS, typed here
const executor = require('@clusterspec/nx/executor') as {
  argvOf(options: Record<string, string>, workspaceRoot: string): string[];
  runOrder(taskGraph: { tasks: Record<string, unknown>; dependencies: Record<string, string[]> }, inputs: Record<string, { command: string }>): string[];
};

const BROKEN = readFileSync(join(ROOT, 'fixtures/broken/consul-four-servers/cluster.yaml'), 'utf8');
/** What lint prints for a site without an error. */
const CLEAN = /(no problems|\(0 errors, )/;
const RUN = ['run-many', '--projects=tag:cluster', '--output-style=static'];

describe('executor options and order', () => {
  it('turns each command into the CLI arguments, paths from the workspace root', () => {
    const root = process.cwd();
    expect(executor.argvOf({ command: 'generate', spec: 'sites/a/cluster.yaml' }, root)).toEqual(['generate', 'sites/a/cluster.yaml', '--out', 'out']);
    expect(executor.argvOf({ command: 'check', spec: 'sites/a/cluster.yaml', out: 'elsewhere' }, root)).toEqual([
      'check',
      'sites/a/cluster.yaml',
      '--out',
      'elsewhere',
    ]);
    expect(executor.argvOf({ command: 'lint', spec: 'sites/a/cluster.yaml', sarif: 'reports/a.sarif' }, root)).toEqual([
      'lint',
      'sites/a/cluster.yaml',
      '--format',
      'sarif',
    ]);
    expect(executor.argvOf({ command: 'archive', spec: 'sites/a/cluster.yaml', archive: 'dist/clusterspec/a.archive.gz' }, root)).toEqual([
      'generate',
      'sites/a/cluster.yaml',
      '--archive',
      'dist/clusterspec/a.archive.gz',
    ]);
    expect(executor.argvOf({ command: 'unpack', spec: 'sites/a/cluster.yaml', archive: 'dist/clusterspec/a.archive.gz' }, root)).toEqual([
      'unpack',
      'dist/clusterspec/a.archive.gz',
      '--out',
      'out',
    ]);
    expect(() => executor.argvOf({ command: 'unpack', spec: 'x' }, root)).toThrow(/unpack needs the option "archive"/);
    expect(() => executor.argvOf({ command: 'render', spec: 'x' }, root)).toThrow(/unknown command "render"/);
  });

  it('runs every check before any generate of the batch, a task after its dependencies, and an unpack right after its archive', () => {
    const tasks = { 'b:generate': {}, 'a:check': {}, 'a:generate': {}, 'b:lint': {}, 'c:check': {}, 'd:unpack': {}, 'd:archive': {} };
    const inputs = {
      'b:generate': { command: 'generate' },
      'a:check': { command: 'check' },
      'a:generate': { command: 'generate' },
      'b:lint': { command: 'lint' },
      'c:check': { command: 'check' },
      'd:unpack': { command: 'unpack' },
      'd:archive': { command: 'archive' },
    };
    expect(executor.runOrder({ tasks, dependencies: {} }, inputs)).toEqual([
      'a:check',
      'c:check',
      'b:lint',
      'a:generate',
      'b:generate',
      'd:archive',
      'd:unpack',
    ]);
    // c:check waits for b:generate when it depends on it (a dependency inside the batch).
    expect(executor.runOrder({ tasks, dependencies: { 'c:check': ['b:generate'] } }, inputs)).toEqual([
      'a:check',
      'b:lint',
      'a:generate',
      'b:generate',
      'c:check',
      'd:archive',
      'd:unpack',
    ]);
    // The plugin's generate of a site is <project>:archive, then <project>:generate (an unpack depending on it):
    // each unpack comes right after its own archive, not after every archive of the batch.
    const sites = ['x', 'x-y', 'z'];
    const pairs = Object.fromEntries(
      sites.flatMap((site) => [
        [`${site}:archive`, {}],
        [`${site}:generate`, {}],
      ]),
    );
    const pairInputs = Object.fromEntries(
      sites.flatMap((site) => [
        [`${site}:archive`, { command: 'archive' }],
        [`${site}:generate`, { command: 'unpack' }],
      ]),
    );
    const pairDependencies = Object.fromEntries(sites.map((site) => [`${site}:generate`, [`${site}:archive`]]));
    expect(executor.runOrder({ tasks: pairs, dependencies: pairDependencies }, pairInputs)).toEqual([
      'x-y:archive',
      'x-y:generate',
      'x:archive',
      'x:generate',
      'z:archive',
      'z:generate',
    ]);
  });
});

describe('a fleet of three sites through Nx', () => {
  let scratch: string;
  let workspace: string;
  let expected: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-executor-'));
    workspace = join(scratch, 'fleet');
    fleet.makeFleetWorkspace(workspace, [
      { name: 'alpha', text: fleet.modernSpec('alpha') },
      { name: 'beta', text: fleet.modernSpec('beta') },
      { name: 'four-servers', text: BROKEN },
    ]);
    // The CLI's own output (makeFleetWorkspace generated out/ with `clusterspec generate`), kept aside.
    expected = join(scratch, 'expected');
    cpSync(join(workspace, 'out'), expected, { recursive: true, verbatimSymlinks: true });
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('batched: one process runs every task, out/ is what the CLI writes, each task has its own status and output', () => {
    rmSync(join(workspace, 'out'), { recursive: true, force: true });
    const { status, output } = fleet.nx(workspace, [...RUN, '-t', 'generate', 'lint']);
    // The broken site's lint fails (exit 1 of its task), so the run fails; every other task succeeds.
    expect(status).toBe(1);
    // archive, generate (the unpack) and lint of three sites.
    expect(output).toMatch(/Running 9 tasks with @clusterspec\/nx:clusterspec/);
    expect(output).toMatch(/Failed tasks:\s*\n\s*- cluster-broken-consul-four-servers:lint\s*\n/);
    expect(sectionOf(output, 'cluster-broken-consul-four-servers:lint')).toMatch(/error 4 Consul server members.*consul-quorum/);
    // modern's copies lint without an error (no problems, or infos and warnings only).
    expect(sectionOf(output, 'cluster-alpha:lint')).toMatch(CLEAN);
    expect(sectionOf(output, 'cluster-alpha:lint')).not.toMatch(/consul-quorum/);
    expect(sectionOf(output, 'cluster-beta:archive')).toMatch(/sites\/beta\/cluster\.yaml: archived 152 files in dist\/clusterspec\/beta\.archive\.gz/);
    expect(sectionOf(output, 'cluster-beta:generate')).toMatch(/dist\/clusterspec\/beta\.archive\.gz: wrote 152 files to out\/beta/);
    expect(treeDifferences(join(workspace, 'out'), expected)).toEqual([]);
  });

  it('a cached generate unpacks the cached archive: out/ restored when deleted, a hand edit undone, a current folder left as it was', () => {
    rmSync(join(workspace, 'out'), { recursive: true, force: true });
    const restored = fleet.nx(workspace, [...RUN, '-t', 'generate']);
    expect(restored.status).toBe(0);
    expect(sectionOf(restored.output, 'cluster-alpha:archive')).toMatch(/\[local cache\]/);
    expect(sectionOf(restored.output, 'cluster-alpha:generate')).toMatch(/wrote 152 files to out\/alpha/);
    expect(treeDifferences(join(workspace, 'out'), expected)).toEqual([]);

    writeFileSync(join(workspace, 'out/alpha/topology.svg'), 'edited by hand\n');
    const undone = fleet.nx(workspace, [...RUN, '-t', 'generate']);
    expect(undone.status).toBe(0);
    expect(sectionOf(undone.output, 'cluster-alpha:generate')).toMatch(/wrote 152 files to out\/alpha/);
    expect(sectionOf(undone.output, 'cluster-beta:generate')).toMatch(/out\/beta already holds these 152 files; left as it was/);
    expect(treeDifferences(join(workspace, 'out'), expected)).toEqual([]);
  });

  it('replays each task its own output from the cache (a failed task is not cached: it runs again)', () => {
    const { status, output } = fleet.nx(workspace, [...RUN, '-t', 'lint']);
    expect(status).toBe(1);
    expect(sectionOf(output, 'cluster-alpha:lint')).toMatch(new RegExp(`\\[local cache\\][^]*${CLEAN.source}`));
    expect(sectionOf(output, 'cluster-beta:lint')).toMatch(new RegExp(`\\[local cache\\][^]*${CLEAN.source}`));
    expect(sectionOf(output, 'cluster-broken-consul-four-servers:lint')).toMatch(/consul-quorum/);
  });

  it('not batched (--batch=false): a process per task, the same out/', () => {
    rmSync(join(workspace, 'out'), { recursive: true, force: true });
    const { status, output } = fleet.nx(workspace, [...RUN, '-t', 'generate', '--batch=false', '--skip-nx-cache']);
    expect(status).toBe(0);
    expect(output).not.toMatch(/tasks with @clusterspec\/nx:clusterspec/);
    expect(sectionOf(output, 'cluster-alpha:generate')).toMatch(/dist\/clusterspec\/alpha\.archive\.gz: wrote 152 files to out\/alpha/);
    expect(treeDifferences(join(workspace, 'out'), expected)).toEqual([]);
  });

  it('check judges the out/ on disk: a hand edit is a finding, not a cache hit', () => {
    const { status } = fleet.nx(workspace, [...RUN, '-t', 'check']);
    expect(status).toBe(0);
    cpSync(join(workspace, 'sites/alpha/cluster.yaml'), join(workspace, 'out/alpha/README-edited'));
    const edited = fleet.nx(workspace, [...RUN, '-t', 'check']);
    expect(edited.status).toBe(1);
    expect(sectionOf(edited.output, 'cluster-alpha:check')).toMatch(/extra\s+out\/alpha\/README-edited/);
    expect(sectionOf(edited.output, 'cluster-beta:check')).toMatch(/\[(local cache|existing outputs match the cache, left as is)\]/);
  });
});
