/**
 * The fleet's CI workflow (docs/ci/fleet.yml, quoted in docs/fleet.md): it parses, its jobs are wired as documented
 * (a plan of the affected cluster projects, a matrix of shards each running generate, check and lint as SARIF
 * with the shared cache, one code-scanning upload of every shard's SARIF), and clusterspec-fleet-ci (packages/nx/fleet-ci.js) deals the shards
 * and merges the SARIF logs correctly. Needs `npm run build` (it runs the CLI for real SARIF).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../support/fixtures';
import { sarifValidator } from '../support/sarif';
import { deadline } from '../support/deadline';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script without type declarations, typed here
const ci = require('@clusterspec/nx/fleet-ci') as {
  shards(projects: string[], count: number): { shard: number; projects: string }[];
  mergeSarif(logs: unknown[]): { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number }[] }[] };
};

const WORKFLOW = join(ROOT, 'docs/ci/fleet.yml');
const CLI = join(ROOT, 'packages/cli/bin/clusterspec.js');
const SCRIPT = join(ROOT, 'packages/nx/fleet-ci.js');

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  needs?: string;
  environment?: string;
  env?: Record<string, string>;
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix: unknown; 'fail-fast': boolean };
  permissions?: Record<string, string>;
  steps: Step[];
}

describe('docs/ci/fleet.yml', () => {
  const text = readFileSync(WORKFLOW, 'utf8');
  const workflow = parse(text) as { on: Record<string, unknown>; env: Record<string, string>; jobs: Record<string, Job> };
  const runs = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n');

  it('is quoted whole in docs/fleet.md', () => {
    expect(readFileSync(join(ROOT, 'docs/fleet.md'), 'utf8')).toContain(`\`\`\`yaml\n${text}\`\`\``);
  });

  it('plans the affected cluster projects (every one on main) and deals them over the shards', () => {
    const plan = workflow.jobs.plan;
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(runs(plan)).toMatch(/--affected --base=origin\/\$\{\{ github\.base_ref \}\}/);
    expect(runs(plan)).toMatch(/npx nx show projects \$scope --projects=tag:cluster --json > projects\.json/);
    expect(runs(plan)).toMatch(/npx clusterspec-fleet-ci shards "\$SHARDS" < projects\.json >> "\$GITHUB_OUTPUT"/);
    expect(plan.outputs).toEqual({ matrix: '${{ steps.shards.outputs.matrix }}', count: '${{ steps.shards.outputs.count }}' });
  });

  it('runs each shard with the shared cache and keeps its SARIF', () => {
    const shard = workflow.jobs.shard;
    expect(shard.needs).toBe('plan');
    expect(shard.if).toBe("needs.plan.outputs.count != '0'");
    expect(shard.strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.plan.outputs.matrix) }}' });
    expect(shard.env).toEqual({
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: '${{ vars.NX_CACHE_URL }}',
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: '${{ secrets.NX_CACHE_TOKEN }}',
    });
    expect(runs(shard)).toContain('npx nx run-many -t generate check --projects="${{ matrix.projects }}"');
    expect(runs(shard)).toContain('npx nx run-many -t lint -c sarif --projects="${{ matrix.projects }}"');
    const upload = shard.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(upload).toMatchObject({ if: 'always()', with: { name: 'sarif-${{ matrix.shard }}', path: 'reports/sarif/*.sarif' } });
  });

  it('gives the cache’s write token to pushes to main only: pull requests get the read token, other jobs none (issue 22)', () => {
    // The token is an environment secret: nx-cache-write (limited to main by its deployment-branch rule) for a
    // push to main, nx-cache-read for everything else. A workflow-level secret would reach pull requests too.
    const shard = workflow.jobs.shard;
    expect(shard.environment).toBe("${{ github.event_name == 'push' && github.ref == 'refs/heads/main' && 'nx-cache-write' || 'nx-cache-read' }}");
    expect(Object.keys(workflow.env)).not.toContain('NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN');
    for (const [name, job] of Object.entries(workflow.jobs)) if (name !== 'shard') expect(JSON.stringify(job)).not.toMatch(/secrets\./);
    // The one secret the workflow names, once: no job can pick the write token by another name.
    expect(text.match(/secrets\.[A-Za-z_]+/g)).toEqual(['secrets.NX_CACHE_TOKEN']);
  });

  it('merges every shard’s SARIF into one code-scanning upload', () => {
    const scanning = workflow.jobs['code-scanning'];
    expect(scanning.needs).toBe('shard');
    expect(scanning.if).toBe("always() && needs.shard.result != 'skipped'");
    expect(scanning.permissions).toEqual({ contents: 'read', 'security-events': 'write' });
    expect(scanning.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'))?.with).toEqual({
      pattern: 'sarif-*',
      path: 'reports/sarif',
      'merge-multiple': true,
    });
    expect(runs(scanning)).toContain('npx clusterspec-fleet-ci merge-sarif reports/sarif/*.sarif > fleet.sarif');
    expect(scanning.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'))?.with).toEqual({
      sarif_file: 'fleet.sarif',
      category: 'clusterspec-fleet',
    });
  });

  it('names only bins the plugin package has, and the lint target’s sarif configuration the plugin defines', () => {
    const bins = (JSON.parse(readFileSync(join(ROOT, 'packages/nx/package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
    for (const [, bin] of text.matchAll(/npx (clusterspec-[a-z-]+)/g)) expect(existsSync(join(ROOT, 'packages/nx', bins[bin]))).toBe(true);
    expect(readFileSync(join(ROOT, 'packages/nx/index.js'), 'utf8')).toMatch(/configurations: \{ sarif: \{ sarif: `reports\/sarif\/\$\{name\}\.sarif` \} \}/);
  });
});

describe('clusterspec-fleet-ci shards', () => {
  const projects = Array.from({ length: 203 }, (_, index) => `cluster-site-${String(index).padStart(3, '0')}`);

  it('deals every project to exactly one shard, sizes differing by one at most, whatever the input order', () => {
    const dealt = ci.shards(projects, 4);
    expect(dealt.map((shard) => shard.shard)).toEqual([1, 2, 3, 4]);
    const members = dealt.map((shard) => shard.projects.split(','));
    expect(members.map((list) => list.length)).toEqual([51, 51, 51, 50]);
    expect(members.flat().sort()).toEqual(projects);
    expect(ci.shards([...projects].reverse(), 4)).toEqual(dealt);
  });

  it('makes no empty shard, and refuses a count that is not a whole number of at least 1', () => {
    expect(ci.shards(['b', 'a'], 4)).toEqual([
      { shard: 1, projects: 'a' },
      { shard: 2, projects: 'b' },
    ]);
    expect(ci.shards([], 4)).toEqual([]);
    expect(() => ci.shards(['a'], 0)).toThrow(/at least 1, not 0/);
    expect(() => ci.shards(['a'], Number('four'))).toThrow(/at least 1, not NaN/);
  });

  it('writes GitHub Actions outputs: the matrix and the count', () => {
    const result = spawnSync(process.execPath, [SCRIPT, 'shards', '2'], {
      input: '["cluster-b","cluster-a","cluster-c"]',
      encoding: 'utf8',
      timeout: deadline(30000),
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('matrix={"include":[{"shard":1,"projects":"cluster-a,cluster-c"},{"shard":2,"projects":"cluster-b"}]}\ncount=3\n');
  });
});

describe('clusterspec-fleet-ci merge-sarif', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-fleet-ci-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** clusterspec lint --format sarif of one spec, written to a file; returns the path. */
  function lintSarif(spec: string, name: string): string {
    const result = spawnSync(process.execPath, [CLI, 'lint', spec, '--format', 'sarif'], { cwd: ROOT, encoding: 'utf8', timeout: deadline(60000) });
    expect([0, 1]).toContain(result.status);
    writeFileSync(join(scratch, name), result.stdout);
    return join(scratch, name);
  }

  it('one valid SARIF run with every shard’s results, each ruleIndex pointing at its rule', () => {
    const files = [
      lintSarif('fixtures/broken/consul-four-servers/cluster.yaml', 'a.sarif'),
      lintSarif('fixtures/seed-ha/cluster.yaml', 'b.sarif'),
      lintSarif('fixtures/modern/cluster.yaml', 'c.sarif'),
    ];
    const logs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as { runs: { results: unknown[] }[] });
    const result = spawnSync(process.execPath, [SCRIPT, 'merge-sarif', ...files], { encoding: 'utf8', timeout: deadline(30000) });
    expect(result.status).toBe(0);
    const merged = JSON.parse(result.stdout) as ReturnType<typeof ci.mergeSarif>;
    const validate = sarifValidator();
    expect(validate(merged) ? [] : validate.errors).toEqual([]);
    expect(merged.runs).toHaveLength(1);
    const total = logs.reduce((sum, log) => sum + log.runs[0].results.length, 0);
    expect(total).toBeGreaterThan(0);
    expect(merged.runs[0].results).toHaveLength(total);
    for (const finding of merged.runs[0].results) expect(merged.runs[0].tool.driver.rules[finding.ruleIndex].id).toBe(finding.ruleId);
  });

  it('re-points ruleIndex when the logs list different rules', () => {
    const log = (rules: string[], ruleId: string) => ({
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'clusterspec', rules: rules.map((id) => ({ id })) } },
          results: [{ ruleId, ruleIndex: rules.indexOf(ruleId), message: { text: ruleId } }],
        },
      ],
    });
    const merged = ci.mergeSarif([log(['x', 'y'], 'y'), log(['z', 'y', 'x'], 'z')]);
    expect(merged.runs[0].tool.driver.rules.map((rule) => rule.id)).toEqual(['x', 'y', 'z']);
    expect(merged.runs[0].results.map((finding) => [finding.ruleId, finding.ruleIndex])).toEqual([
      ['y', 1],
      ['z', 2],
    ]);
    expect(() => ci.mergeSarif([])).toThrow(/no SARIF file/);
  });
});
