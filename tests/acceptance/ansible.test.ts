/**
 * The real Ansible (Debian's ansible-core 2.14, installed by scripts/test.sh) judges out/<cluster>/deploy/:
 *  - `ansible-playbook --syntax-check` accepts every fixture's playbook, and ansible-lint (offline, the
 *    production profile) passes them;
 *  - a real run of seed-ha's playbook against this machine: every host of the site is this machine
 *    (ansible_connection=local, an inventory laid over the generated one), each with its own target root
 *    under a temporary folder (clusterspec_root), services' handlers stubbed (clusterspec_stub_services),
 *    the control-plane health check answered by an HTTP server in this process. The install runs are
 *    limited (--limit) to consul-1 (Consul server, ingress and Harbor balancer: units, consul-template,
 *    Docker, a secret-bearing consul.hcl of mode 0640) to keep the wall time modest on a shared machine
 *    (each module run took about 3 s at a load of 12 on 2 cores); the control-plane play is run by the
 *    health-check case, on its first host.
 *    Every file of hosts/<host>/ lands at its path with its mode, secret-bearing ones filled from the
 *    rendered tree and never printed; a second run changes nothing; after a hand edit of one file,
 *    --check --diff reports exactly that file; and a control-plane host whose health check fails stops
 *    the run before the next host (unlimited: nothing else is touched).
 * Every ansible run has a deadline. The spawned umask is 077, so a file lands 0644 only because the
 * playbook sets its mode (render writes secret-bearing files 0600).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { fixtureSpecs, ROOT } from '../support/fixtures';

jest.setTimeout(600000);

const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';
const ANSIBLE_LINT = '/usr/bin/ansible-lint';
const CLI = join(ROOT, 'packages', 'cli', 'bin', 'clusterspec.js');
const RUN_DEADLINE_MS = 420000;
const SITE = 'seed-ha';
const SECRETS = {
  HARBOR_DB_PASSWORD: 'db-Secret-4711',
  HARBOR_REDIS_PASSWORD: 'redis-Secret-4712',
  HARBOR_ADMIN_PASSWORD: 'admin-Secret-4713',
  CONSUL_GOSSIP_KEY: 'gossipSecret4714gossipSecret4714gossipSecre=',
};

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
    timeout: 120000,
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
        timeout: 60000,
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
        timeout: 180000,
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

/** The result of one ansible-playbook run through the json callback. */
interface PlaybookRun {
  status: number | null;
  output: string;
  json?: {
    plays: {
      play: { name: string };
      tasks: {
        task: { name: string };
        hosts: Record<string, { changed?: boolean; skipped?: boolean; results?: { changed?: boolean; item?: { path?: string }; diff?: unknown }[] }>;
      }[];
    }[];
    stats: Record<string, { changed: number; failures: number; unreachable: number; ok: number }>;
  };
}

