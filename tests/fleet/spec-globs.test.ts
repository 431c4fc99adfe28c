/**
 * One fleet, two readers of its specs glob: the Nx plugin (plain JavaScript, run by Nx before anything is built,
 * so it cannot load the CLI) turns the files Nx hands it into projects, and `clusterspec lint --fleet` walks the
 * file system with the same glob from nx.json. If the two matchers disagreed, `nx run-many -t lint` and
 * `lint --fleet` would judge different sites. This test holds them to the same answer over a tree of tricky paths.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '@clusterspec/cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin is plain CommonJS, typed here
const plugin = require('@clusterspec/nx') as {
  createNodes: [string, (specFiles: string[], options: { specs: string }, context: { workspaceRoot: string }) => Promise<[string, unknown][]>];
};

/** Every candidate Nx's own broad glob ('**' + '/cluster.{yaml,toml}') would hand the plugin. */
const FILES = [
  'fixtures/a/cluster.yaml',
  'fixtures/b/cluster.toml',
  'fixtures/b/nested/cluster.yaml',
  'fixtures/broken/x/cluster.yaml',
  'sites/east/cluster.yaml',
  'sites/west/cluster.toml',
  'sites/dc1/prod/cluster.yaml',
  'sites/dc1/prod/extra/cluster.yaml',
  'sites/a.b/cluster.yaml',
  'cluster.yaml',
];

const GLOBS = [
  'fixtures/*/cluster.{yaml,toml}',
  'fixtures/*/cluster.yaml',
  'sites/*/cluster.yaml',
  'sites/**/cluster.yaml',
  'sites/**/cluster.{yaml,toml}',
  'sites/dc1/*/cluster.yaml',
  'sites/a.b/cluster.yaml',
  '**/cluster.toml',
  '{fixtures,sites}/*/cluster.yaml',
];

let workspace: string;

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'clusterspec-spec-globs-'));
  for (const file of FILES) {
    mkdirSync(dirname(join(workspace, file)), { recursive: true });
    writeFileSync(join(workspace, file), '');
  }
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** The files `lint --fleet GLOB` would lint: those it names, every one of them being an empty (bad) spec. */
async function cliSelection(glob: string): Promise<string[]> {
  const lines: string[] = [];
  const io = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(text), colour: false };
  const before = process.cwd();
  process.chdir(workspace);
  try {
    await main(['lint', '--fleet', glob, '--format', 'json'], io);
  } finally {
    process.chdir(before);
  }
  // Each bad spec is reported as `<path>:1:1: error: the file is empty`, the path as the glob matched it.
  const named = new Set(lines.flatMap((text) => text.split('\n')).map((line) => /^(\S+):1:1: error: /.exec(line)?.[1]));
  return FILES.filter((file) => named.has(file)).sort();
}

describe('the Nx plugin and lint --fleet select the same specs from one glob', () => {
  it.each(GLOBS)('%s', async (glob) => {
    const fromPlugin = (await plugin.createNodes[1]([...FILES], { specs: glob }, { workspaceRoot: workspace })).map(([file]) => file).sort();
    expect(fromPlugin.length).toBeGreaterThan(0);
    expect(await cliSelection(glob)).toEqual(fromPlugin);
  });
});
