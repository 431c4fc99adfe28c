/**
 * Robustness: `certs list` and `certs plan` over a collected folder someone else filled (issue 22). Every
 * value from outside (file names, subjects, SANs) reaches the terminal with its control characters shown as
 * escapes, and the runbook's sh blocks, run by sh, do nothing a name asks for; no symbolic link under --certs
 * is followed and each is reported; a certificate with 28,000 SANs is reported, not printed; --now, --since
 * and --certs refuse what they cannot mean.
 */
import { apiServerCertificate } from '@clusterspec/pki';
import { loadSpec } from '@clusterspec/spec';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';
import { ROOT } from '../support/fixtures';
import { makeCA, openssl, subjectAltNameOf } from '../support/pki';
import { deadline } from '../support/deadline';

const MODERN = join(ROOT, 'fixtures/modern/cluster.yaml');
const modern = loadSpec(MODERN);
const [cp1] = modern.kubernetes.controlPlaneHosts;

/** A file name that, unquoted in a comment, put `touch PWNED;` on a line of its own in the runbook (issue 22). */
const NEWLINE_NAME = 'a\ntouch PWNED;\nb.crt';
/** ANSI escapes (red, clear screen), a command substitution, backticks and a semicolon. */
const ESCAPE_NAME = '\u001b[31mred\u001b[2J$(touch PWNED)`touch PWNED`;.crt';
/** A SAN holding ESC, as a hostile certificate may (Node prints it JSON-quoted; the reader unquotes it). */
const ESCAPE_SAN = 'x\u001b[2Jy.example';
const SUBSTITUTION_SAN = '$(touch PWNED).example';
/** Raw control characters other than the newline and blank JSON lays out with. */
// eslint-disable-next-line no-control-regex -- finding raw control characters is the assertion
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let work: string;
let ca: string;

/** Signs a certificate with the test CA from an openssl config written byte for byte (so it may hold ESC). */
function sign(out: string, commonName: string, sans: readonly string[], days: number): void {
  const scratch = mkdtempSync(join(work, 'sign-'));
  const config = join(scratch, 'cert.cnf');
  // openssl's config expands $name; \$ is a literal dollar.
  const literal = (value: string) => value.replace(/\$/g, '\\$');
  const alt = sans.map((name, index) => `DNS.${index + 1} = ${literal(name)}`);
  writeFileSync(
    config,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      `CN = ${literal(commonName)}`,
      '[ext]',
      ...(alt.length > 0 ? ['subjectAltName = @alt', '[alt]', ...alt] : ['basicConstraints = CA:FALSE']),
      '',
    ].join('\n'),
  );
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(scratch, 'key'), '-config', config, '-out', join(scratch, 'csr'));
  openssl(
    'x509',
    '-req',
    '-in',
    join(scratch, 'csr'),
    '-CA',
    join(ca, 'ca.crt'),
    '-CAkey',
    join(ca, 'ca.key'),
    '-CAcreateserial',
    '-CAserial',
    join(scratch, 'srl'),
    '-days',
    String(days),
    '-extfile',
    config,
    '-extensions',
    'ext',
    '-out',
    out,
  );
}