(ansibleMissing ? describe.skip : describe)(`a real run of ${SITE}'s playbook on this machine${ansibleMissing ? ` (skipped: ${ansibleMissing})` : ''}`, () => {
  let server: Server;
  let port: number;
  /** Hosts whose health check answers 500. */
  const unhealthy = new Set<string>();
  const outSite = () => join(work, 'out', SITE);
  const hostNames = () => readdirSync(join(outSite(), 'hosts')).sort();
  const LIMITED = ['consul-1'];
  const EDITED = '/etc/consul-template/nginx.conf.ctmpl';

  beforeAll(async () => {
    server = createServer((request, response) => {
      const host = (request.url ?? '/').slice(1);
      response.statusCode = unhealthy.has(host) ? 500 : 200;
      response.end(unhealthy.has(host) ? 'unhealthy' : 'ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const rendered = spawnSync(process.execPath, [CLI, 'render', join(ROOT, 'fixtures', SITE, 'cluster.yaml'), '--all', '--to', join(work, 'rendered')], {
      cwd: work,
      encoding: 'utf8',
      timeout: 120000,
      env: { ...process.env, ...SECRETS },
    });
    if (rendered.status !== 0) throw new Error(`render failed: ${rendered.stderr}`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** An inventory laid over the generated one: every host is this machine, with its own root under `roots`. */
  function localInventory(roots: string): string {
    const hosts = Object.fromEntries(
      hostNames().map((host) => [
        host,
        {
          ansible_connection: 'local',
          ansible_python_interpreter: '/usr/bin/python3',
          clusterspec_root: join(roots, host),
          clusterspec_health_url: `http://127.0.0.1:${port}/${host}`,
        },
      ]),
    );
    const file = join(work, `${roots.split('/').pop()}-inventory.yml`);
    writeFileSync(file, stringify({ all: { hosts } }));
    return file;
  }

  function playbook(roots: string, extra: readonly string[] = []): Promise<PlaybookRun> {
    const deploy = join(outSite(), 'deploy');
    const args = [
      '-i',
      join(deploy, 'inventory.yml'),
      '-i',
      localInventory(roots),
      join(deploy, 'site.yml'),
      '-e',
      `clusterspec_rendered=${join(work, 'rendered', SITE)}`,
      '-e',
      'clusterspec_stub_services=true',
      '-e',
      'clusterspec_become=false',
      '-e',
      'clusterspec_health_retries=1',
      '-e',
      'clusterspec_health_delay=0',
      ...extra,
    ];
    const quoted = args.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
    return new Promise((resolve) => {
      execFile(
        '/bin/sh',
        ['-c', `umask 077; exec ${ANSIBLE_PLAYBOOK} ${quoted}`],
        { env: { ...ansibleEnv, ANSIBLE_STDOUT_CALLBACK: 'json' }, timeout: RUN_DEADLINE_MS, maxBuffer: 64 << 20 },
        (error, stdout, stderr) => {
          const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          let json: PlaybookRun['json'];
          try {
            json = JSON.parse(stdout.slice(stdout.indexOf('{')));
          } catch {
            json = undefined;
          }
          resolve({ status, output: `${stdout}${stderr}`, json });
        },
      );
    });
  }

  /** Every (host, file) a run changed, from the copy loops' per-item results. */
  const changedFiles = (run: PlaybookRun) =>
    (run.json?.plays ?? [])
      .flatMap((play) => play.tasks)
      .flatMap((task) =>
        Object.entries(task.hosts).flatMap(([host, result]) =>
          (result.results ?? []).filter((item) => item.changed && item.item?.path).map((item) => `${host}:${item.item?.path}`),
        ),
      )
      .sort();

  const secretsIn = (text: string) => Object.values(SECRETS).filter((value) => text.includes(value));

  test('installs every file with its mode, then changes nothing, then --check --diff reports exactly the file edited by hand', async () => {
    const roots = join(work, 'roots');
    const limit = ['--limit', LIMITED.join(',')];
    const first = await playbook(roots, limit);
    expect({ status: first.status, failures: Object.values(first.json?.stats ?? {}).filter((stat) => stat.failures > 0).length }).toEqual({
      status: 0,
      failures: 0,
    });
    expect(secretsIn(first.output)).toEqual([]);

    // Every file of hosts/<host>/ at its path, its mode out/'s, its content out/'s or (with a placeholder) the rendered one.
    const expected: string[] = [];
    const secretBearing: string[] = [];
    for (const host of LIMITED) {
      const files = readdirSync(join(outSite(), 'hosts', host), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      for (const entry of files) {
        const source = join(entry.parentPath, entry.name);
        const relative = source.slice(join(outSite(), 'hosts', host).length);
        const landed = join(roots, host, relative);
        expect({ file: `${host}${relative}`, exists: existsSync(landed) }).toEqual({ file: `${host}${relative}`, exists: true });
        expect({ file: `${host}${relative}`, mode: statSync(landed).mode & 0o7777 }).toEqual({
          file: `${host}${relative}`,
          mode: statSync(source).mode & 0o7777,
        });
        const outText = readFileSync(source, 'utf8');
        const want = outText.includes('{{secret:') ? readFileSync(join(work, 'rendered', SITE, 'hosts', host, relative), 'utf8') : outText;
        expect(readFileSync(landed, 'utf8')).toBe(want);
        // no_log hides a secret-bearing item's path too: those count below, per task.
        if (outText.includes('{{secret:')) secretBearing.push(`${host}:${relative}`);
        else expected.push(`${host}:${relative}`);
      }
    }
    expect(changedFiles(first)).toEqual(expected.sort());
    expect(secretBearing).toEqual(['consul-1:/etc/consul.d/consul.hcl']);
    const secretTasks = (first.json?.plays ?? [])
      .flatMap((play) => play.tasks)
      .filter((task) => task.task.name.includes('files with secrets') && task.hosts['consul-1'] && !task.hosts['consul-1'].skipped);
    expect(secretTasks.map((task) => task.task.name)).toEqual(['Install Consul agent configuration (files with secrets: no log, no diff)']);
    expect(secretTasks[0].hosts['consul-1'].changed).toBe(true);
    expect(JSON.stringify(secretTasks[0].hosts['consul-1'])).not.toContain('consul.hcl');
    // A secret-bearing file did land with its value (seed-ha's consul.hcl), and the run's output never showed it.
    expect(readFileSync(join(roots, 'consul-1', 'etc', 'consul.d', 'consul.hcl'), 'utf8')).toContain(SECRETS.CONSUL_GOSSIP_KEY);
    // Handlers were notified for what changed, and only those of services the host has.
    const stubbed = (run: PlaybookRun, host: string) =>
      (run.json?.plays ?? [])
        .flatMap((play) => play.tasks)
        .filter((task) => task.task.name.startsWith('Stub:') && task.hosts[host] && !task.hosts[host].skipped)
        .map((task) => task.task.name);
    expect(stubbed(first, 'consul-1')).toEqual(
      expect.arrayContaining([
        'Stub: consul reload',
        'Stub: systemctl daemon-reload, then restart the units that changed',
        expect.stringMatching(/^Stub: restart consul-template/),
      ]),
    );
    expect(stubbed(first, 'consul-1')).not.toContain('Stub: nginx -t, then reload nginx');

    const second = await playbook(roots, limit);
    expect(second.status).toBe(0);
    expect(Object.fromEntries(Object.entries(second.json?.stats ?? {}).map(([host, stat]) => [host, stat.changed]))).toEqual(
      Object.fromEntries(LIMITED.map((host) => [host, 0])),
    );
    expect(stubbed(second, 'consul-1')).toEqual([]);

    appendFileSync(join(roots, 'consul-1', EDITED), '# edited by hand\n');
    const drift = await playbook(roots, [...limit, '--check', '--diff']);
    expect(drift.status).toBe(0);
    expect(changedFiles(drift)).toEqual([`consul-1:${EDITED}`]);
    expect(
      Object.entries(drift.json?.stats ?? {})
        .filter(([, stat]) => stat.changed > 0)
        .map(([host]) => host),
    ).toEqual(['consul-1']);
    expect(drift.output).toContain('# edited by hand');
    expect(secretsIn(drift.output)).toEqual([]);
    // Check mode left the edit in place.
    expect(readFileSync(join(roots, 'consul-1', EDITED), 'utf8')).toContain('# edited by hand');
  });

  test('a control-plane host whose health check fails stops the run before the next host', async () => {
    const roots = join(work, 'roots-unhealthy');
    mkdirSync(roots, { recursive: true });
    const inventory = readFileSync(join(outSite(), 'deploy', 'inventory.yml'), 'utf8');
    const controlPlane = Object.keys(
      (parseYaml(inventory) as { all: { children: { control_plane: { hosts: Record<string, null> } } } }).all.children.control_plane.hosts,
    );
    expect(controlPlane.length).toBe(3);
    unhealthy.add(controlPlane[0]);
    try {
      const run = await playbook(roots);
      expect(run.status).not.toBe(0);
      // The first host was changed and failed its check; the next control-plane hosts were never touched,
      // and no host of the second play either.
      expect(existsSync(join(roots, controlPlane[0], 'etc'))).toBe(true);
      expect(run.json?.stats[controlPlane[0]]?.failures).toBe(1);
      for (const host of hostNames().filter((name) => name !== controlPlane[0]))
        expect({ host, touched: existsSync(join(roots, host)) }).toEqual({ host, touched: false });
    } finally {
      unhealthy.clear();
    }
  });
});
