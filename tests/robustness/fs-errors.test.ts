/**
 * Everyday file-system errors (issue 11, item 2): every command, pointed at a target it cannot use, exits 2
 * with one line naming the path and the cause, writes nothing, and never hangs.
 *
 * Runs the real binary (packages/cli/bin/clusterspec.js, so `npm run build` first). A read-only mount and a
 * full disk are real: tmpfs mounts (`mount -o ro`, `size=16k`) inside a private mount namespace
 * (`unshare -m`), which needs root; an unreadable file is read as user nobody (`setpriv`) when run as root,
 * since root reads a mode-000 file.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';
import { deadline } from '../support/deadline';

const BIN = join(ROOT, 'packages/cli/bin/clusterspec.js');
const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');
const IS_ROOT = process.getuid?.() === 0;
const CAN_MOUNT = IS_ROOT && spawnSync('unshare', ['-m', 'true']).status === 0;

/** Every secret the seed names, set, so render gets as far as writing. */
const SECRETS: Record<string, string> = Object.fromEntries(
  [...new Set([...readFileSync(SEED, 'utf8').matchAll(/fromEnv: ([A-Z0-9_]+)/g)].map((match) => match[1]))].map((name) => [name, 'value-1']),
);
const KUBEADM = {
  KUBEADM_BOOTSTRAP_TOKEN: 'abcdef.0123456789abcdef',
  KUBEADM_CERTIFICATE_KEY: 'k'.repeat(64),
  KUBEADM_CA_CERT_HASH: `sha256:${'a'.repeat(64)}`,
};

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-fs-'));
  chmodSync(scratch, 0o755); // user nobody must reach it
  writeFileSync(join(scratch, 'afile'), 'a file\n');
  mkdirSync(join(scratch, 'ro'));
  mkdirSync(join(scratch, 'full'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/**
 * Runs the binary in the scratch folder. With `mounts`, inside a private mount namespace where ro/ is a
 * read-only tmpfs and full/ a 16 KiB one; what the two hold after the run (and the blocks full/ still uses)
 * is written to scratch/after.txt from inside, since the mounts vanish with the namespace.
 */
function run(argv: readonly string[], options: { mounts?: boolean; asNobody?: boolean } = {}): Run {
  const node = [process.execPath, BIN, ...argv];
  const command = options.asNobody && IS_ROOT ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node;
  const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  const [file, args] = options.mounts
    ? [
        'unshare',
        [
          '-m',
          'sh',
          '-c',
          `mount -t tmpfs -o ro tmpfs ro && mount -t tmpfs -o size=16k tmpfs full && { ${quoted}; code=$?; { ls -A full ro; df -k full | tail -1; } > after.txt; exit $code; }`,
        ],
      ]
    : [command[0], command.slice(1)];
  const started = Date.now();
  const result = spawnSync(file, args, {
    cwd: scratch,
    encoding: 'utf8',
    timeout: deadline(30000),
    env: { ...process.env, ...SECRETS, ...KUBEADM, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (Date.now() - started) / 1000 };
}

/** Exit 2, one line on stderr from the command naming the path and the cause, no stack trace. */
function expectOneLine(result: Run, command: string, path: string, cause: RegExp) {
  expect(result.stderr).not.toMatch(/^\s+at |node:internal|Error:/m);
  expect({ status: result.status, lines: result.stderr.trimEnd().split('\n').length }).toEqual({ status: 2, lines: 1 });
  expect(result.stderr).toMatch(new RegExp(`^clusterspec ${command}: `));
  expect(result.stderr).toContain(path);
  expect(result.stderr).toMatch(cause);
}

/** What the scratch folder holds, as sorted relative paths (links and mount points included as names). */
function tree(folder = scratch): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort();
}

const NOT_A_FOLDER = /afile is a file, not a folder/;

describe('writing commands over a table of targets they cannot use (exit 2, one line, nothing written)', () => {
  const writers: { name: string; argv: string[]; command: string; path: string; cause: RegExp }[] = [
    { name: 'generate --out afile', command: 'generate', argv: ['generate', SEED, '--out', 'afile'], path: 'afile', cause: NOT_A_FOLDER },
    { name: 'generate --out afile/sub', command: 'generate', argv: ['generate', SEED, '--out', 'afile/sub'], path: 'afile/sub', cause: NOT_A_FOLDER },
    { name: 'generate --out /proc', command: 'generate', argv: ['generate', SEED, '--out', '/proc'], path: '/proc', cause: /refuses new entries/ },
    { name: 'init --out afile/cluster.yaml', command: 'init', argv: ['init', '--out', 'afile/cluster.yaml'], path: 'afile', cause: NOT_A_FOLDER },
    { name: 'render --to afile', command: 'render', argv: ['render', SEED, '--all', '--to', 'afile'], path: 'afile', cause: NOT_A_FOLDER },
    {
      name: 'render --host --to afile/sub',
      command: 'render',
      argv: ['render', SEED, '--host', 'emei', '--to', 'afile/sub'],
      path: 'afile/sub',
      cause: NOT_A_FOLDER,
    },
  ];
  it.each(writers)('$name', ({ argv, command, path, cause }) => {
    const before = tree();
    expectOneLine(run(argv), command, path, cause);
    expect(tree()).toEqual(before);
    expect(readFileSync(join(scratch, 'afile'), 'utf8')).toBe('a file\n');
  });

  it('generate --out /proc/self/x fails at once instead of spinning in a recursive mkdir', () => {
    const result = run(['generate', SEED, '--out', '/proc/self/x']);
    expectOneLine(result, 'generate', '/proc/self/x', /refuses new entries \(ENOENT\)/);
    expect(result.seconds).toBeLessThan(15); // it used to run until killed (the 30 s timeout)
  });

  const mounted: { name: string; argv: string[]; command: string; path: string; cause: RegExp }[] = [
    {
      name: 'generate onto a read-only mount',
      command: 'generate',
      argv: ['generate', SEED, '--out', 'ro/out'],
      path: 'ro/out',
      cause: /read-only file system \(EROFS\)/,
    },
    {
      name: 'generate onto a full disk',
      command: 'generate',
      argv: ['generate', SEED, '--out', 'full/out'],
      path: 'full/out/seed-ha',
      cause: /no space left on the device \(ENOSPC\)/,
    },
    {
      name: 'init onto a read-only mount',
      command: 'init',
      argv: ['init', '--out', 'ro/site/cluster.yaml'],
      path: 'ro/site',
      cause: /read-only file system \(EROFS\)/,
    },
    {
      name: 'init onto a full disk',
      command: 'init',
      argv: ['init', '--workers', '240', '--harbor', '9', '--out', 'full/site/cluster.yaml'],
      path: 'full/site/cluster.yaml',
      cause: /no space left on the device \(ENOSPC\)/,
    },
    {
      name: 'render onto a read-only mount',
      command: 'render',
      argv: ['render', SEED, '--all', '--to', 'ro/deploy'],
      path: 'ro/deploy',
      cause: /read-only file system \(EROFS\)/,
    },
    {
      name: 'render onto a full disk',
      command: 'render',
      argv: ['render', SEED, '--all', '--to', 'full/deploy'],
      path: 'full/deploy/seed-ha',
      cause: /no space left on the device \(ENOSPC\)/,
    },
  ];
  (CAN_MOUNT ? it.each(mounted) : it.skip.each(mounted))('$name (tmpfs in a private mount namespace)', ({ argv, command, path, cause }) => {
    expectOneLine(run(argv, { mounts: true }), command, path, cause);
    // Nothing half-written: no output, staging folder, lock or folder made for the run, and every block free.
    const [full, , ro, df] = readFileSync(join(scratch, 'after.txt'), 'utf8').trimEnd().split('\n');
    expect({ full, ro }).toEqual({ full: 'full:', ro: 'ro:' });
    expect(df).toMatch(/^tmpfs\s+16\s+0\s/);
  });

  it('init --out site/cluster.yaml makes the missing site/ folder (the README example)', () => {
    const result = run(['init', '--out', 'site/cluster.yaml']);
    expect(result.stderr).toMatch(/^wrote site\/cluster\.yaml: /);
    expect(result.status).toBe(0);
    expect(readFileSync(join(scratch, 'site/cluster.yaml'), 'utf8')).toMatch(/^kind: Cluster$/m);
  });
});

describe('reading commands over unusable targets (exit 2, one line, never a hang)', () => {
  const generateInto = (out: string) => expect(run(['generate', SEED, '--out', out]).status).toBe(0);

  it.each(['check', 'diff'])('%s --out afile names the path and the cause', (command) => {
    expectOneLine(run([command, SEED, '--out', 'afile']), command, 'afile/seed-ha', /a part of the path is a file, not a folder \(ENOTDIR\)/);
  });

  it.each(['check', 'diff'])('%s with an unreadable file in out/', (command) => {
    generateInto('out');
    spawnSync('chmod', ['-R', 'a+rX', join(scratch, 'out')]);
    const unreadable = 'out/seed-ha/hosts/emei/etc/nginx/nginx.conf';
    chmodSync(join(scratch, unreadable), 0o000);
    expectOneLine(run([command, SEED, '--out', 'out'], { asNobody: true }), command, unreadable, /permission denied \(EACCES\)/);
  });

  it.each(['validate', 'lint', 'check'])('%s of a spec that is a FIFO or a folder refuses at once instead of waiting for a writer', (command) => {
    spawnSync('mkfifo', [join(scratch, 'spec.fifo')]);
    const result = run([command, 'spec.fifo', 'ro']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('spec.fifo:1:1: error: cannot read the spec: it is a named pipe, not a file');
    expect(result.stderr).toContain('ro:1:1: error: cannot read the spec: it is a folder, not a file');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });
});