/** cp-1's /etc/kubernetes/pki as `rsync -a` copies it, with the hostile names. */
let hostile: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'clusterspec-hostile-certs-'));
  ca = join(work, 'ca');
  makeCA(ca, '/CN=kubernetes', 3650);
  hostile = join(work, 'hostile');
  const pki = join(hostile, 'hosts', cp1.name, 'pki');
  mkdirSync(pki, { recursive: true });
  cpSync(join(ca, 'ca.crt'), join(pki, 'ca.crt'));
  const plan = apiServerCertificate(modern, cp1);
  // The apiserver certificate with two names the plan lacks (cert-plan-drift quotes them in its reason).
  sign(
    join(pki, 'apiserver.crt'),
    'kube-apiserver',
    [
      ...subjectAltNameOf(plan)
        .split(',')
        .map((name) => name.replace(/^(DNS|IP):/, '')),
      ESCAPE_SAN,
      SUBSTITUTION_SAN,
    ],
    365,
  );
  // Certificates of no known place, inside the expiry window (cert-expiry names their paths).
  sign(join(pki, NEWLINE_NAME), '$(touch PWNED)`id`;', [], 5);
  sign(join(pki, ESCAPE_NAME), 'kube', [], 5);
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs every sh block of a runbook with sh in a scratch folder whose PATH holds only touch: nothing else the runbook names can act. */
function runShellBlocks(runbook: string): { created: boolean; script: string } {
  const blocks = [...runbook.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
  expect(blocks.length).toBeGreaterThan(0);
  const sandbox = mkdtempSync(join(work, 'sandbox-'));
  const bin = join(sandbox, 'bin');
  mkdirSync(bin);
  symlinkSync(execFileSync('sh', ['-c', 'command -v touch'], { encoding: 'utf8', timeout: deadline(10_000) }).trim(), join(bin, 'touch'));
  const script = blocks.join('');
  spawnSync('sh', ['-c', script], { cwd: sandbox, env: { PATH: bin }, encoding: 'utf8', timeout: deadline(20_000) });
  return { created: existsSync(join(sandbox, 'PWNED')), script };
}

describe('hostile names in a collected folder', () => {
  it('certs plan: text lines show them escaped, sh blocks quote them, running the blocks runs nothing they name', async () => {
    const { code, stdout, stderr } = await cli(['certs', 'plan', MODERN, '--certs', hostile, '--now', '2026-06-01']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout.split('\n')).not.toContain('touch PWNED;');
    expect(stdout).toContain('/etc/kubernetes/pki/a\\ntouch PWNED;\\nb.crt');
    expect(stdout).toContain('/etc/kubernetes/pki/\\x1b[31mred\\x1b[2J$(touch PWNED)`touch PWNED`;.crt');
    expect(stdout).toContain('x\\x1b[2Jy.example');
    const { created, script } = runShellBlocks(stdout);
    expect(script).toContain('# /etc/kubernetes/pki/a\\ntouch PWNED;\\nb.crt: clusterspec knows no issuer for it');
    expect(created).toBe(false);
  });

  it('certs list, text: every cell escaped for the terminal', async () => {
    const { code, stdout } = await cli(['certs', 'list', '--certs', hostile, '--now', '2026-06-01']);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout.split('\n')).toHaveLength(1 + 4);
    expect(stdout).toContain('/etc/kubernetes/pki/a\\ntouch PWNED;\\nb.crt');
    expect(stdout).toContain('x\\x1b[2Jy.example');
  });

  it('certs list, json: the raw values as data, no raw control character on the terminal', async () => {
    const { code, stdout } = await cli(['certs', 'list', '--certs', hostile, '--now', '2026-06-01', '--format', 'json']);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(RAW_CONTROL);
    const rows = (JSON.parse(stdout) as { certificates: { path: string; sans: string[]; subject: string }[] }).certificates;
    expect(rows.map((row) => row.path)).toEqual(expect.arrayContaining([`/etc/kubernetes/pki/${NEWLINE_NAME}`, `/etc/kubernetes/pki/${ESCAPE_NAME}`]));
    expect(rows.find((row) => row.path === '/etc/kubernetes/pki/apiserver.crt')?.sans).toEqual(expect.arrayContaining([ESCAPE_SAN, SUBSTITUTION_SAN]));
  });

  it('the C1 controls and U+2028 JSON.stringify leaves raw are written as \\u escapes', async () => {
    const directory = join(work, 'c1');
    const pki = join(directory, 'hosts', cp1.name, 'pki');
    mkdirSync(pki, { recursive: true });
    cpSync(join(hostile, 'hosts', cp1.name, 'pki', 'ca.crt'), join(pki, '\u009b31m\u2028\u202e.crt'));
    const { stdout } = await cli(['certs', 'list', '--certs', directory, '--format', 'json']);
    expect(stdout).not.toMatch(/[\u009b\u2028\u202e]/);
    expect(stdout).toContain('\\u009b31m\\u2028\\u202e.crt');
    expect((JSON.parse(stdout) as { certificates: { path: string }[] }).certificates[0].path).toBe('/etc/kubernetes/pki/\u009b31m\u2028\u202e.crt');
  });
});

