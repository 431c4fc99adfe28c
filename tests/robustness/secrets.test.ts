/**
 * Secrets: `clusterspec render` fills placeholders, refuses before writing anything when a secret is
 * missing or cannot be placed safely, and no secret value ever reaches stdout, stderr or an error.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from '@clusterspec/spec';
import { parseAllDocuments } from 'yaml';
import { main, listFiles, replacedPlaceholders } from '@clusterspec/cli';
import { generateArtifacts } from '@clusterspec/generators';
import { bundleDigest, RENDER_STAMP_FILE } from '@clusterspec/deploy';
import { deadline } from '../support/deadline';
import { ROOT } from '../support/fixtures';

jest.setTimeout(deadline(60000));

const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');
const MODERN = join(ROOT, 'fixtures/modern/cluster.yaml');
const NAMES = [
  'KUBEADM_BOOTSTRAP_TOKEN',
  'KUBEADM_CERTIFICATE_KEY',
  'KUBEADM_CA_CERT_HASH',
  'HARBOR_DB_PASSWORD',
  'HARBOR_REDIS_PASSWORD',
  'HARBOR_ADMIN_PASSWORD',
  'CONSUL_GOSSIP_KEY',
  // Harbor 2.x's shared secrets (harbor.sharedSecrets' defaults), in modern's shared-secrets.env.
  'HARBOR_CSRF_KEY',
  'HARBOR_CORE_SECRET',
  'HARBOR_JOBSERVICE_SECRET',
  // keepalived's VRRP password (loadBalancer.vrrpPassword's default), in modern's keepalived.conf.
  'KEEPALIVED_AUTH_PASS',
];

/** Recognisable values: each holds a unique marker, so any leak is found by scanning for it. */
const PLAIN: Record<string, string> = {
  ...Object.fromEntries(NAMES.map((name, index) => [name, `S3CR3T-${index}-${name.toLowerCase()}-marker`])),
  // keepalived reads at most 8 characters of its VRRP password: still a marker found nowhere else.
  KEEPALIVED_AUTH_PASS: 'S3CR3Tk7',
  // Harbor's core takes a CSRF_KEY of exactly 32 bytes.
  HARBOR_CSRF_KEY: 'S3CR3T-csrf-key-marker-'.padEnd(32, 'k'),
};
/** Values with characters that break formats: quotes, `$`, `,`, backslash, `#`, `;`, unicode. */
const NASTY: Record<string, string> = {
  ...PLAIN,
  HARBOR_DB_PASSWORD: `db"pw'$HOME\\x#;S3CR3T-nasty-db`,
  HARBOR_ADMIN_PASSWORD: 'ad$min ${x} S3CR3T-nasty-admin é',
  CONSUL_GOSSIP_KEY: 'go"ss\\ip==S3CR3T-nasty-gossip',
};

let scratch: string;
let savedEnv: NodeJS.ProcessEnv;
let savedCwd: string;

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-secrets-'));
  savedEnv = { ...process.env };
  savedCwd = process.cwd();
  process.chdir(scratch);
  for (const name of NAMES) delete process.env[name];
});
afterEach(() => {
  process.chdir(savedCwd);
  process.env = savedEnv;
  rmSync(scratch, { recursive: true, force: true });
});

const channels: string[] = [];
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let code: number;
  try {
    code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text), colour: false });
  } catch (error) {
    // An uncaught error is a channel too: its message and stack.
    channels.push(String((error as Error).stack));
    throw error;
  }
  channels.push(out.join('\n'), err.join('\n'));
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function setEnv(values: Record<string, string>) {
  Object.assign(process.env, values);
}

/** The modern fixture with its fromFile secret pointed at a file in the scratch folder. */
function modernWithRedisFile(content: string | undefined, secretFile = join(scratch, 'harbor-redis')): string {
  if (content !== undefined) writeFileSync(secretFile, content);
  const spec = join(scratch, 'modern.yaml');
  writeFileSync(spec, readFileSync(MODERN, 'utf8').replace('/run/secrets/harbor-redis', secretFile));
  return spec;
}

/** Every fragment of a value that would give it away: the whole, and each line of six characters or more. */
function giveaways(values: Record<string, string>): string[] {
  return [...new Set(Object.values(values).flatMap((value) => [value, ...value.split(/\n/).filter((part) => part.length >= 6)]))];
}

