/**
 * The real Ansible (Debian's ansible-core 2.14, installed by scripts/test.sh) judges out/<cluster>/deploy/ of
 * every fixture: `ansible-playbook --syntax-check` accepts each playbook (with its install collection beside
 * it), ansible-lint (offline, the production profile) passes them, and no deploy file holds a secret or a
 * placeholder. The playbooks run for real, over SSH to namespace hosts, in deploy-hosts.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSpecs, ROOT } from '../support/fixtures';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(600000));

const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';
const ANSIBLE_LINT = '/usr/bin/ansible-lint';
const CLI = join(ROOT, 'packages', 'cli', 'bin', 'clusterspec.js');

const ansibleMissing = existsSync(ANSIBLE_PLAYBOOK) ? undefined : 'ansible is not installed (Debian package ansible; scripts/test.sh installs it)';
const ansibleEnv = {
  ...process.env,
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_RETRY_FILES_ENABLED: '0',
  ANSIBLE_HOST_KEY_CHECKING: '0',
  ANSIBLE_LOCALHOST_WARNING: '0',
  ANSIBLE_PIPELINING: '1',
};

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'clusterspec-ansible-'));
  const generated = spawnSync(process.execPath, [CLI, 'generate', ...fixtureSpecs(), '--out', join(work, 'out')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: deadline(120000),
  });
  if (generated.status !== 0) throw new Error(`generate failed: ${generated.stderr}`);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sites = () => readdirSync(join(work, 'out')).sort();

(ansibleMissing ? describe.skip : describe)(`Ansible judges every generated deploy folder${ansibleMissing ? ` (skipped: ${ansibleMissing})` : ''}`, () => {
  test('ansible-playbook --syntax-check accepts every fixture playbook', () => {
    expect(sites().length).toBe(fixtureSpecs().length);
    for (const site of sites()) {
      const deploy = join(work, 'out', site, 'deploy');
      const run = spawnSync(ANSIBLE_PLAYBOOK, ['-i', join(deploy, 'inventory.yml'), join(deploy, 'site.yml'), '--syntax-check'], {
        encoding: 'utf8',
        timeout: deadline(60000),
        env: ansibleEnv,
      });
      expect({ site, status: run.status, output: run.status === 0 ? '' : `${run.stdout}${run.stderr}` }).toEqual({ site, status: 0, output: '' });
    }
  });

  const lintMissing = existsSync(ANSIBLE_LINT) ? undefined : 'ansible-lint is not installed (Debian package ansible-lint)';
  (lintMissing ? test.skip : test)(
    `ansible-lint --offline (production profile) passes every fixture playbook${lintMissing ? ` (skipped: ${lintMissing})` : ''}`,
    () => {
      const playbooks = sites().map((site) => join(work, 'out', site, 'deploy', 'site.yml'));
      const run = spawnSync(ANSIBLE_LINT, ['--offline', '--nocolor', '--profile', 'production', ...playbooks], {
        cwd: work,
        encoding: 'utf8',
        timeout: deadline(180000),
        env: ansibleEnv,
      });
      expect({ status: run.status, output: run.status === 0 ? '' : `${run.stdout}${run.stderr}` }).toEqual({ status: 0, output: '' });
    },
  );

  test('no secret value or placeholder in any generated deploy file', () => {
    for (const site of sites()) {
      const deploy = join(work, 'out', site, 'deploy');
      const files = readdirSync(deploy, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      for (const entry of files) expect(readFileSync(join(entry.parentPath, entry.name), 'utf8')).not.toMatch(/\{\{secret:|Secret-47/);
    }
  });
});
