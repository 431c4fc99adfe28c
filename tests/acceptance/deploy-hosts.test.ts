/**
 * The generated Ansible bundle run as an operator runs it: real ansible-playbook (Debian's ansible-core 2.14),
 * from out/<cluster>/deploy (its ansible.cfg), over real SSH to hosts that are network, mount and UTS
 * namespaces with their own sshd, /etc, /opt and accounts, as an ordinary user with sudo
 * (tests/support/ssh-hosts.ts). The operator's own settings (ansible_host on the test network, the user, the key,
 * the health URL) come from a second inventory laid over the generated one, as the README says. The services'
 * programs are not on these hosts, so their handlers are stubbed (clusterspec_stub_services); the checks whose
 * program is here run for real (nginx -t, keepalived --config-test, containerd config dump).
 *
 * seed-ha: a first run lands every file with its owner, group and mode (consul.hcl readable by the consul user,
 * no secret file by nobody), /etc/hosts gets its block; a second run changes nothing; a hand edit and a secret
 * file's drift are named by --check --diff (the secret by path only) and repaired, the old files kept; --tags
 * takes one component; a config its program refuses is never installed and stops the run; a failing /healthz,
 * an unreachable first control-plane host and a copy of out/ each stop the run with nothing else touched.
 * modern: a first run (keepalived and containerd configs checked by their programs), then a run that changes
 * nothing, and --check --diff clean. edge and vip-pernode: --check --diff on fresh hosts.
 * Every ansible run has a deadline; afterAll stops every host, process and namespace the test started.
 */
import { execFile, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { ROOT } from '../support/fixtures';
import { sshHostsMissing, startSshHosts, type HealthServer, type SshHosts } from '../support/ssh-hosts';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(900_000));

const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';
const CLI = join(ROOT, 'packages', 'cli', 'bin', 'clusterspec.js');
const RUN_DEADLINE_MS = deadline(300_000);
const HEALTH_PORT = 18_443;
const SECRETS = {
  HARBOR_DB_PASSWORD: 'db-Secret-4711',
  HARBOR_REDIS_PASSWORD: 'redis-Secret-4712',
  HARBOR_ADMIN_PASSWORD: 'admin-Secret-4713',
  CONSUL_GOSSIP_KEY: 'gossipSecret4714gossipSecret4714gossipSecre=',
  KUBEADM_BOOTSTRAP_TOKEN: 'abcdef.0123456789abcdef',
  KUBEADM_CERTIFICATE_KEY: 'certKeySecret4715',
  KUBEADM_CA_CERT_HASH: 'sha256:cafe4716',
  HARBOR_CSRF_KEY: 'csrfSecret4717csrfSecret4717csrf',
  HARBOR_CORE_SECRET: 'coreSecret4718',
  HARBOR_JOBSERVICE_SECRET: 'jobSecret4719',
  KEEPALIVED_AUTH_PASS: 'vrrp4720',
};
/** Secrets the fixtures read from files, by file name (others get `<name>-Secret-4722`). */
const FILE_SECRETS: Record<string, string> = {
  'harbor-redis': 'redis-Secret-4721',
  'consul-gossip': 'Z29zc2lwU2VjcmV0NDcyM2dvc3NpcFNlY3JldDQ3MjM=',
};

const missing = existsSync(ANSIBLE_PLAYBOOK) ? sshHostsMissing() : 'ansible is not installed (Debian package ansible)';
const ansibleEnv = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_STDOUT_CALLBACK: 'default' };

interface Run {
  readonly status: number | null;
  readonly output: string;
  /** PLAY RECAP's counts per host. */
  readonly recap: Record<string, { ok: number; changed: number; unreachable: number; failed: number }>;
}

