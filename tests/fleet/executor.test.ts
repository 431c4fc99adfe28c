/**
 * The Nx executor of the cluster projects (tools/nx-cluster-plugin/executor.js): batched (Nx's default here, through
 * `preferBatch`) and one process per task (`--batch=false`) write the same out/ as the CLI itself; in a batch every
 * task keeps its own exit status and output, shown under its own header and replayed from the cache.
 * A scratch fleet repository of three sites (bench/fleet-workspace.js); about 30 s.
 * Needs `npm run build` (the executor loads packages/cli/dist).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ROOT } from '../support/fixtures';
import { fleet, treeDifferences } from '../support/fleet';

jest.setTimeout(180000);

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin is plain CommonJS, typed here
const executor = require('../../tools/nx-cluster-plugin/executor.js') as {
  argvOf(options: Record<string, string>, workspaceRoot: string): string[];
  runOrder(taskGraph: { tasks: Record<string, unknown>; dependencies: Record<string, string[]> }, inputs: Record<string, { command: string }>): string[];
};

const BROKEN = readFileSync(join(ROOT, 'fixtures/broken/consul-four-servers/cluster.yaml'), 'utf8');
/** What lint prints for a site without an error. */
const CLEAN = /(no problems|\(0 errors, )/;
const RUN = ['run-many', '--projects=tag:cluster', '--output-style=static'];

/**
 * What Nx printed for one task: from each `> nx run <id>` header to the next header (Nx may print a task's header
 * twice, when it starts it alone and again with its output), joined.
 */
function sectionOf(output: string, taskId: string): string {
  const sections = output.split(/(?=^> nx run )/m).filter((section) => section.startsWith(`> nx run ${taskId} `) || section.startsWith(`> nx run ${taskId}\n`));
  if (sections.length === 0) throw new Error(`no output for ${taskId} in:\n${output}`);
  return sections.join('');
}

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
    expect(() => executor.argvOf({ command: 'render', spec: 'x' }, root)).toThrow(/unknown command "render"/);
  });

  it('runs every check before any generate of the batch, and a task after its dependencies', () => {
    const tasks = { 'b:generate': {}, 'a:check': {}, 'a:generate': {}, 'b:lint': {}, 'c:check': {} };
    const inputs = {
      'b:generate': { command: 'generate' },
      'a:check': { command: 'check' },
      'a:generate': { command: 'generate' },
      'b:lint': { command: 'lint' },
      'c:check': { command: 'check' },
    };
    expect(executor.runOrder({ tasks, dependencies: {} }, inputs)).toEqual(['a:check', 'c:check', 'b:lint', 'a:generate', 'b:generate']);
    // c:check waits for b:generate when it depends on it (a dependency inside the batch).
    expect(executor.runOrder({ tasks, dependencies: { 'c:check': ['b:generate'] } }, inputs)).toEqual([
      'a:check',
      'b:lint',
      'a:generate',
      'b:generate',
      'c:check',
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
    expect(output).toMatch(/Running 6 tasks with \.\/tools\/nx-cluster-plugin:clusterspec/);
    expect(output).toMatch(/Failed tasks:\s*\n\s*- cluster-broken-consul-four-servers:lint\s*\n/);
    expect(sectionOf(output, 'cluster-broken-consul-four-servers:lint')).toMatch(/error 4 Consul server members.*consul-quorum/);
    // modern's copies lint without an error (no problems, or infos and warnings only).
    expect(sectionOf(output, 'cluster-alpha:lint')).toMatch(CLEAN);
    expect(sectionOf(output, 'cluster-alpha:lint')).not.toMatch(/consul-quorum/);
    expect(sectionOf(output, 'cluster-beta:generate')).toMatch(/sites\/beta\/cluster\.yaml: wrote \d+ files to out\/beta/);
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
    expect(output).not.toMatch(/tasks with \.\/tools\/nx-cluster-plugin:clusterspec/);
    expect(sectionOf(output, 'cluster-alpha:generate')).toMatch(/sites\/alpha\/cluster\.yaml: wrote \d+ files to out\/alpha/);
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