function expectNoLeak(text: string, values: Record<string, string>) {
  for (const fragment of giveaways(values)) expect(text).not.toContain(fragment);
  expect(text).not.toMatch(/S3CR3T/);
}

describe('clusterspec render', () => {
  it('--host fills every placeholder, escapes per format, and gives files with secrets their mode (0600, or 0640 for a service group), never any access for other accounts', async () => {
    setEnv(NASTY);
    const spec = modernWithRedisFile('redis-S3CR3T-from-file\n');
    const result = await cli('render', spec, '--host', 'harbor-1', '--to', 'deploy');
    expect(result.code).toBe(0);
    expectNoLeak(`${result.stdout}\n${result.stderr}`, { ...NASTY, file: 'redis-S3CR3T-from-file' });
    const model = loadSpec(spec);
    const expected = generateArtifacts(model).filter((item) => item.path.startsWith('hosts/harbor-1/'));
    const root = join(scratch, 'deploy', 'harbor-1');
    expect(listFiles(root)).toEqual(expected.map((item) => item.path.slice('hosts/harbor-1/'.length)));
    for (const item of expected) {
      const path = join(root, item.path.slice('hosts/harbor-1/'.length));
      const content = readFileSync(path, 'utf8');
      expect(content).not.toContain('{{secret:');
      const mode = statSync(path).mode & 0o777;
      expect({ path: item.path, mode: mode.toString(8) }).toEqual({ path: item.path, mode: item.mode.toString(8) });
      if (item.content.includes('{{secret:')) expect({ path: item.path, others: mode & 0o007 }).toEqual({ path: item.path, others: 0 });
      else expect(content).toBe(item.content);
    }
    // YAML: the values round-trip through a YAML parser exactly, file contents without their trailing newline.
    const harborYml = parseAllDocuments(readFileSync(join(root, 'opt/harbor/harbor.yml'), 'utf8'))[0].toJS();
    expect(harborYml.harbor_admin_password).toBe(NASTY.HARBOR_ADMIN_PASSWORD);
    expect(harborYml.external_database.harbor.password).toBe(NASTY.HARBOR_DB_PASSWORD);
    expect(harborYml.external_redis.password).toBe('redis-S3CR3T-from-file');
    // HCL: quotes and backslashes escaped inside the string.
    expect(readFileSync(join(root, 'etc/consul.d/consul.hcl'), 'utf8')).toContain('encrypt = "go\\"ss\\\\ip==S3CR3T-nasty-gossip"');
  });

  it('--all writes DIR/<cluster>/ laid out as out/<cluster>/, and a YAML value may hold a newline (escaped)', async () => {
    setEnv({ ...PLAIN, KUBEADM_BOOTSTRAP_TOKEN: 'line one\nS3CR3T line two' });
    const spec = modernWithRedisFile('redis-pw');
    const result = await cli('render', spec, '--all', '--to', 'deploy');
    expect(result.code).toBe(0);
    const model = loadSpec(spec);
    const artifacts = generateArtifacts(model);
    expect(listFiles(join(scratch, 'deploy', 'modern'))).toEqual([RENDER_STAMP_FILE, ...artifacts.map((item) => item.path)]);
    // The stamp carries the digest the deploy folder of the same spec carries (the playbook compares the two).
    const stamp = JSON.parse(readFileSync(join(scratch, 'deploy', 'modern', RENDER_STAMP_FILE), 'utf8'));
    expect(stamp.bundle).toBe(bundleDigest(model, artifacts));
    expect(Date.parse(stamp.rendered)).not.toBeNaN();
    const kubeadm = parseAllDocuments(readFileSync(join(scratch, 'deploy/modern/hosts/cp-1/etc/kubernetes/kubeadm-config.yaml'), 'utf8'));
    expect(kubeadm[0].toJS().bootstrapTokens[0].token).toBe('line one\nS3CR3T line two');
    expectNoLeak(`${result.stdout}\n${result.stderr}`, PLAIN);
  });

  it('fails before writing anything, listing every missing secret by name, field and file (exit 2)', async () => {
    setEnv({ CONSUL_GOSSIP_KEY: PLAIN.CONSUL_GOSSIP_KEY });
    const spec = modernWithRedisFile(undefined);
    const result = await cli('render', spec, '--all', '--to', 'deploy');
    expect(result.code).toBe(2);
    for (const name of [
      'KUBEADM_BOOTSTRAP_TOKEN',
      'KUBEADM_CERTIFICATE_KEY',
      'KUBEADM_CA_CERT_HASH',
      'HARBOR_DB_PASSWORD',
      'HARBOR_ADMIN_PASSWORD',
      'KEEPALIVED_AUTH_PASS',
    ]) {
      expect(result.stderr).toContain(`{{secret:env:${name}}}: environment variable ${name} is not set`);
    }
    expect(result.stderr).toContain(`file ${join(scratch, 'harbor-redis')} does not exist`);
    expect(result.stderr).toMatch(/referenced by spec\.harbor\.database\.password; used in hosts\/harbor-1\/opt\/harbor\/harbor\.yml/);
    expect(result.stderr).toMatch(/10 secret\(s\) cannot be filled; nothing was written/);
    expect(existsSync(join(scratch, 'deploy'))).toBe(false);
    expectNoLeak(result.stderr, PLAIN);
  });

  it('refuses a value its line format cannot hold, naming the secret, never the value', async () => {
    setEnv({ ...PLAIN, HARBOR_DB_PASSWORD: 'first S3CR3T-line\nsecond-S3CR3T-line', HARBOR_REDIS_PASSWORD: 'a,S3CR3T-comma' });
    const result = await cli('render', SEED, '--host', 'node1', '--to', 'deploy');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /\{\{secret:env:HARBOR_DB_PASSWORD\}\}: its value cannot be written safely: it contains a newline or another control character \(hosts\/node1\/opt\/harbor\/harbor\.cfg\)/,
    );
    expect(result.stderr).toMatch(
      /\{\{secret:env:HARBOR_REDIS_PASSWORD\}\}: its value cannot be written safely: it contains ",", which separates the fields of _REDIS_URL/,
    );
    expect(existsSync(join(scratch, 'deploy'))).toBe(false);
    expectNoLeak(result.stderr, { a: 'first S3CR3T-line\nsecond-S3CR3T-line', b: 'a,S3CR3T-comma' });
  });

  // Issue 22, item 7.
  it("refuses a Harbor CSRF_KEY that is not 32 bytes long: Harbor's core would draw a random key of its own", async () => {
    setEnv({ ...PLAIN, HARBOR_CSRF_KEY: 'S3CR3T-csrf-'.padEnd(31, 'k') });
    const spec = modernWithRedisFile('S3CR3T-redis');
    const result = await cli('render', spec, '--all', '--to', 'deploy');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /\{\{secret:env:HARBOR_CSRF_KEY\}\}: its value cannot be written safely: it is 31 bytes long, and Harbor's core takes a CSRF_KEY of exactly 32 .*shared-secrets\.env/,
    );
    expect(existsSync(join(scratch, 'deploy'))).toBe(false);
    expectNoLeak(result.stderr, { csrf: 'S3CR3T-csrf-'.padEnd(31, 'k') });
  });

  it('reads a secret only from a regular file of at most 64 KiB that is no file of the system itself, never waiting on one', async () => {
    setEnv(PLAIN);
    const fifo = join(scratch, 'fifo');
    expect(spawnSync('mkfifo', [fifo], { timeout: deadline(10_000) }).status).toBe(0);
    writeFileSync(join(scratch, 'large'), 'S3CR3T'.repeat(12_000));
    const cases: [string, string][] = [
      ['/etc/shadow', 'is /etc/shadow, a file of the system itself and not a secret'],
      ['/proc/self/environ', 'is /proc/'],
      ['/dev/zero', 'is /dev/zero, a file of the system itself'],
      [fifo, 'is not a regular file (a pipe, a socket or a device); put the value in a file'],
      [join(scratch, 'large'), 'is larger than 64 KiB, far more than a secret'],
    ];
    for (const [path, reason] of cases) {
      const result = await cli('render', modernWithRedisFile(undefined, path), '--all', '--to', 'deploy');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`{{secret:file:${path}}}: file ${path} ${reason}`);
      expect(existsSync(join(scratch, 'deploy'))).toBe(false);
    }
  });

  it('writes `$` as `$$` in Harbor 1.x env templates (./prepare reads them as string.Template)', async () => {
    setEnv({ ...PLAIN, HARBOR_REDIS_PASSWORD: 'pa$$word' });
    expect((await cli('render', SEED, '--host', 'node1', '--to', 'deploy')).code).toBe(0);
    expect(readFileSync(join(scratch, 'deploy/node1/opt/harbor/common/templates/ui/env'), 'utf8')).toContain(',pa$$$$word,0');
  });

  it('names an unknown host with a suggestion; refuses --to inside ./out; needs exactly one of --host and --all', async () => {
    const unknown = await cli('render', SEED, '--host', 'emie', '--to', 'deploy');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/host "emie" is not in .*; did you mean "emei"\?/);
    mkdirSync(join(scratch, 'out'));
    expect((await cli('render', SEED, '--all', '--to', 'out/x')).stderr).toMatch(/inside \.\/out, which is committed/);
    expect((await cli('render', SEED, '--all', '--host', 'emei', '--to', 'd')).code).toBe(2);
    expect((await cli('render', SEED, '--to', 'd')).code).toBe(2);
    expect((await cli('render', SEED, '--all')).stderr).toMatch(/--to DIR is required/);
  });
});

