import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from '@clusterspec/spec';
import { generateSite } from '@clusterspec/generators';
import { cli as runCli } from './support/cli';
import { ROOT } from './support/fixtures';
import { deadline } from './support/deadline';

const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');

const cli = (...argv: string[]) => runCli(argv);

describe('clusterspec CLI', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-cli-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('validate accepts the seed and exits 0', async () => {
    const result = await cli('validate', SEED);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/seed-ha, 8 hosts/);
  });

  it('generate writes out/<cluster> and check then finds it current', async () => {
    expect((await cli('generate', SEED, '--out', scratch)).code).toBe(0);
    expect(existsSync(join(scratch, 'seed-ha/hosts/emei/etc/nginx/nginx.conf'))).toBe(true);
    const result = await cli('check', SEED, '--out', scratch);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`is current (${(await generateSite(loadSpec(SEED))).length} files)`);
  });

  it('check lists every missing, stale and extra file and exits 1', async () => {
    await cli('generate', SEED, '--out', scratch);
    rmSync(join(scratch, 'seed-ha/pki/sign.sh'));
    writeFileSync(join(scratch, 'seed-ha/hosts/emei/etc/nginx/nginx.conf'), 'edited by hand\n');
    writeFileSync(join(scratch, 'seed-ha/leftover.txt'), 'old\n');
    const result = await cli('check', SEED, '--out', scratch);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').sort()).toEqual([
      `extra    ${join(scratch, 'seed-ha/leftover.txt')}`,
      `missing  ${join(scratch, 'seed-ha/pki/sign.sh')}`,
      `stale    ${join(scratch, 'seed-ha/hosts/emei/etc/nginx/nginx.conf')}`,
    ]);
    expect(result.stderr).toMatch(/3 file\(s\) differ/);
  });

  it('check sees modes as git keeps them: 0644 in a clone for a 0640 file is current, a lost executable bit is not', async () => {
    await cli('generate', SEED, '--out', scratch);
    const consulConfig = join(scratch, 'seed-ha/hosts/consul-1/etc/consul.d/consul.hcl');
    expect(statSync(consulConfig).mode & 0o777).toBe(0o640);
    chmodSync(consulConfig, 0o644);
    expect((await cli('check', SEED, '--out', scratch)).code).toBe(0);
    chmodSync(join(scratch, 'seed-ha/pki/sign.sh'), 0o644);
    const result = await cli('check', SEED, '--out', scratch);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`stale    ${join(scratch, 'seed-ha/pki/sign.sh')}`);
  });

  it('generate replaces the folder: files no longer generated disappear', async () => {
    mkdirSync(join(scratch, 'seed-ha'), { recursive: true });
    writeFileSync(join(scratch, 'seed-ha/obsolete.conf'), 'x');
    await cli('generate', SEED, '--out', scratch);
    expect(existsSync(join(scratch, 'seed-ha/obsolete.conf'))).toBe(false);
    expect(existsSync(join(scratch, 'seed-ha/pki/sign.sh'))).toBe(true);
  });

  it('bad input exits 2 with file:line:column and writes nothing, even for the valid spec beside it', async () => {
    const bad = join(scratch, 'bad.yaml');
    writeFileSync(bad, readFileSync(SEED, 'utf8').replace('address: 10.24.138.208', 'address: 10.24.138.300'));
    const result = await cli('generate', SEED, bad, '--out', join(scratch, 'out'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${bad}:17:16: error: spec.hosts[1].address: "10.24.138.300" is not a valid ipv4 address`);
    expect(result.stderr).toMatch(/nothing was written/);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });

  it('validate refuses a Harbor version whose files were not checked, as generate does', async () => {
    const spec = join(scratch, 'harbor15.yaml');
    writeFileSync(spec, readFileSync(SEED, 'utf8').replace('version: "1.1.0"\n    externalURL', 'version: "1.5.0"\n    externalURL'));
    const result = await cli('validate', spec);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${spec}:61:14: error: spec.harbor.version: Harbor 1.5.0 is not supported`);
  });

  it('with several specs, a locked target leaves every folder as it was', async () => {
    const modern = join(ROOT, 'fixtures/modern/cluster.yaml');
    mkdirSync(scratch, { recursive: true });
    // A lock held by a live process (this one): the second site is being written by another run.
    writeFileSync(join(scratch, '.modern.lock'), `${process.pid}\n`);
    const result = await cli('generate', SEED, modern, '--out', scratch);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(String(process.pid));
    expect(existsSync(join(scratch, 'seed-ha'))).toBe(false);
    expect(existsSync(join(scratch, 'modern'))).toBe(false);
  });

  it('refuses two specs with one cluster name', async () => {
    const copy = join(scratch, 'copy.yaml');
    copyFileSync(SEED, copy);
    const result = await cli('validate', SEED, copy);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cluster name "seed-ha" is also used by/);
  });

  it.each([
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['generate'], 2, /name at least one spec file/],
    [['check', SEED, '--bogus'], 2, /unknown option --bogus/],
    [[], 2, /name a command/],
  ])('usage error %j exits %i', async (argv, code, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(code);
    expect(`${result.stdout}${result.stderr}`).toMatch(message);
  });

  it.each(['generate', 'check', 'validate'])('%s --help prints its usage and exits 0', async (command) => {
    const result = await cli(command, '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: clusterspec ${command} <spec...>`);
  });

  it('runs as the installed binary with the documented exit codes', () => {
    const bin = join(ROOT, 'packages/cli/bin/clusterspec.js');
    expect(execFileSync('node', [bin, 'validate', SEED], { encoding: 'utf8', timeout: deadline(20000) })).toMatch(/ok/);
    const missing = spawnSync('node', [bin, 'validate', join(scratch, 'nope.yaml')], { encoding: 'utf8', timeout: deadline(20000) });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml:1:1: error: cannot read the spec: no such file/);
    expect(missing.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
