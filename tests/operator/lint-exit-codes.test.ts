/**
 * `clusterspec lint`'s exit codes and formats, run through the CLI in-process (moved from the lint package's
 * formatters test: no package's test imports the CLI, tests/architecture.test.ts).
 */
import { main } from '@clusterspec/cli';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';
import { sarifValidator } from '../support/sarif';

const ESC = '\u001b';
const SEED = 'fixtures/seed-ha/cluster.yaml';
const BROKEN = 'fixtures/broken/admin-kubeconfig-lb-ip/cluster.yaml';

describe('clusterspec lint exit codes', () => {
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text), colour: false });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }
  let cwd: string;
  beforeAll(() => {
    cwd = process.cwd();
    process.chdir(ROOT);
  });
  afterAll(() => process.chdir(cwd));

  it('0 when there is no error (warnings do not count without --max-warnings)', async () => {
    const result = await cli('lint', 'fixtures/vip-pernode/cluster.yaml');
    expect(result).toMatchObject({ code: 0, stdout: 'no problems' });
    expect((await cli('lint', SEED)).code).toBe(0);
  });

  it('1 on an error', async () => {
    const result = await cli('lint', BROKEN);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('san-coverage');
    expect(result.stdout).not.toContain(ESC);
  });

  it('1 when warnings exceed --max-warnings, 0 when they do not', async () => {
    const over = await cli('lint', SEED, '--max-warnings', '1');
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('3 warnings, more than --max-warnings 1');
    expect((await cli('lint', SEED, '--max-warnings', '3')).code).toBe(0);
    expect((await cli('lint', 'fixtures/broken/lb-proxy-timeout-3s/cluster.yaml', '--max-warnings', '0')).code).toBe(1);
  });

  it('2 on a bad --format or --max-warnings', async () => {
    const result = await cli('lint', SEED, '--format', 'xml');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--format takes text, json, sarif, github');
    expect((await cli('lint', SEED, '--max-warnings', 'many')).code).toBe(2);
  });

  it('2 on an unknown rule id in lint.rules, with "did you mean"', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'clusterspec-lint-'));
    try {
      const spec = readFileSync(SEED, 'utf8').replace('\n  docker:\n', '\n  lint:\n    rules:\n      lb-proxy-timout: off\n  docker:\n');
      writeFileSync(join(scratch, 'cluster.yaml'), spec);
      const result = await cli('lint', join(scratch, 'cluster.yaml'));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('did you mean "lb-proxy-timeout"?');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('every format prints what the formatter makes; sarif output validates', async () => {
    const json = await cli('lint', BROKEN, '--format', 'json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).summary).toEqual({ errors: 2, warnings: 3, infos: 1 });
    const github = await cli('lint', BROKEN, '--format', 'github');
    expect(github.stdout.split('\n').filter((line) => line.startsWith('::error '))).toHaveLength(2);
    const sarifRun = await cli('lint', BROKEN, SEED, '--format', 'sarif');
    expect(sarifRun.code).toBe(1);
    const validate = sarifValidator();
    const log = JSON.parse(sarifRun.stdout);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    // 6 of the broken site, 4 of the seed (three warnings, one info), and 9 fleet-collision errors: the broken
    // site is the seed's 8 hosts and endpoint name again, and specs of one run are compared.
    expect(log.runs[0].results).toHaveLength(19);
    expect(log.runs[0].results.filter((result: { ruleId: string }) => result.ruleId === 'fleet-collision')).toHaveLength(9);
  });
});
