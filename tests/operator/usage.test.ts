/**
 * What a user meets at the command line (issue 11, items 14 and 12): one-line usage errors pointing to --help,
 * --version, "-" for standard input, --out "" refused, messages true to the command (validate writes nothing;
 * a name clash names the folder --out gives), lint --quiet silent when only warnings exist, and init's counts
 * bounded with a clear message.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answersFrom } from '@clusterspec/cli';
import { cli } from '../support/cli';
import { ROOT } from '../support/fixtures';
import { deadline } from '../support/deadline';

const BIN = join(ROOT, 'packages/cli/bin/clusterspec.js');
const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-usage-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** The binary in the scratch folder, with `input` on its standard input. */
function bin(argv: readonly string[], input?: string) {
  const result = spawnSync('node', [BIN, ...argv], { cwd: scratch, input, encoding: 'utf8', timeout: deadline(30000), env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('usage errors are one line that points to --help', () => {
  it.each([
    {
      argv: [],
      line: "clusterspec: name a command (generate, check, lint, validate, init, explain, diff, certs, plan, render, images, migrate, unpack); run 'clusterspec --help' for usage",
    },
    { argv: ['genrate', SEED], line: `clusterspec: unknown command "genrate" (did you mean "generate"?); run 'clusterspec --help' for the commands` },
    { argv: ['generate'], line: "clusterspec generate: name at least one spec file; run 'clusterspec generate --help' for usage" },
    { argv: ['check', SEED, '--bogus'], line: "clusterspec check: unknown option --bogus; run 'clusterspec check --help' for usage" },
    { argv: ['check', SEED, '--ot', 'x'], line: "clusterspec check: unknown option --ot (did you mean --out?); run 'clusterspec check --help' for usage" },
    { argv: ['generate', SEED, '--out'], line: "clusterspec generate: --out needs a value; run 'clusterspec generate --help' for usage" },
    { argv: ['lint', SEED, '--quiet=yes'], line: "clusterspec lint: --quiet takes no value; run 'clusterspec lint --help' for usage" },
    {
      argv: ['generate', SEED, '--out', '-x'],
      line: `clusterspec generate: --out needs a value; write --out=VALUE for a value that starts with "-"; run 'clusterspec generate --help' for usage`,
    },
    {
      argv: ['lint', SEED, '--format', 'xml'],
      line: "clusterspec lint: --format takes text, json, sarif, github; --max-warnings takes a whole number; run 'clusterspec lint --help' for usage",
    },
  ])('$argv', async ({ argv, line }) => {
    const result = await cli(argv);
    expect(result).toEqual({ code: 2, stdout: '', stderr: line });
  });

  it('--help still prints the whole usage, exit 0', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/^Usage: clusterspec <command> \[options\]\n\nCommands:\n {2}generate/);
    expect((await cli(['generate', '--help'])).stdout).toMatch(/^Usage: clusterspec generate <spec\.\.\.>/);
  });
});

it('--version prints the version of the package', async () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string };
  expect(await cli(['--version'])).toEqual({ code: 0, stdout: `clusterspec ${version}`, stderr: '' });
});

