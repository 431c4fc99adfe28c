/**
 * A fleet that lists out/ in .nxignore (so Nx hashes none of its tens of thousands of files): the cluster plugin
 * then gives `check` no cache (an out/ input would match nothing, and a hand edit of out/ would hit the cache),
 * while archive and lint stay cached (generate, the archive's unpack, never is). A scratch fleet repository of 20
 * sites (bench/fleet-workspace.js): every out/ is unpacked byte-identical from a cached archive, check runs every
 * time, passes on a clean tree and names a hand-edited file. About 60 s; every Nx call is bounded in time.
 * Needs `npm run build` (the executor loads packages/cli/dist).
 */
import { appendFileSync, cpSync, existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleet, sectionOf, treeDifferences } from '../support/fleet';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(300000));

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin is plain CommonJS, typed here
const plugin = require('@clusterspec/nx') as {
  OUT: string;
  ignoresOut(nxignore: string): boolean;
  createNodes: [
    string,
    (
      specFiles: string[],
      options: { specs: string },
      context: { workspaceRoot: string },
    ) => Promise<[string, { projects: Record<string, { targets: Record<string, { cache?: boolean; inputs?: unknown[] }> }> }][]>,
  ];
};

const SITES = Array.from({ length: 20 }, (_, index) => `site-${String(index + 1).padStart(2, '0')}`);
const RUN = ['run-many', '--projects=tag:cluster', '--output-style=static'];
/** Each Nx call gets two minutes at most (20 sites take about 15 s on an idle machine). */
const NX_TIMEOUT = 120000;

describe('which .nxignore lines ignore out/', () => {
  it('takes out/ from the executor schema, the one place it is named', () => {
    expect(plugin.OUT).toBe('out');
  });

  it.each(['out', 'out/', '/out', '/out/', '# generated\nnode_modules\nout/\n', 'out/\r\n', '  /out/  '])('%j ignores out/', (text) => {
    expect(plugin.ignoresOut(text)).toBe(true);
  });

  it.each(['', 'outside/', 'sites/out/', '# out/', 'out/ignored', '!out/', 'out/\n!out/', '/out\n!/out/', 'out.txt'])('%j does not', (text) => {
    expect(plugin.ignoresOut(text)).toBe(false);
  });

  it('an ignore undone and given again ignores', () => {
    expect(plugin.ignoresOut('out/\n!out\n/out')).toBe(true);
  });
});

describe('the plugin reads .nxignore', () => {
  let workspace: string;
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'clusterspec-nxignore-nodes-'));
    mkdirSync(join(workspace, 'sites/east'), { recursive: true });
    writeFileSync(join(workspace, 'sites/east/cluster.yaml'), fleet.modernSpec('east'));
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  const targetsOf = async () => {
    const [[, { projects }]] = await plugin.createNodes[1](['sites/east/cluster.yaml'], { specs: 'sites/*/cluster.yaml' }, { workspaceRoot: workspace });
    return projects['sites/east'].targets;
  };

  it('without .nxignore, check is cached with out/<name> as an input', async () => {
    const targets = await targetsOf();
    expect(targets.check.cache).toBe(true);
    expect(targets.check.inputs).toContain('{workspaceRoot}/out/east/**/*');
  });

  it('with out/ in .nxignore, check is not cached and has no out/ input; archive and lint stay cached', async () => {
    writeFileSync(join(workspace, '.nxignore'), 'node_modules\n/out/\n');
    const targets = await targetsOf();
    expect(targets.check.cache).toBe(false);
    expect(JSON.stringify(targets.check.inputs)).not.toMatch(/out\//);
    expect(targets.archive.cache).toBe(true);
    expect(targets.lint.cache).toBe(true);
    // generate is never cached, whatever .nxignore says: it unpacks the cached archive into out/.
    expect(targets.generate.cache).toBe(false);
  });

  it('an .nxignore that does not ignore out/ changes nothing', async () => {
    writeFileSync(join(workspace, '.nxignore'), 'reports/\n');
    const targets = await targetsOf();
    expect(targets.check.cache).toBe(true);
    expect(targets.check.inputs).toContain('{workspaceRoot}/out/east/**/*');
  });
});