describe('links and special files under --certs', () => {
  let directory: string;
  beforeAll(() => {
    directory = join(work, 'links');
    const pki = join(directory, 'hosts', cp1.name, 'pki');
    mkdirSync(pki, { recursive: true });
    cpSync(join(ca, 'ca.crt'), join(pki, 'ca.crt'));
    // Elsewhere on this machine: what a followed link would have read.
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(join(elsewhere, 'pki'), { recursive: true });
    cpSync(join(ca, 'ca.crt'), join(elsewhere, 'pki', 'other.crt'));
    cpSync(join(ca, 'ca.crt'), join(elsewhere, 'alice.crt'));
    symlinkSync(join(elsewhere, 'pki', 'other.crt'), join(pki, 'linked.crt'));
    symlinkSync(join(elsewhere, 'pki'), join(pki, 'linked-folder'));
    symlinkSync(elsewhere, join(directory, 'hosts', 'cp-2'));
    mkdirSync(join(directory, 'cluster'));
    symlinkSync(elsewhere, join(directory, 'cluster', 'kubeconfig'));
    execFileSync('mkfifo', [join(pki, 'pipe.crt')], { timeout: deadline(10_000) });
  });

  it('follows none, reads no FIFO, and reports each as not read (json, text, plan)', async () => {
    const listed = await cli(['certs', 'list', '--certs', directory, '--format', 'json']);
    expect(listed.code).toBe(0);
    const { certificates, skipped } = JSON.parse(listed.stdout) as { certificates: { path: string }[]; skipped: { file: string; reason: string }[] };
    expect(certificates.map((row) => row.path)).toEqual(['/etc/kubernetes/pki/ca.crt']);
    expect(skipped.map((entry) => entry.file)).toEqual([
      `hosts/${cp1.name}/pki/linked-folder`,
      `hosts/${cp1.name}/pki/linked.crt`,
      `hosts/${cp1.name}/pki/pipe.crt`,
      'hosts/cp-2',
      'cluster/kubeconfig',
    ]);
    expect(skipped[0].reason).toMatch(/^a symbolic link, never followed/);
    expect(skipped[2].reason).toBe('a FIFO, not read; collect the certificate as a regular file');
    const text = await cli(['certs', 'list', '--certs', directory]);
    expect(text.stdout).toContain(`Not read (5):\n\n- hosts/${cp1.name}/pki/linked-folder: a symbolic link, never followed`);
    // Judged now: the CA made for the test is valid from today.
    const plan = await cli(['certs', 'plan', MODERN, '--certs', directory]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('Nothing to re-issue.\n\nNot read (5):');
  });

  it('a hosts/ that is a link to /etc is not walked: nothing read, the link named, exit 2', async () => {
    const linked = join(work, 'hosts-link');
    mkdirSync(linked);
    symlinkSync('/etc', join(linked, 'hosts'));
    const { code, stderr, stdout } = await cli(['certs', 'list', '--certs', linked]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `clusterspec certs: --certs ${linked}: no .crt file under hosts/<host>/ or cluster/kubeconfig/ (not read: hosts, a symbolic link, never followed (it could lead anywhere on this machine); collect the file itself (rsync -a --copy-links, scp -r)); lay it out like out/<cluster>/`,
    );
  });
});

describe('a certificate with 28,000 SANs', () => {
  it('is reported as not read, in a few hundred bytes rather than megabytes', async () => {
    const directory = join(work, 'many-names');
    const pki = join(directory, 'hosts', cp1.name, 'pki');
    mkdirSync(pki, { recursive: true });
    cpSync(join(ca, 'ca.crt'), join(pki, 'ca.crt'));
    sign(
      join(pki, 'apiserver.crt'),
      'kube-apiserver',
      Array.from({ length: 28_000 }, (_, index) => `n${index}.example.com`),
      365,
    );
    expect(readFileSync(join(pki, 'apiserver.crt')).length).toBeGreaterThan(500_000);
    const plan = await cli(['certs', 'plan', MODERN, '--certs', directory, '--now', '2026-06-01']);
    const list = await cli(['certs', 'list', '--certs', directory, '--now', '2026-06-01']);
    for (const output of [plan.stdout, list.stdout]) {
      expect(output).toContain(`- hosts/${cp1.name}/pki/apiserver.crt: 28000 subject alternative names, over 1000`);
      expect(output.length).toBeLessThan(5_000);
    }
    expect(plan.code).toBe(1);
  }, 60_000);
});

describe('options that refuse what they cannot mean', () => {
  it.each(['-5', '2027-02-30', 'March 7', '2026-11-30T12:00Z', '2026-11-30T24:00:00Z', '2026-13-01', '1773878400'])(
    '--now %s: one line, exit 2',
    async (value) => {
      const { code, stderr, stdout } = await cli(['certs', 'list', '--certs', hostile, '--now', value]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `clusterspec certs: --now ${value}: not a date; write it as 2026-11-30 or 2026-11-30T12:00:00Z (RFC 3339); run 'clusterspec certs --help' for usage`,
      );
    },
  );

  it.each([
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2026-11-30T12:00:00Z', '2026-11-30T12:00:00.000Z'],
    ['2026-11-30t12:00:00.5+02:00', '2026-11-30T10:00:00.500Z'],
    ['2026-11-30 12:00:00-01:30', '2026-11-30T13:30:00.000Z'],
  ])('--now %s is %s', async (value, instant) => {
    const { code, stdout } = await cli(['certs', 'list', '--certs', hostile, '--now', value, '--format', 'json']);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { now: string }).now).toBe(instant);
  });

  it("--since '' is refused rather than read as the staged plan", async () => {
    const { code, stderr } = await cli(['certs', 'plan', MODERN, '--since', '']);
    expect(code).toBe(2);
    expect(stderr).toBe(`clusterspec certs: --since "": name a git revision, e.g. HEAD~1 or a tag; run 'clusterspec certs --help' for usage`);
  });

  it('--certs FILE says it is a file, not a folder', async () => {
    const file = join(hostile, 'hosts', cp1.name, 'pki', 'ca.crt');
    const { code, stderr } = await cli(['certs', 'list', '--certs', file]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `clusterspec certs: --certs ${file}: a file, not a folder; name the folder the certificates were collected into, laid out like out/<cluster>/`,
    );
  });
});
