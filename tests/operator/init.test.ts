import { lintSite, summarise } from '@clusterspec/lint';
import { loadSpec } from '@clusterspec/spec';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { generateArtifacts } from '../../packages/cli/src/generate';
import { runInit, type Ask } from '../../packages/cli/src/commands/init';
import { ROOT } from '../support/fixtures';
import { cli } from '../support/cli';

describe('clusterspec init', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-init-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    [[]],
    [['--name', 'prod', '--harbor', '2', '--consul', '3']],
    [['--lb', 'cp-1', '--workers', '0']],
    [['--lb', 'lb-1', '--lb', 'lb-2', '--harbor', '3', '--consul', '5', '--kubernetes-version', '1.24.3']],
    [['--lb', 'lb-a,lb-b', '--control-plane', '5', '--workers', '40', '--kubernetes-version', '1.20.0']],
    [['--kubernetes-version', '1.6.2', '--harbor', '2', '--consul', '3']],
  ])('%j writes a spec that validates and lints with no errors and no warnings', async (flags) => {
    const out = join(scratch, 'site', 'cluster.yaml');
    require('node:fs').mkdirSync(dirname(out), { recursive: true });
    const result = await cli(['init', ...flags, '--out', out]);
    expect(result).toMatchObject({ code: 0 });
    const text = readFileSync(out, 'utf8');
    const first = text.split('\n')[0];
    expect(first).toMatch(/^# yaml-language-server: \$schema=(.+)$/);
    expect(resolve(dirname(out), first.replace(/^.*\$schema=/, ''))).toBe(join(ROOT, 'schemas/cluster.schema.json'));
    expect(text).toMatch(/^ {2}# every machine and its roles/m);
    const model = loadSpec(out);
    expect(summarise(lintSite(model, generateArtifacts(model)))).toMatchObject({ errors: 0, warnings: 0 });
    expect((await cli(['lint', out])).code).toBe(0);
  });

  it('prints to stdout without --out', async () => {
    const result = await cli(['init', '--name', 'demo']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# yaml-language-server: \$schema=/);
    expect(result.stdout).toContain('name: demo');
  });

  it.each([
    [['--control-plane', '2'], /even number of control-plane hosts loses quorum/],
    [['--consul', '4'], /even number of Consul servers/],
    [['--workers', 'many'], /--workers takes a whole number/],
    [['--name', 'Not_A_Label'], /metadata\.name/],
  ])('%j is refused with exit 2', async (flags, message) => {
    const result = await cli(['init', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('never overwrites a file', async () => {
    const out = join(scratch, 'cluster.yaml');
    writeFileSync(out, 'mine\n');
    const result = await cli(['init', '--out', out]);
    expect(result.code).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
  });

  it('asks each question with its default on a terminal (prompt injected)', async () => {
    const out = join(scratch, 'asked.yaml');
    const asked: string[] = [];
    const answers: Record<string, string> = { 'Cluster name': 'asked', 'Harbor instances (0 for none)': '2', 'Write to': out };
    const ask: Ask = async (question, fallback) => {
      asked.push(`${question} [${fallback}]`);
      return answers[question] ?? fallback;
    };
    const err: string[] = [];
    expect(await runInit({}, { out: () => undefined, err: (text) => err.push(text), colour: false }, ask)).toBe(0);
    expect(asked).toEqual(['Cluster name [my-site]', 'Control-plane hosts (odd) [3]', 'Worker hosts [2]', 'Load balancer hosts (comma-separated) [lb-1]', 'Harbor instances (0 for none) [0]', 'Consul servers (0 for none) [0]', 'Kubernetes version [1.34.2]', 'Write to [cluster.yaml]']);
    expect(existsSync(out)).toBe(true);
    const model = loadSpec(out);
    expect(model.name).toBe('asked');
    expect(model.harbor?.instances.length).toBe(2);
    expect(err.join('\n')).toMatch(/lint 0 errors, 0 warnings/);
  });
});
