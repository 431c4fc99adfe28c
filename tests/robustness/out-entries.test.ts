/**
 * What check and diff meet in out/ besides generated files (issue 11, items 4 and 6): links are never followed
 * and nothing but regular files is opened (a FIFO used to hang diff forever, a link to /etc/passwd was
 * printed); leftovers of a killed generate are ignored by git, reported by check, and cleaned (and named) by
 * the next generate.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, seedOutputScratch } from '../support/cli';
import { ROOT } from '../support/fixtures';
import { deadline } from '../support/deadline';

const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');
const BIN = join(ROOT, 'packages/cli/bin/clusterspec.js');
/** Above the kernel's largest pid (pid_max is at most 2^22): a run that is certainly over. */
const DEAD_PID = 99999999;

const { scratch, out, site } = seedOutputScratch('clusterspec-entries-');

describe('links, FIFOs and sockets in out/ are named, never followed or opened', () => {
  const secretLine = 'root:x:0:0:'; // the first line of /etc/passwd

  /** A link in place of a generated file, a link to a folder, a FIFO, all in the seed's output. */
  function plant() {
    const hosts = join(site, 'hosts/emei/etc/hosts.d/clusterspec');
    unlinkSync(hosts);
    symlinkSync('/etc/passwd', hosts);
    symlinkSync('/etc', join(site, 'etc-link'));
    spawnSync('mkfifo', [join(site, 'hosts/emei/etc/waiting')]);
    spawnSync('mkfifo', [join(site, 'pki/sign.sh.fifo')]);
  }

  it('check lists each as unexpected and exits 1, without reading through them', async () => {
    plant();
    const result = await cli(['check', SEED, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `unexpected ${join(site, 'etc-link')} (a symbolic link; out/ holds only regular files)`,
      `unexpected ${join(site, 'hosts/emei/etc/hosts.d/clusterspec')} (a symbolic link; out/ holds only regular files)`,
      `unexpected ${join(site, 'hosts/emei/etc/waiting')} (a named pipe; out/ holds only regular files)`,
      `unexpected ${join(site, 'pki/sign.sh.fifo')} (a named pipe; out/ holds only regular files)`,
    ]);
  });

  it('diff (the binary, which used to hang on the FIFO) names each, prints nothing of /etc/passwd, and exits 1', () => {
    plant();
    const result = spawnSync('node', [BIN, 'diff', SEED, '--out', out], { encoding: 'utf8', timeout: deadline(20000), env: { ...process.env, NO_COLOR: '1' } });
    expect(result.signal).toBeNull(); // not killed by the timeout
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain(secretLine);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('unexpected '))).toEqual([
      `unexpected ${join(site, 'etc-link')}: a symbolic link, not read; generate replaces it with a regular file or removes it`,
      `unexpected ${join(site, 'hosts/emei/etc/hosts.d/clusterspec')}: a symbolic link, not read; generate replaces it with a regular file or removes it`,
      `unexpected ${join(site, 'hosts/emei/etc/waiting')}: a named pipe, not read; generate replaces it with a regular file or removes it`,
      `unexpected ${join(site, 'pki/sign.sh.fifo')}: a named pipe, not read; generate replaces it with a regular file or removes it`,
    ]);
    expect(result.stdout).not.toMatch(/^[-+]{3} .*(etc-link|hosts\.d\/clusterspec|waiting)/m);
  });

  it('the cluster folder itself as a link to elsewhere is unexpected, not followed', async () => {
    const elsewhere = join(scratch, 'elsewhere');
    rmSync(elsewhere, { recursive: true, force: true });
    spawnSync('mv', [site, elsewhere]);
    symlinkSync(elsewhere, site);
    const check = await cli(['check', SEED, '--out', out]);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(`unexpected ${site} (a symbolic link; out/ holds only regular files)`);
    const diff = await cli(['diff', SEED, '--out', out]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toBe(`unexpected ${site}: a symbolic link, not read; generate replaces it with a regular file or removes it`);
    // generate replaces the link with a real folder and leaves its target alone.
    expect((await cli(['generate', SEED, '--out', out, '--quiet'])).code).toBe(0);
    expect((await cli(['check', SEED, '--out', out, '--quiet'])).code).toBe(0);
    expect(readdirSync(elsewhere).length).toBeGreaterThan(0);
  });
});

describe('leftovers of a killed generate', () => {
  function leave() {
    // What a SIGKILL leaves (tests/robustness/atomic.test.ts kills real runs): a half-written staging folder
    // and a swapped-out previous output, both named by the dead run's pid.
    mkdirSync(join(out, `seed-ha.tmp-${DEAD_PID}/hosts`), { recursive: true });
    writeFileSync(join(out, `seed-ha.tmp-${DEAD_PID}/hosts/half`), 'half');
    mkdirSync(join(out, `seed-ha.old-${DEAD_PID - 1}`));
    writeFileSync(join(out, `seed-ha.old-${DEAD_PID - 1}/file`), 'previous');
  }

  it("are ignored by git in the repository's out/", () => {
    const paths = [`out/seed-ha.tmp-${DEAD_PID}/hosts/half`, `out/seed-ha.old-${DEAD_PID}/file`, `out/.seed-ha.lock.${DEAD_PID}`];
    const ignored = spawnSync('git', ['check-ignore', '--no-index', ...paths], { cwd: ROOT, encoding: 'utf8' });
    expect(ignored.stdout.trim().split('\n')).toEqual(paths);
    // …but not generated files.
    expect(spawnSync('git', ['check-ignore', '--no-index', 'out/seed-ha/pki/sign.sh'], { cwd: ROOT }).status).toBe(1);
  });

  it('check reports each and exits 1 (it used to exit 0)', async () => {
    leave();
    const result = await cli(['check', SEED, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `leftover ${join(out, `seed-ha.old-${DEAD_PID - 1}`)} (left by a killed run, pid ${DEAD_PID - 1}; the next generate removes it)`,
      `leftover ${join(out, `seed-ha.tmp-${DEAD_PID}`)} (left by a killed run, pid ${DEAD_PID}; the next generate removes it)`,
    ]);
  });

  it("check leaves a live run's staging folder alone: that is work in progress", async () => {
    mkdirSync(join(out, `seed-ha.tmp-${process.pid}`));
    expect((await cli(['check', SEED, '--out', out, '--quiet'])).code).toBe(0);
  });

  it('the next generate removes them and says what it removed', async () => {
    leave();
    const result = await cli(['generate', SEED, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      `removed ${join(out, `seed-ha.tmp-${DEAD_PID}`)}, the unfinished output of a killed run (pid ${DEAD_PID})`,
      `removed ${join(out, `seed-ha.old-${DEAD_PID - 1}`)}, the previous output a killed run had already replaced (pid ${DEAD_PID - 1})`,
    ]);
    expect(readdirSync(out)).toEqual(['seed-ha']);
    expect((await cli(['check', SEED, '--out', out, '--quiet'])).code).toBe(0);
  });

  it('a previous output restored because the folder was lost mid-swap is named too', async () => {
    spawnSync('mv', [site, join(out, `seed-ha.old-${DEAD_PID}`)]);
    const result = await cli(['generate', SEED, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`restored ${site} from ${join(out, `seed-ha.old-${DEAD_PID}`)}, left by a run killed while swapping (pid ${DEAD_PID})`);
    expect(readdirSync(out)).toEqual(['seed-ha']);
  });
});