describe('clusterspec render --to: never inside a git work tree, never a file', () => {
  /** A scratch git repository holding the seed under fixtures/, as this repository does. */
  function scratchRepository(): string {
    const repo = join(realpathSync(scratch), 'repo');
    mkdirSync(join(repo, 'fixtures'), { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    cpSync(join(ROOT, 'fixtures/seed-ha'), join(repo, 'fixtures/seed-ha'), { recursive: true });
    mkdirSync(join(repo, 'out'));
    writeFileSync(join(repo, '.gitignore'), 'ignored/\n');
    return repo;
  }

  it('refuses a folder inside a repository by its real path: relative, through a symlink, ignored, not yet existing', async () => {
    setEnv(PLAIN);
    const repo = scratchRepository();
    symlinkSync(join(repo, 'out'), join(scratch, 'link-to-out'));
    const cases: [cwd: string, to: string, resolved: string][] = [
      [join(repo, 'fixtures'), '../out/rendered', join(repo, 'out/rendered')], // the issue's case, run from fixtures/
      [scratch, 'link-to-out/rendered', join(repo, 'out/rendered')],
      [scratch, join(repo, 'ignored/deploy'), join(repo, 'ignored/deploy')],
      [scratch, join(repo, 'a/b/c'), join(repo, 'a/b/c')],
      [repo, '.', repo],
    ];
    for (const [cwd, to, resolved] of cases) {
      process.chdir(cwd);
      const result = await cli('render', join(repo, 'fixtures/seed-ha/cluster.yaml'), '--all', '--to', to);
      expect({ to, code: result.code }).toEqual({ to, code: 2 });
      expect(result.stderr.split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`--to ${to}: ${resolved} is inside the git work tree ${repo}`);
      expect(result.stderr).toMatch(/render into a folder outside any repository, e\.g\. /);
      expect(result.stdout).toBe('');
    }
    expect(listFiles(join(repo, 'out'))).toEqual([]);
    expect(existsSync(join(repo, 'ignored'))).toBe(false);
    expect(existsSync(join(repo, 'a'))).toBe(false);
    expect(listFiles(join(repo, 'fixtures'))).toEqual(['seed-ha/cluster.yaml']);
    expectNoLeak(channels.join('\n'), PLAIN);
  });

  it('judges the folder itself, not the repository a git hook exports (GIT_DIR, GIT_WORK_TREE)', async () => {
    setEnv(PLAIN);
    const repo = scratchRepository();
    Object.assign(process.env, { GIT_DIR: join(repo, '.git'), GIT_WORK_TREE: repo });
    expect((await cli('render', SEED, '--all', '--to', join(scratch, 'deploy'))).code).toBe(0);
    expect((await cli('render', SEED, '--all', '--to', join(repo, 'out/x'))).stderr).toContain(`is inside the git work tree ${repo}`);
  });

  it('refuses a file, or a path below a file, in one line naming the path and the cause (exit 2)', async () => {
    setEnv(PLAIN);
    writeFileSync(join(scratch, 'afile'), 'keep me\n');
    for (const to of ['afile', 'afile/sub']) {
      const result = await cli('render', SEED, '--all', '--to', to);
      expect({ to, code: result.code }).toEqual({ to, code: 2 });
      expect(result.stderr).toBe(
        `clusterspec render: --to ${to}: ${join(realpathSync(scratch), 'afile')} is a file, not a folder; name a folder (it is created if missing)`,
      );
    }
    expect(readFileSync(join(scratch, 'afile'), 'utf8')).toBe('keep me\n');
    // As the binary: the same line, no stack trace.
    const bin = join(ROOT, 'packages/cli/bin/clusterspec.js');
    const spawned = spawnSync('node', [bin, 'render', SEED, '--all', '--to', 'afile'], {
      cwd: scratch,
      encoding: 'utf8',
      env: { ...process.env, ...PLAIN },
      timeout: deadline(30_000),
    });
    expect(spawned.status).toBe(2);
    expect(spawned.stderr.trim().split('\n')).toHaveLength(1);
    expect(spawned.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe('clusterspec check: a value where generate writes a placeholder, and --exact', () => {
  it('lists a stale file that lost a placeholder as "secret", with the line and the placeholder, never the value', async () => {
    expect((await cli('generate', SEED, '--out', 'gen')).code).toBe(0);
    const hcl = join(scratch, 'gen/seed-ha/hosts/consul-2/etc/consul.d/consul.hcl');
    const generated = readFileSync(hcl, 'utf8');
    const line = generated.split('\n').findIndex((text) => text.includes('{{secret:env:CONSUL_GOSSIP_KEY}}')) + 1;
    writeFileSync(hcl, generated.replace('{{secret:env:CONSUL_GOSSIP_KEY}}', 'S3CR3T-gossip-value'));
    writeFileSync(join(scratch, 'gen/seed-ha/hosts/emei/etc/nginx/nginx.conf'), 'events {}\n'); // stale, no secret in it
    const result = await cli('check', SEED, '--out', 'gen');
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').sort()).toEqual([
      `secret   gen/seed-ha/hosts/consul-2/etc/consul.d/consul.hcl: line ${line} holds something else where generate writes {{secret:env:CONSUL_GOSSIP_KEY}}`,
      'stale    gen/seed-ha/hosts/emei/etc/nginx/nginx.conf',
    ]);
    expect(result.stderr).toMatch(/1 file\(s\) lack a \{\{secret:\.\.\.\}\} placeholder that generate writes: .*rotate the secret/);
    expectNoLeak(`${result.stdout}\n${result.stderr}`, { gossip: 'S3CR3T-gossip-value' });
  });

  it('--exact lists every entry of DIR no given spec writes, without following links; with no spec, DIR must be empty', async () => {
    expect((await cli('generate', SEED, '--out', 'gen')).code).toBe(0);
    mkdirSync(join(scratch, 'gen/rendered/seed-ha'), { recursive: true });
    writeFileSync(join(scratch, 'gen/rendered/seed-ha/a'), 'S3CR3T\n');
    writeFileSync(join(scratch, 'gen/rendered/b'), 'S3CR3T\n');
    writeFileSync(join(scratch, 'gen/notes.txt'), 'x\n');
    symlinkSync('/etc', join(scratch, 'gen/etc-link'));
    expect((await cli('check', SEED, '--out', 'gen')).code).toBe(0); // without --exact, only gen/seed-ha/ is compared
    // A killed run's leftover beside it is reported with or without --exact, once (pid above any pid_max: dead).
    mkdirSync(join(scratch, 'gen/seed-ha.tmp-99999999'));
    const exact = await cli('check', SEED, '--out', 'gen', '--exact', '--quiet');
    expect(exact.code).toBe(1);
    expect(exact.stdout.split('\n')).toEqual([
      'leftover gen/seed-ha.tmp-99999999 (left by a killed run, pid 99999999; the next generate removes it)',
      'extra    gen/etc-link (symbolic link; no spec writes it)',
      'extra    gen/notes.txt (no spec writes it)',
      'extra    gen/rendered/ (folder of 2 files; no spec writes it)',
    ]);
    const none = await cli('check', '--out', 'gen', '--exact');
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^extra {4}gen\/seed-ha\/ \(folder of \d+ files; no spec writes it\)$/m);
    expect((await cli('check', '--out', 'nothing-here', '--exact')).code).toBe(0);
  });

  it('replacedPlaceholders: unchanged lines keep theirs; a replaced one is named at its generated line, repeated ones counted', () => {
    const generated = 'a = "{{secret:env:A}}"\nb = 1\nc = "{{secret:env:A}}"\nd = "{{secret:file:/k}}"\n';
    expect(replacedPlaceholders(generated, generated)).toEqual([]);
    expect(replacedPlaceholders(generated, generated.replace('b = 1', 'b = 2'))).toEqual([]);
    expect(replacedPlaceholders(generated, generated.replace('c = "{{secret:env:A}}"', 'c = "value"'))).toEqual([{ placeholder: '{{secret:env:A}}', line: 3 }]);
    // Reformatted but still holding the placeholder: not a replacement.
    expect(replacedPlaceholders(generated, generated.replace('d = "{{secret:file:/k}}"', 'd="{{secret:file:/k}}"'))).toEqual([]);
    // Moved to another line: the count holds, nothing is reported.
    expect(replacedPlaceholders(generated, `x = "{{secret:env:A}}"\n${generated.replace('a = "{{secret:env:A}}"\n', '')}`)).toEqual([]);
    expect(replacedPlaceholders(generated, 'nothing\n')).toEqual([
      { placeholder: '{{secret:env:A}}', line: 1 },
      { placeholder: '{{secret:env:A}}', line: 3 },
      { placeholder: '{{secret:file:/k}}', line: 4 },
    ]);
  });
});

describe('no secret value in any output channel of any command', () => {
  it('validate, generate, check, lint (every format), render (ok and failing), help: no value, no fragment', async () => {
    channels.length = 0;
    const values = { ...NASTY, KUBEADM_CA_CERT_HASH: 'sha256:S3CR3T\nmulti-line-S3CR3T-hash' };
    setEnv(values);
    const spec = modernWithRedisFile('file-S3CR3T-value\n');
    const runs: [string[], number[]][] = [
      [['validate', SEED, spec], [0]],
      [['generate', SEED, spec, '--out', 'gen'], [0]],
      [['check', SEED, spec, '--out', 'gen'], [0]],
      [['check', SEED, '--out', 'elsewhere'], [1]],
      ...['text', 'json', 'sarif', 'github'].map((format): [string[], number[]] => [
        ['lint', SEED, spec, '--format', format],
        [0, 1],
      ]),
      [['render', spec, '--all', '--to', 'deploy'], [0]], // the multi-line hash goes into YAML, escaped
      [['render', SEED, '--all', '--to', 'deploy2'], [0]],
      [['render', SEED, '--host', 'nope', '--to', 'deploy'], [2]],
      [['render', '--help'], [0]],
      [['generate', join(scratch, 'missing.yaml')], [2]],
    ];
    for (const [argv, codes] of runs) {
      const result = await cli(...argv);
      if (!codes.includes(result.code)) throw new Error(`${argv.join(' ')} exited ${result.code}`);
    }
    // Also as the installed binary, with the values in its real environment: stdout and stderr of a failing render.
    const bin = join(ROOT, 'packages/cli/bin/clusterspec.js');
    const env = { ...process.env, ...values, HARBOR_DB_PASSWORD: 'bad\nS3CR3T-newline' };
    const spawned = spawnSync('node', [bin, 'render', SEED, '--all', '--to', join(scratch, 'bin-deploy')], {
      encoding: 'utf8',
      env,
      timeout: deadline(30_000),
    });
    expect(spawned.status).toBe(2);
    channels.push(spawned.stdout, spawned.stderr);
    const everything = channels.join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    expectNoLeak(everything, { ...values, file: 'file-S3CR3T-value', bad: 'bad\nS3CR3T-newline' });
    // generate's out/ holds placeholders, never values.
    const generated = listFiles(join(scratch, 'gen'))
      .map((file) => readFileSync(join(scratch, 'gen', file), 'utf8'))
      .join('\n');
    expect(generated).toContain('{{secret:env:HARBOR_DB_PASSWORD}}');
    expectNoLeak(generated, { ...values, file: 'file-S3CR3T-value' });
  });
});