describe('"-" reads the spec from standard input, named <stdin> in messages', () => {
  const seedText = () => readFileSync(SEED, 'utf8');

  it('validate, lint, generate and check take it', () => {
    expect(bin(['validate', '-'], seedText())).toEqual({ code: 0, stdout: '<stdin>: ok (seed-ha, 8 hosts)\n', stderr: '' });
    expect(bin(['lint', '-', '--quiet'], seedText()).code).toBe(0);
    expect(bin(['generate', '-', '--out', 'o'], seedText())).toMatchObject({ code: 0, stdout: '<stdin>: wrote 128 files to o/seed-ha\n' });
    expect(bin(['check', '-', '--out', 'o'], seedText())).toMatchObject({ code: 0, stdout: '<stdin>: o/seed-ha is current (128 files)\n' });
  });

  it('a problem is located in <stdin>, by line and column', () => {
    const result = bin(['validate', '-'], seedText().replace('address: 10.24.138.208', 'address: 10.24.138.300'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('<stdin>:17:16: error: spec.hosts[1].address: "10.24.138.300" is not a valid ipv4 address');
  });

  it('more than the spec size limit on standard input is refused without holding it all', () => {
    const result = bin(['validate', '-'], 'x'.repeat(5 * 1024 * 1024));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^<stdin>:1:1: error: standard input holds more than the 4194304-byte limit of a spec/);
  });

  it('"-" twice is a usage error', async () => {
    expect((await cli(['validate', '-', '-'])).stderr).toMatch(/^clusterspec validate: "-" \(standard input\) may be given once;/);
  });
});

it.each(['generate', 'check', 'diff'])('%s --out "" is refused instead of meaning the current folder', (command) => {
  const result = bin([command, SEED, '--out', '']);
  expect(result).toEqual({
    code: 2,
    stdout: '',
    stderr: `clusterspec ${command}: --out "" names no folder; give one (--out . for the current folder); run 'clusterspec ${command} --help' for usage\n`,
  });
  expect(readdirSync(scratch)).toEqual([]);
});

it('init --out "" is refused instead of printing the spec', () => {
  expect(bin(['init', '--out', ''])).toMatchObject({ code: 2, stdout: '' });
});

describe('bad-input messages say what is true of the command', () => {
  it('validate, lint, check and diff do not claim "nothing was written"; generate does', async () => {
    const bad = join(ROOT, 'does-not-exist.yaml');
    for (const command of ['validate', 'lint', 'check', 'diff']) {
      const result = await cli([command, bad]);
      expect({ command, code: result.code, last: result.stderr.split('\n').pop() }).toEqual({ command, code: 2, last: 'clusterspec: 1 problem(s).' });
    }
    expect((await cli(['generate', bad, '--out', scratch])).stderr.split('\n').pop()).toBe('clusterspec: 1 problem(s); nothing was written.');
  });

  it('a cluster-name clash names the folder --out gives, and no folder when there is none', async () => {
    const copy = join(scratch, 'copy.yaml');
    copyFileSync(SEED, copy);
    const out = join(scratch, 'elsewhere');
    const generate = await cli(['generate', SEED, copy, '--out', out]);
    expect(generate.stderr).toContain(`cluster name "seed-ha" is also used by ${SEED}; both would write ${join(out, 'seed-ha')}`);
    expect(generate.stderr).not.toContain('out/seed-ha');
    expect(existsSync(out)).toBe(false);
    expect((await cli(['validate', SEED, copy])).stderr).toContain('both would write one folder, seed-ha/ under --out');
  });
});

it('lint --quiet prints nothing when there are warnings and no errors (it printed "no problems")', async () => {
  const loud = await cli(['lint', SEED]);
  expect(loud.stdout).toMatch(/warning/);
  expect(await cli(['lint', SEED, '--quiet'])).toEqual({ code: 0, stdout: '', stderr: '' });
  // Machine formats stay whole documents, warnings filtered out.
  expect(JSON.parse((await cli(['lint', SEED, '--quiet', '--format', 'json'])).stdout).diagnostics).toEqual([]);
});

describe('init bounds its counts with a clear message (issue 11, item 12)', () => {
  it.each([
    { flags: ['--workers', '-1'], line: `clusterspec init: --workers "-1": not a whole number; run 'clusterspec init --help' for usage` },
    { flags: ['--harbor', '-3'], line: `clusterspec init: --harbor "-3": not a whole number; run 'clusterspec init --help' for usage` },
    {
      flags: ['--workers', '100000'],
      line: `clusterspec init: --workers 100000: at most 5000, the most hosts a site is tested with; run 'clusterspec init --help' for usage`,
    },
    {
      flags: ['--workers', '99999999999999999999999'],
      line: `clusterspec init: --workers 99999999999999999999999: at most 5000, the most hosts a site is tested with; run 'clusterspec init --help' for usage`,
    },
    {
      flags: ['--workers', '4000', '--harbor', '1000'],
      line: `clusterspec init: 5004 hosts in all, more than 5000, the most a site is tested with; ask for fewer workers or Harbor instances; run 'clusterspec init --help' for usage`,
    },
  ])('$flags', async ({ flags, line }) => {
    expect(await cli(['init', ...flags])).toEqual({ code: 2, stdout: '', stderr: line });
  });

  it('5,000 hosts in all is the bound itself, accepted', () => {
    expect(answersFrom({ workers: '4996' })).toMatchObject({ workers: 4996 }); // 3 control-plane + 1 balancer
    expect(() => answersFrom({ workers: '4997' })).toThrow('5001 hosts in all');
  });
});