function recapOf(output: string): Run['recap'] {
  const recap: Run['recap'] = {};
  const section = output.slice(output.lastIndexOf('PLAY RECAP'));
  for (const match of section.matchAll(/^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    recap[match[1]] = { ok: Number(match[2]), changed: Number(match[3]), unreachable: Number(match[4]), failed: Number(match[5]) };
  }
  return recap;
}

/** Everything one site's tests share: its generated and rendered trees, its hosts, its layered inventory. */
class Site {
  hosts!: SshHosts;
  health = new Map<string, HealthServer>();
  readonly work = mkdtempSync(join(tmpdir(), 'clusterspec-deploy-'));
  constructor(readonly name: string) {}

  get out() {
    return join(this.work, 'out', this.name);
  }
  get rendered() {
    return join(this.work, 'rendered', this.name);
  }
  get deploy() {
    return join(this.out, 'deploy');
  }
  hostNames(): string[] {
    return readdirSync(join(this.out, 'hosts')).sort();
  }
  inventory(): {
    all: { hosts: Record<string, { ansible_host: string; clusterspec_health_url?: string }>; children: Record<string, { hosts: Record<string, null> }> };
  } {
    return parseYaml(readFileSync(join(this.deploy, 'inventory.yml'), 'utf8'));
  }
  controlPlane(): string[] {
    return Object.keys(this.inventory().all.children.control_plane?.hosts ?? {});
  }
  /** The files of hosts/<host>/ (relative paths from /), as generate wrote them. */
  filesOf(host: string): string[] {
    const base = join(this.out, 'hosts', host);
    return readdirSync(base, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(base.length))
      .sort();
  }
  hostVars(host: string): { clusterspec_files: { path: string; mode: string; owner: string; group: string; secret?: boolean }[] } {
    return parseYaml(readFileSync(join(this.deploy, 'host_vars', `${host}.yml`), 'utf8'));
  }

  async start(): Promise<void> {
    // The fixture's folder, each secret file it names (`fromFile: /run/secrets/harbor-redis`) moved into the work dir.
    const spec = join(this.work, 'spec', this.name, 'cluster.yaml');
    cpSync(join(ROOT, 'fixtures', this.name), join(this.work, 'spec', this.name), { recursive: true });
    mkdirSync(join(this.work, 'secrets'));
    const text = readFileSync(spec, 'utf8').replace(/fromFile: (\/\S+?\/)([\w.-]+)\}/g, (_, _folder: string, name: string) => {
      writeFileSync(join(this.work, 'secrets', name), FILE_SECRETS[name] ?? `${name}-Secret-4722`, { mode: 0o600 });
      return `fromFile: ${this.work}/secrets/${name}}`;
    });
    writeFileSync(spec, text);
    const generated = spawnSync(process.execPath, [CLI, 'generate', spec, '--out', join(this.work, 'out')], { encoding: 'utf8', timeout: deadline(120_000) });
    if (generated.status !== 0) throw new Error(`generate failed: ${generated.stderr}`);
    const rendered = spawnSync(process.execPath, [CLI, 'render', spec, '--all', '--to', join(this.work, 'rendered')], {
      encoding: 'utf8',
      timeout: deadline(120_000),
      env: { ...process.env, ...SECRETS },
    });
    if (rendered.status !== 0) throw new Error(`render failed: ${rendered.stderr}`);
    const inventory = this.inventory();
    const specs = this.hostNames().map((name) => ({
      name,
      address: inventory.all.hosts[name].ansible_host,
      // The accounts the packages of its services would have made (HashiCorp's consul package makes consul).
      users: this.hostVars(name).clusterspec_files.some((file) => file.group === 'consul') ? ['consul'] : [],
      // keepalived --config-test refuses an interface the host does not have: the spec's is the host's.
      interface: keepalivedInterface(join(this.out, 'hosts', name)),
    }));
    this.hosts = await startSshHosts(specs, { prefix: 'csd' });
    for (const host of this.controlPlane()) this.health.set(host, await this.hosts.serveHealth(host, HEALTH_PORT, true));
  }

  /** The operator's inventory: the harness's connection settings and the health URL the test serves. */
  layeredInventory(): string {
    const layered = parseYaml(this.hosts.inventory()) as { all: { hosts: Record<string, Record<string, unknown>> } };
    for (const host of this.controlPlane())
      layered.all.hosts[host].clusterspec_health_url = this.health.get(host)?.url.replace(/^http:\/\/[^/]+/, `http://127.0.0.1:${HEALTH_PORT}`);
    const file = join(this.work, 'inventory.local.yml');
    writeFileSync(file, stringify(layered));
    return file;
  }

  playbook(extra: readonly string[] = [], rendered = this.rendered): Promise<Run> {
    const args = [
      '-i',
      'inventory.yml',
      '-i',
      this.layeredInventory(),
      'site.yml',
      '-e',
      `clusterspec_rendered=${rendered}`,
      '-e',
      'clusterspec_stub_services=true',
      '-e',
      'clusterspec_health_retries=2',
      '-e',
      'clusterspec_health_delay=1',
      ...extra,
    ];
    return new Promise((resolve) => {
      execFile(
        ANSIBLE_PLAYBOOK,
        args,
        { cwd: this.deploy, env: ansibleEnv, timeout: RUN_DEADLINE_MS, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
        (error, stdout, stderr) => {
          const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          const output = `${stdout}${stderr}`;
          resolve({ status, output, recap: recapOf(output) });
        },
      );
    });
  }

  /** A file on a host, read through the host's own view. */
  read(host: string, path: string): string {
    return readFileSync(this.hosts.path(host, path), 'utf8');
  }
  stat(host: string, path: string) {
    return statSync(this.hosts.path(host, path));
  }
  canRead(host: string, path: string, user: string): boolean {
    return this.hosts.exec(host, ['cat', path], { user }).status === 0;
  }
  edit(host: string, path: string, line: string): void {
    appendFileSync(this.hosts.path(host, path), `${line}\n`);
  }

  async close(): Promise<void> {
    await this.hosts?.close();
    rmSync(this.work, { recursive: true, force: true });
  }
}

/** The interface a host's generated keepalived.conf names, if it has one. */
function keepalivedInterface(hostTree: string): string | undefined {
  const conf = join(hostTree, 'etc/keepalived/keepalived.conf');
  return existsSync(conf) ? /^\s*interface\s+(\S+)/m.exec(readFileSync(conf, 'utf8'))?.[1] : undefined;
}

const secretsIn = (text: string) => [...Object.values(SECRETS), ...Object.values(FILE_SECRETS), '-Secret-4722'].filter((value) => text.includes(value));
const changedHosts = (run: Run) =>
  Object.entries(run.recap)
    .filter(([, counts]) => counts.changed > 0)
    .map(([host]) => host)
    .sort();
const expectSuccess = (run: Run) =>
  expect({
    status: run.status,
    failed: Object.entries(run.recap).filter(([, counts]) => counts.failed + counts.unreachable > 0),
    fatal: run.output.split('\n').filter((line) => /^fatal:|^failed:|ERROR!/.test(line)),
  }).toEqual({
    status: 0,
    failed: [],
    fatal: [],
  });

(missing ? describe.skip : describe)(`the deploy bundle over SSH to namespace hosts${missing ? ` (skipped: ${missing})` : ''}`, () => {
  describe('seed-ha', () => {
    const site = new Site('seed-ha');
    beforeAll(() => site.start());
    afterAll(() => site.close());

    test('a first run installs every file with its owner, group and mode; the services that read a secret can, nobody else', async () => {
      const run = await site.playbook();
      expectSuccess(run);
      expect(secretsIn(run.output)).toEqual([]);
      for (const host of site.hostNames()) {
        const entries = new Map(site.hostVars(host).clusterspec_files.map((file) => [file.path, file]));
        for (const path of site.filesOf(host)) {
          const entry = entries.get(path);
          const info = site.stat(host, path);
          const owner = (id: number, file: string) => site.hosts.exec(host, ['getent', file, String(id)]).stdout.split(':')[0];
          expect({ host, path, mode: (info.mode & 0o7777).toString(8), owner: owner(info.uid, 'passwd'), group: owner(info.gid, 'group') }).toEqual({
            host,
            path,
            mode: Number.parseInt(entry?.mode ?? '', 8).toString(8),
            owner: entry?.owner,
            group: entry?.group,
          });
          expect({ host, path, same: site.read(host, path) === readFileSync(join(site.rendered, 'hosts', host, path), 'utf8') }).toEqual({
            host,
            path,
            same: true,
          });
          if (entry?.secret) expect({ host, path, nobodyReads: site.canRead(host, path, 'nobody') }).toEqual({ host, path, nobodyReads: false });
        }
        if (entries.has('/etc/consul.d/consul.hcl')) {
          expect({ host, consulReads: site.canRead(host, '/etc/consul.d/consul.hcl', 'consul') }).toEqual({ host, consulReads: true });
          expect(site.read(host, '/etc/consul.d/consul.hcl')).toContain(SECRETS.CONSUL_GOSSIP_KEY);
        }
        // The hosts fragment is merged into /etc/hosts as one marked block, the machine's own lines kept.
        const etcHosts = site.read(host, '/etc/hosts');
        expect(etcHosts.match(/^# BEGIN clusterspec/gm)).toHaveLength(1);
        expect(etcHosts).toContain('10.27.52.72 kubernetes.default.svc');
        expect(etcHosts).toMatch(/^127\.0\.0\.1\s+localhost/m);
      }
      // Each changed service told once: consul.service restarted (its unit is new), not also reloaded.
      expect(run.output).toMatch(/stubbed \(clusterspec_stub_services\): restart \[[^\]]*'consul\.service'[^\]]*\], reload \[\]/);
    });

    test('a second run changes nothing', async () => {
      const run = await site.playbook();
      expectSuccess(run);
      expect(changedHosts(run)).toEqual([]);
    });

    test('--check --diff names every drifted file with its path (a secret one without its content) and touches nothing; a run repairs them, keeping the old', async () => {
      const edited = { host: 'consul-2', path: '/etc/consul-template/nginx.conf.ctmpl' };
      const secret = { host: 'consul-3', path: '/etc/consul.d/consul.hcl' };
      site.edit(edited.host, edited.path, '# edited by hand');
      site.edit(secret.host, secret.path, '# a hand edit of a secret file');
      const drift = await site.playbook(['--check', '--diff']);
      expectSuccess(drift);
      expect(changedHosts(drift)).toEqual([edited.host, secret.host].sort());
      expect(drift.output).toContain(`--- before: ${edited.path}`);
      expect(drift.output).toContain('-# edited by hand');
      expect(drift.output).toContain(`--- ${secret.path}\n+++ ${secret.path}\n(holds a secret: content not shown)`);
      expect(secretsIn(drift.output)).toEqual([]);
      expect(drift.output).not.toContain('a hand edit of a secret file');
      expect(site.read(edited.host, edited.path)).toContain('# edited by hand');

      const repair = await site.playbook();
      expectSuccess(repair);
      expect(changedHosts(repair)).toEqual([edited.host, secret.host].sort());
      expect(site.read(edited.host, edited.path)).not.toContain('# edited by hand');
      expect(site.read(secret.host, secret.path)).not.toContain('a hand edit');
      // The replaced files are kept outside the services' folders, the folder closed to other accounts.
      expect(site.read(edited.host, `/var/backups/clusterspec${edited.path}`)).toContain('# edited by hand');
      expect(site.stat(secret.host, '/var/backups/clusterspec').mode & 0o777).toBe(0o700);
      expect(site.stat(secret.host, `/var/backups/clusterspec${secret.path}`).mode & 0o007).toBe(0);
    });

    test('--tags takes one component: a consul file repaired, an ingress file of the same host left', async () => {
      const host = 'consul-1';
      site.edit(host, '/etc/consul.d/consul.hcl', '# consul drift');
      site.edit(host, '/etc/consul-template/config.hcl', '# ingress drift');
      const run = await site.playbook(['--tags', 'consul']);
      expectSuccess(run);
      expect(site.read(host, '/etc/consul.d/consul.hcl')).not.toContain('# consul drift');
      expect(site.read(host, '/etc/consul-template/config.hcl')).toContain('# ingress drift');
      expectSuccess(await site.playbook(['--tags', 'ingress']));
      expect(site.read(host, '/etc/consul-template/config.hcl')).not.toContain('# ingress drift');
    });

    test('a config its program refuses is never installed: the host keeps every old file and the run stops', async () => {
      const [first] = site.controlPlane();
      const lb = Object.keys(site.inventory().all.children.apiserver_lb.hosts)[0];
      const renderedConf = join(site.rendered, 'hosts', lb, 'etc/nginx/nginx.conf');
      const good = readFileSync(renderedConf, 'utf8');
      writeFileSync(renderedConf, `${good}this_is_no_directive on;\n`);
      site.edit(lb, '/etc/docker/daemon.json', ' ');
      site.edit('node1', '/etc/docker/daemon.json', ' ');
      try {
        const run = await site.playbook();
        expect(run.status).not.toBe(0);
        expect(run.output).toMatch(/nothing installed on this host: \/etc\/nginx\/nginx\.conf: nginx -t -q -c \S+ exited 1/);
        expect(site.read(lb, '/etc/nginx/nginx.conf')).toBe(good);
        // Nothing of that host was installed (its daemon.json drift stays), and no host after it was touched.
        expect(site.read(lb, '/etc/docker/daemon.json')).toMatch(/ \n$/);
        expect(site.read('node1', '/etc/docker/daemon.json')).toMatch(/ \n$/);
        expect(readdirSync(site.hosts.path(lb, '/etc/nginx')).filter((name) => name.startsWith('.clusterspec-new'))).toEqual([]);
        expect(run.recap[first].failed).toBe(0);
      } finally {
        writeFileSync(renderedConf, good);
      }
      expectSuccess(await site.playbook());
    });

    test('a control-plane host whose /healthz fails stops the run before the next host', async () => {
      const [first, second] = site.controlPlane();
      site.edit(second, '/etc/docker/daemon.json', ' ');
      site.edit('node2', '/etc/docker/daemon.json', ' ');
      site.health.get(first)?.setHealthy(false);
      try {
        const run = await site.playbook();
        expect(run.status).not.toBe(0);
        expect(run.recap[first].failed).toBe(1);
        expect(run.output).toContain('Wait until the apiserver of this host is healthy');
        expect(site.read(second, '/etc/docker/daemon.json')).toMatch(/ \n$/);
        expect(site.read('node2', '/etc/docker/daemon.json')).toMatch(/ \n$/);
      } finally {
        site.health.get(first)?.setHealthy(true);
      }
      expectSuccess(await site.playbook());
    });

    test('an unreachable first control-plane host stops everything before any file is installed', async () => {
      const [first] = site.controlPlane();
      site.edit('node1', '/etc/docker/daemon.json', ' ');
      site.hosts.stopSsh(first);
      try {
        const run = await site.playbook();
        expect(run.status).not.toBe(0);
        // Ansible's own line names the host; with any_errors_fatal no later play starts (the pre-flight's last
        // check, run once over the hosts left, would name it too where Ansible went on).
        expect(run.output).toMatch(new RegExp(`fatal: \\[${first}\\]: UNREACHABLE!`));
        expect(run.recap[first].unreachable).toBe(1);
        expect(run.output).not.toContain('PLAY [Control-plane hosts');
        expect(run.output).not.toContain('PLAY [Every other host');
        expect(site.read('node1', '/etc/docker/daemon.json')).toMatch(/ \n$/);
      } finally {
        await site.hosts.startSsh(first);
      }
      expectSuccess(await site.playbook());
    });

    test('a copy of out/ is refused by its content, stamp or not, before any host is touched', async () => {
      site.edit('node1', '/etc/docker/daemon.json', ' ');
      const copy = join(site.work, 'copy-of-out', site.name);
      cpSync(site.out, copy, { recursive: true });
      const unstamped = await site.playbook([], copy);
      expect(unstamped.status).not.toBe(0);
      expect(unstamped.output).toContain('clusterspec_rendered is no rendered tree');
      // With a stamp copied in, the install still refuses it: a file holds a placeholder.
      cpSync(join(site.rendered, '.clusterspec-render.json'), join(copy, '.clusterspec-render.json'));
      const stamped = await site.playbook([], copy);
      expect(stamped.status).not.toBe(0);
      expect(stamped.output).toContain('still holds a secret placeholder');
      expect(site.read('node1', '/etc/docker/daemon.json')).toMatch(/ \n$/);
      for (const host of site.hostNames()) {
        for (const file of site.hostVars(host).clusterspec_files.filter((each) => each.secret)) expect(site.read(host, file.path)).not.toContain('{{secret:');
      }
      // A tree rendered from another revision of the spec: refused by its stamp.
      const other = join(site.work, 'other-revision', site.name);
      cpSync(site.rendered, other, { recursive: true });
      writeFileSync(join(other, '.clusterspec-render.json'), JSON.stringify({ bundle: 'sha256:0', rendered: '2026-01-01T00:00:00Z' }));
      const stale = await site.playbook([], other);
      expect(stale.status).not.toBe(0);
      expect(stale.output).toContain('the rendered tree is not of this revision');
      expectSuccess(await site.playbook());
    });
  });

  describe('modern', () => {
    const site = new Site('modern');
    beforeAll(() => site.start());
    afterAll(() => site.close());

    test('a first run installs every file (keepalived and containerd configs checked by their programs); then nothing changes, and check mode agrees', async () => {
      // The operator installs the CA of Harbor's https certificate where containerd's hosts.toml names it (clusterspec
      // writes no certificate); on Docker hosts the playbook copies it to Docker's certs.d.
      const dockerHosts = ['worker-1', 'worker-2', 'worker-3', 'worker-4', 'harbor-1', 'harbor-2'];
      const caPem = '-----BEGIN CERTIFICATE-----\nc2l0ZSBDQSBzdGFuZC1pbg==\n-----END CERTIFICATE-----\n';
      for (const host of dockerHosts) {
        const source = site.hosts.path(host, '/etc/containerd/certs.d/registry.corp.example/ca.crt');
        mkdirSync(join(source, '..'), { recursive: true });
        writeFileSync(source, caPem);
      }
      const first = await site.playbook();
      expectSuccess(first);
      expect(secretsIn(first.output)).toEqual([]);
      for (const host of site.hostNames()) {
        for (const path of site.filesOf(host)) {
          expect({ host, path, same: site.read(host, path) === readFileSync(join(site.rendered, 'hosts', host, path), 'utf8') }).toEqual({
            host,
            path,
            same: true,
          });
        }
      }
      expect(site.stat('lb-1', '/etc/keepalived/keepalived.conf').mode & 0o777).toBe(0o600);
      expect(site.stat('cp-1', '/etc/kubernetes/kubeadm-config.yaml').mode & 0o777).toBe(0o600);
      expect(site.canRead('cp-1', '/etc/kubernetes/kubeadm-config.yaml', 'nobody')).toBe(false);
      expect(site.stat('harbor-1', '/opt/harbor/harbor.yml').mode & 0o777).toBe(0o600);
      for (const host of dockerHosts) expect({ host, ca: site.read(host, '/etc/docker/certs.d/registry.corp.example/ca.crt') }).toEqual({ host, ca: caPem });
      const second = await site.playbook();
      expectSuccess(second);
      expect(changedHosts(second)).toEqual([]);
      const drift = await site.playbook(['--check', '--diff']);
      expectSuccess(drift);
      expect(changedHosts(drift)).toEqual([]);
    });
  });

  // The drift report on every other fixture with its defaults: on hosts that have none of the files yet, check
  // mode names every host as changing and fails nowhere (no probe or result missing in check mode).
  for (const name of ['edge', 'vip-pernode']) {
    describe(name, () => {
      const site = new Site(name);
      beforeAll(() => site.start());
      afterAll(() => site.close());

      test('--check --diff on fresh hosts: every host would change, nothing fails, nothing is written', async () => {
        const drift = await site.playbook(['--check', '--diff']);
        expectSuccess(drift);
        expect(changedHosts(drift)).toEqual(site.hostNames());
        expect(secretsIn(drift.output)).toEqual([]);
        for (const host of site.hostNames()) {
          expect({ host, backups: existsSync(site.hosts.path(host, '/var/backups/clusterspec')) }).toEqual({ host, backups: false });
          expect({ host, merged: site.read(host, '/etc/hosts').includes('# BEGIN clusterspec') }).toEqual({ host, merged: false });
        }
      });
    });
  }
});
