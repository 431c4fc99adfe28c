/**
 * The ssh-hosts harness (tests/support/ssh-hosts.ts) makes hosts Ansible takes for real ones: three hosts,
 * reached through the real ssh from this machine and once through the real `ansible`, each with its own
 * hostname, spec address, passwordless sudo, /etc and users; a stopped sshd makes its host unreachable until
 * started again; the health server answers and switches; close() leaves no namespace, link or process.
 * Skipped (with the reason) where the harness cannot run: not root, or sshd, ip, unshare, sudo missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { sshHostsMissing, startSshHosts, type SshHosts } from '../support/ssh-hosts';

jest.setTimeout(deadline(90_000));

const ANSIBLE = '/usr/bin/ansible';
const missing = sshHostsMissing();
const SPECS = [
  { name: 'alpha', address: '10.27.52.10' },
  { name: 'beta', address: '10.27.52.11', users: ['consul'] },
  { name: 'gamma', address: '10.27.52.12' },
];
const PROBE = '/etc/clusterspec-probe';

/** GET url from inside a host, printing the status code (urllib raises on 500: the code is in the error). */
const GET = `
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).status)
except urllib.error.HTTPError as error:
    print(error.code)
`;
import { deadline } from '../support/deadline';

(missing ? describe.skip : describe)(`ssh hosts for Ansible${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let hosts: SshHosts;
  beforeAll(async () => {
    hosts = await startSshHosts(SPECS, { prefix: 'cst' });
  });
  afterAll(() => hosts?.close());

  test('each host answers ssh as itself: hostname, spec address, passwordless sudo', () => {
    for (const spec of SPECS) {
      const run = hosts.ssh(spec.name, 'hostname; ip -o addr; sudo -n id -u');
      expect({ host: spec.name, status: run.status, stderr: run.stderr }).toEqual({ host: spec.name, status: 0, stderr: '' });
      const [hostname, ...rest] = run.stdout.trim().split('\n');
      expect(hostname).toBe(spec.name);
      expect(rest.join('\n')).toContain(`inet ${spec.address}/32`);
      expect(rest[rest.length - 1]).toBe('0');
    }
  });

  test("a file written to one host's /etc is on that host only", () => {
    const written = hosts.ssh('alpha', `echo probe | sudo -n tee ${PROBE} >/dev/null && sudo -n cat ${PROBE}`);
    expect({ status: written.status, stdout: written.stdout, stderr: written.stderr }).toEqual({ status: 0, stdout: 'probe\n', stderr: '' });
    expect(hosts.ssh('beta', `test -e ${PROBE}`).status).toBe(1);
    expect(existsSync(PROBE)).toBe(false);
    expect(existsSync(hosts.path('alpha', PROBE))).toBe(true);
    expect(existsSync(hosts.path('beta', PROBE))).toBe(false);
  });

  test('system users exist only on the host that asked for them', () => {
    expect(hosts.ssh('beta', 'getent passwd consul && getent group consul').status).toBe(0);
    expect(hosts.ssh('alpha', 'getent passwd consul').status).toBe(2);
    expect(spawnSync('getent', ['passwd', 'consul']).status).toBe(2);
    expect(spawnSync('getent', ['passwd', 'deployer']).status).toBe(2);
    expect(hosts.exec('beta', ['id', '-un'], { user: 'deployer' }).stdout).toBe('deployer\n');
  });

  (existsSync(ANSIBLE) ? test : test.skip)('ansible reaches every host through the inventory', () => {
    const run = spawnSync(ANSIBLE, ['-i', hosts.writeInventory(), 'all', '-b', '-m', 'ansible.builtin.command', '-a', 'hostname'], {
      encoding: 'utf8',
      timeout: deadline(60_000),
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: '0', ANSIBLE_PIPELINING: '1', ANSIBLE_RETRY_FILES_ENABLED: '0' },
    });
    expect({ status: run.status, output: run.status === 0 ? '' : `${run.stdout}${run.stderr}` }).toEqual({ status: 0, output: '' });
    for (const spec of SPECS) expect(run.stdout).toMatch(new RegExp(`^${spec.name} \\| CHANGED \\| rc=0 >>\\n${spec.name}$`, 'm'));
  });

  test('a stopped sshd makes its host unreachable, quickly, until it is started again', async () => {
    expect(hosts.ssh('alpha', 'true').status).toBe(0); // a ControlMaster is up: stopping must end it too
    hosts.stopSsh('alpha');
    const started = Date.now();
    expect(hosts.ssh('alpha', 'true', { timeoutMs: deadline(15_000) }).status).toBe(255);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(hosts.ssh('beta', 'true').status).toBe(0);
    await hosts.startSsh('alpha');
    expect(hosts.ssh('alpha', 'hostname').stdout).toBe('alpha\n');
    expect(hosts.ssh('alpha', `cat ${PROBE}`).stdout).toBe('probe\n'); // the host's files outlive its sshd
  });

  test('the health server answers on the spec address and 127.0.0.1, and switches', async () => {
    const health = await hosts.serveHealth('gamma', 16443);
    const get = (url: string) => hosts.exec('gamma', ['/usr/bin/python3', '-c', GET, url]).stdout.trim();
    expect(health.url).toBe('http://10.27.52.12:16443/healthz');
    expect([get(health.url), get('http://127.0.0.1:16443/healthz')]).toEqual(['200', '200']);
    health.setHealthy(false);
    expect([get(health.url), get('http://127.0.0.1:16443/healthz')]).toEqual(['500', '500']);
  });

  test('close() leaves no namespace, link, process or folder', async () => {
    const { hosts: running, workDir } = hosts;
    const namespaces = running.map((host) => host.namespace);
    const pids = running.flatMap((host) => [host.pid, host.holderPid]);
    await hosts.close();
    await hosts.close(); // idempotent
    const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: deadline(10_000) }).stdout;
    for (const namespace of namespaces) expect(netns).not.toContain(namespace);
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8', timeout: deadline(10_000) }).stdout;
    expect(links).not.toContain(workDir.replace('/tmp/', ''));
    for (const pid of pids) expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(existsSync(workDir)).toBe(false);
  });
});