describe('a fleet of 20 sites with out/ in .nxignore', () => {
  let scratch: string;
  let workspace: string;
  let expected: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-nxignore-'));
    workspace = join(scratch, 'fleet');
    fleet.makeFleetWorkspace(
      workspace,
      SITES.map((name) => ({ name, text: fleet.modernSpec(name) })),
      { ignoreOut: true },
    );
    // The CLI's own output (makeFleetWorkspace generated out/ with `clusterspec generate`), kept aside.
    expected = join(scratch, 'expected');
    cpSync(join(workspace, 'out'), expected, { recursive: true, verbatimSymlinks: true });
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('Nx sees check and generate uncached, the archive cached with its one file as output', () => {
    const { status, output } = fleet.nx(workspace, ['show', 'project', 'cluster-site-01', '--json'], {}, NX_TIMEOUT);
    expect(status).toBe(0);
    const targets = JSON.parse(output.slice(output.indexOf('{'))).targets;
    expect(targets.check.cache).toBe(false);
    expect(targets.generate.cache).toBe(false);
    expect(targets.generate.dependsOn).toContain('archive');
    expect(targets.archive.cache).toBe(true);
    expect(targets.archive.outputs).toEqual(['{workspaceRoot}/dist/clusterspec/site-01.archive.gz']);
  });

  it('archive and lint run cold, then come from the local cache: out/ deleted is unpacked byte-identical', () => {
    rmSync(join(workspace, 'out'), { recursive: true, force: true });
    const cold = fleet.nx(workspace, [...RUN, '-t', 'generate', 'lint'], {}, NX_TIMEOUT);
    expect(cold.status).toBe(0);
    // archive, generate (its unpack) and lint of 20 sites.
    expect(cold.output).toMatch(/Running 60 tasks with @clusterspec\/nx:clusterspec/);
    expect(treeDifferences(join(workspace, 'out'), expected)).toEqual([]);

    rmSync(join(workspace, 'out'), { recursive: true, force: true });
    const restored = fleet.nx(workspace, [...RUN, '-t', 'generate', 'lint'], {}, NX_TIMEOUT);
    expect(restored.status).toBe(0);
    expect(restored.output).toMatch(/Nx read the output from the cache instead of running the command for 40 out of 61 tasks/);
    expect(sectionOf(restored.output, 'cluster-site-07:archive')).toMatch(/\[local cache\]/);
    expect(sectionOf(restored.output, 'cluster-site-07:generate')).toMatch(/wrote 152 files to out\/site-07/);
    expect(treeDifferences(join(workspace, 'out'), expected)).toEqual([]);
  });

  it('with out/ in place, generate unpacks the cached archive: a hand edit is undone, the other sites are left as they were', () => {
    appendFileSync(join(workspace, 'out/site-03/hosts/cp-1/etc/hosts.d/clusterspec'), '10.0.0.99 hand-edited\n');
    writeFileSync(join(workspace, 'out/site-03/stray'), 'left by hand\n');
    const again = fleet.nx(workspace, [...RUN, '-t', 'generate'], {}, NX_TIMEOUT);
    expect(again.status).toBe(0);
    expect(again.output).toMatch(/for 20 out of 41 tasks/);
    expect(sectionOf(again.output, 'cluster-site-03:archive')).toMatch(/\[local cache\]/);
    expect(sectionOf(again.output, 'cluster-site-03:generate')).toMatch(/wrote 152 files to out\/site-03/);
    expect(sectionOf(again.output, 'cluster-site-04:generate')).toMatch(/out\/site-04 already holds these 152 files; left as it was/);
    expect(treeDifferences(join(workspace, 'out'), expected)).toEqual([]);
  });

  it('check runs every time, in one batch: passes on a clean tree, names a hand edit, passes again once undone', () => {
    const clean = fleet.nx(workspace, [...RUN, '-t', 'check'], {}, NX_TIMEOUT);
    expect(clean.status).toBe(0);
    expect(clean.output).toMatch(/Running 20 tasks with @clusterspec\/nx:clusterspec/);
    expect(clean.output).not.toMatch(/cache/);
    expect(sectionOf(clean.output, 'cluster-site-05:check')).toMatch(/out\/site-05 is current/);

    const edited = 'out/site-05/hosts/cp-1/etc/hosts.d/clusterspec';
    // A file modern generates (if it moves, this fails here rather than checking a file nobody generates).
    expect(existsSync(join(workspace, edited))).toBe(true);
    appendFileSync(join(workspace, edited), '10.0.0.99 hand-edited\n');
    const dirty = fleet.nx(workspace, [...RUN, '-t', 'check'], {}, NX_TIMEOUT);
    expect(dirty.status).toBe(1);
    expect(dirty.output).toMatch(/Failed tasks:\s*\n\s*- cluster-site-05:check\s*\n/);
    expect(sectionOf(dirty.output, 'cluster-site-05:check')).toMatch(new RegExp(`stale\\s+${edited}`));
    expect(sectionOf(dirty.output, 'cluster-site-06:check')).toMatch(/out\/site-06 is current/);

    cpSync(join(expected, 'site-05/hosts/cp-1/etc/hosts.d/clusterspec'), join(workspace, edited));
    const undone = fleet.nx(workspace, [...RUN, '-t', 'check'], {}, NX_TIMEOUT);
    expect(undone.status).toBe(0);
    expect(sectionOf(undone.output, 'cluster-site-05:check')).toMatch(/out\/site-05 is current/);
  });
});
