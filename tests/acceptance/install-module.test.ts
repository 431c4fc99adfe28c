/**
 * The generated install module (deploy/collections/…/plugins/modules/install.py) run by the real Python and
 * Ansible's module library, as Ansible runs it on a host (arguments in a JSON file), against a temporary root:
 * the cases a fleet of fake hosts cannot reach cheaply. A `systemctl` and a checking program on PATH are
 * scripts of this test that log what they were asked. Checked: enabling only the units not enabled yet (and
 * not when stubbed, and not in check mode); a mode-only drift fixed in place and shown as such; a link at a
 * file's path replaced, never followed; a refused check putting back what the call had already placed,
 * including a new file removed; a missing account refused before anything is written.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installModuleFile } from '@clusterspec/deploy';
import { deadline } from '../support/deadline';

const PYTHON = '/usr/bin/python3';
const ansibleMissing =
  spawnSync(PYTHON, ['-c', 'import ansible.module_utils.basic'], { timeout: deadline(30_000) }).status === 0 ? undefined : 'no Python with ansible';

interface Entry {
  path: string;
  mode: string;
  owner: string;
  group: string;
  service: string;
  tag: string;
  secret?: boolean;
  check?: string[];
  unit?: string;
}

const file = (path: string, extra: Partial<Entry> = {}): Entry => ({
  path,
  mode: '0644',
  owner: 'root',
  group: 'root',
  service: 'files',
  tag: 'host',
  ...extra,
});

(ansibleMissing || process.getuid?.() !== 0 ? describe.skip : describe)(
  `the install module on its own${ansibleMissing ? ` (skipped: ${ansibleMissing})` : process.getuid?.() !== 0 ? ' (skipped: needs root to set owners)' : ''}`,
  () => {
    let work: string;
    let root: string;
    let bin: string;
    let module: string;
    const log = () => (existsSync(join(work, 'calls.log')) ? readFileSync(join(work, 'calls.log'), 'utf8').trim().split('\n') : []);

    beforeEach(() => {
      work = mkdtempSync(join(tmpdir(), 'clusterspec-module-'));
      root = join(work, 'root');
      bin = join(work, 'bin');
      mkdirSync(join(root, 'etc'), { recursive: true });
      mkdirSync(bin);
      module = join(work, 'install.py');
      writeFileSync(module, installModuleFile.render(null));
      // systemctl: is-enabled answers from a list; enable and every call are logged.
      writeFileSync(
        join(bin, 'systemctl'),
        `#!/bin/sh\necho "systemctl $*" >> ${work}/calls.log\nif [ "$1" = is-enabled ]; then grep -qx "$3" ${work}/enabled 2>/dev/null; exit $?; fi\nexit 0\n`,
      );
      // A check that refuses a file holding the word REFUSE.
      writeFileSync(join(bin, 'fakecheck'), `#!/bin/sh\necho "fakecheck $1" >> ${work}/calls.log\n! grep -q REFUSE "$1"\n`);
      chmodSync(join(bin, 'systemctl'), 0o755);
      chmodSync(join(bin, 'fakecheck'), 0o755);
      writeFileSync(join(work, 'enabled'), 'already.service\n');
    });
    afterEach(() => rmSync(work, { recursive: true, force: true }));

    function install(files: { entry: Entry; content: string }[], options: { check?: boolean; diff?: boolean; enable?: string[]; stubbed?: boolean } = {}) {
      const args = {
        ANSIBLE_MODULE_ARGS: {
          root,
          backup_dir: `${root}/var/backups/clusterspec`,
          files: files.map((each) => each.entry),
          contents: files.map((each) => Buffer.from(each.content).toString('base64')),
          enable: options.enable ?? [],
          stubbed: options.stubbed ?? false,
          _ansible_check_mode: options.check ?? false,
          _ansible_diff: options.diff ?? false,
        },
      };
      writeFileSync(join(work, 'args.json'), JSON.stringify(args));
      const run = spawnSync(PYTHON, [module, join(work, 'args.json')], {
        encoding: 'utf8',
        timeout: deadline(60_000),
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
      return { status: run.status, result: JSON.parse(run.stdout) as Record<string, unknown> & { msg?: string; diff?: { prepared?: string }[] } };
    }

    test('enables exactly the units not enabled yet; nothing when stubbed or in check mode', () => {
      expect(install([], { enable: ['already.service', 'new.service'], stubbed: true }).result.changed).toBe(false);
      expect(log()).toEqual([]);
      const check = install([], { enable: ['already.service', 'new.service'], check: true, diff: true });
      expect(check.result).toMatchObject({ changed: true, enabled: ['new.service'] });
      expect(check.result.diff).toEqual([{ prepared: 'systemctl enable new.service\n' }]);
      expect(log()).not.toContain('systemctl enable new.service');
      const real = install([], { enable: ['already.service', 'new.service'] });
      expect(real.result).toMatchObject({ changed: true, enabled: ['new.service'] });
      expect(log()).toContain('systemctl enable new.service');
      expect(log()).not.toContain('systemctl enable already.service');
    });

    test('a mode-only drift is fixed in place and shown as owner, group and mode, the content untouched', () => {
      const path = join(root, 'etc/app.conf');
      writeFileSync(path, 'same\n', { mode: 0o644 });
      const drift = install([{ entry: file('/etc/app.conf', { mode: '0600', secret: true }), content: 'same\n' }], { check: true, diff: true });
      expect(drift.result.changed_files).toEqual(['/etc/app.conf']);
      expect(drift.result.diff?.[0].prepared).toContain('owner, group and mode: root:root 0644 -> root:root 0600');
      expect(statSync(path).mode & 0o777).toBe(0o644);
      install([{ entry: file('/etc/app.conf', { mode: '0600', secret: true }), content: 'same\n' }]);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(existsSync(join(root, 'var/backups/clusterspec/etc/app.conf'))).toBe(false);
    });

    test('a link at a file path is replaced by the file, its target never written', () => {
      const target = join(work, 'outside');
      writeFileSync(target, 'keep me\n');
      symlinkSync(target, join(root, 'etc/linked.conf'));
      expect(install([{ entry: file('/etc/linked.conf'), content: 'new\n' }]).status).toBe(0);
      expect(lstatSync(join(root, 'etc/linked.conf')).isSymbolicLink()).toBe(false);
      expect(readFileSync(join(root, 'etc/linked.conf'), 'utf8')).toBe('new\n');
      expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    });

    test('a refused check puts back what the call had placed: the old bytes and mode of a replaced file, no new file', () => {
      writeFileSync(join(root, 'etc/old.conf'), 'old\n', { mode: 0o640 });
      const run = install([
        { entry: file('/etc/old.conf'), content: 'replaced\n' },
        { entry: file('/etc/brand-new.conf'), content: 'new\n' },
        { entry: file('/etc/checked.conf', { check: ['fakecheck', '%s'] }), content: 'REFUSE\n' },
      ]);
      expect(run.status).not.toBe(0);
      expect(run.result.msg).toMatch(/^nothing installed on this host: \/etc\/checked\.conf: fakecheck \S+\.clusterspec-new\.checked\.conf exited 1/);
      expect(run.result).toMatchObject({ changed: false, changed_files: [] });
      expect(readFileSync(join(root, 'etc/old.conf'), 'utf8')).toBe('old\n');
      expect(statSync(join(root, 'etc/old.conf')).mode & 0o777).toBe(0o640);
      expect(existsSync(join(root, 'etc/brand-new.conf'))).toBe(false);
      expect(existsSync(join(root, 'etc/checked.conf'))).toBe(false);
      expect(existsSync(join(root, 'etc/.clusterspec-new.checked.conf'))).toBe(false);
      // The check saw the new file beside the real one, the other files already in place.
      expect(log()).toEqual([`fakecheck ${root}/etc/.clusterspec-new.checked.conf`]);
    });

    test('a missing account is refused before anything is written', () => {
      const run = install([
        { entry: file('/etc/first.conf'), content: 'x\n' },
        { entry: file('/etc/second.conf', { group: 'no-such-group-here' }), content: 'y\n' },
      ]);
      expect(run.status).not.toBe(0);
      expect(run.result.msg).toContain('account root:no-such-group-here does not exist on this host');
      expect(existsSync(join(root, 'etc/first.conf'))).toBe(false);
    });
  },
);
