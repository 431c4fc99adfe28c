/**
 * Acceptance: the Consul ingress of seed-ha's consul-1 against the real nginx (Debian's, stream module loaded
 * by the generated absolute load_module path), as generated in out/seed-ha/hosts/consul-1/etc/consul-template/:
 *  - "A port held by another program is never published": the generated nginx.conf.ctmpl, rendered by Go's
 *    text/template with the consul-template stand-ins (tests/go/render, as go-template.test.ts builds it) over a
 *    catalog registering `something-8081` (tag tcp, one passing instance), skips it with its comment and writes no
 *    `listen 8081`; nginx then starts on that render and serves while a TCP server of this test holds 8081. A control
 *    renders a copy of the template with 8081 left out of its list of used ports: nginx then cannot start.
 *  - "A reload that does not take is rolled back": the generated reload-nginx.sh, run as consul-template runs it
 *    (nginx.conf just rewritten, the previous one kept as nginx.conf.bak), against a live nginx master on a good
 *    render, with a new render that nginx -t accepts but that listens on a port a TCP server of this test holds.
 *
 * Everything runs in one private network namespace (only lo, brought up) and mount namespace made by `unshare`,
 * entered with `nsenter`: the ports (80-range and all) are the test's own, nothing binds the machine's addresses.
 * reload-nginx.sh hardcodes /etc/nginx/nginx.conf, /run/nginx.pid and `nginx` from PATH; it runs unchanged, in
 * place, with temporary folders bind-mounted onto /etc/nginx and /run in that mount namespace (the nginx master
 * is started there with -c /etc/nginx/nginx.conf and pid /run/nginx.pid, the paths the script reads).
 *
 * Substitutions of the generated config: none. consul-1's template listens on bare ports only (`listen 8989;`,
 * `listen <port>;`), which inside the namespace means its loopback alone, and names no certificate, so neither
 * of nginx.test.ts's and tls-handshake.test.ts's documented substitutions (the Harbor certificate pair, a listen
 * address) applies; the first test asserts both facts so that a change of the template shows here. The test
 * runs as root, so `user www-data;` stays (workers run as www-data, as on the host).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';
import { deadline } from '../support/deadline';
import { buildRenderer, type CatalogEntry } from '../support/go-render';

// Go build (cold cache) and a refused reload (the script waits its full 10 s for workers that never come).
jest.setTimeout(deadline(120_000));

const GENERATED = join(ROOT, 'out/seed-ha/hosts/consul-1/etc/consul-template');
const TEMPLATE = join(GENERATED, 'nginx.conf.ctmpl');
const RELOAD_SCRIPT = join(GENERATED, 'reload-nginx.sh');
/** The port httpbackend's container publishes on consul-1: in the template's list of ports the host uses. */
const HELD_PORT = 8081;
/** A stream service of the catalog, proxied to a backend of the test: proof that nginx serves. */
const ECHO_PORT = 7000;
const ECHO_BACKEND_PORT = 17000;
/** The port of the refused reload's new service, held by a TCP server of the test (outside the template's list). */
const SQUATTED_PORT = 7500;
/** The static Harbor balancer of consul-1: a listener every render has. */
const HARBOR_PORT = 8989;
const HARBOR_REQUEST = 'GET / HTTP/1.0\r\nHost: hub.tonybai.com\r\n\r\n';
/** What the test's TCP servers answer, so an answer tells who holds the port. */
const HOLDER_GREETING = 'held by the test';
const ECHO_GREETING = 'echo backend';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function whyNot(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network and mount namespaces)';
  for (const tool of ['nginx', 'go', 'unshare', 'nsenter', 'ip', 'mount']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { env: { PATH }, timeout: deadline(5000) }).status !== 0) return `${tool} is not installed`;
  }
  if (spawnSync('unshare', ['-n', '-m', 'true'], { timeout: deadline(5000) }).status !== 0) return 'unshare -n -m is not permitted here';
  if (!existsSync(TEMPLATE) || !existsSync(RELOAD_SCRIPT)) return `no generated ${GENERATED}`;
  return undefined;
}
const skipReason = whyNot();
if (skipReason) console.warn(`ingress-live acceptance skipped: ${skipReason}`);

/** One passing tcp instance of `name` on the namespace's loopback. */
const tcpService = (name: string, port: number): CatalogEntry => ({
  Node: 'docker-1',
  NodeAddress: '127.0.0.1',
  ID: `docker-1:${name}:${port}`,
  Name: name,
  Tags: ['tcp'],
  Address: '127.0.0.1',
  Port: port,
  Status: 'passing',
});

/** The catalog of both tests: the service whose port the host uses, and one nginx must publish. */
const CATALOG = [tcpService(`something-${HELD_PORT}`, 18081), tcpService(`echo-${ECHO_PORT}`, ECHO_BACKEND_PORT)];

let work: string;
let renderBinary: string;
/** The process holding the namespaces (`cat` on a pipe: it ends with this test process at the latest). */
let lab: ChildProcess | undefined;
const started = new Set<ChildProcess>();

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** The process ids of a process's children (an nginx master's workers), from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** SIGTERM, then SIGKILL to it and its children (nginx workers) if it has not ended in time. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.pid === undefined) return;
  started.delete(child);
  const children = childrenOf(child.pid);
  child.kill('SIGTERM');
  if (await waitForExit(child, deadline(5000))) return;
  for (const pid of [child.pid, ...children]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitForExit(child, deadline(2000));
}

/** Argument vector running a command in the lab's network and mount namespaces. */
const inLab = (...command: string[]) => ['nsenter', '-t', String(lab!.pid), '-n', '-m', ...command];

/** Spawns a long-lived process in the lab (killed by its test, by afterAll, or at its deadline at the latest) and collects its output. */
function startInLab(command: string[], atRest: number): { child: ChildProcess; output: () => string } {
  const [program, ...args] = inLab(...command);
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH }, timeout: deadline(atRest), killSignal: 'SIGKILL' });
  started.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  child.on('error', (error) => (output += `\nspawn error: ${error.message}`));
  return { child, output: () => output };
}

/** Runs a command in the lab to its end (bounded) without blocking the event loop, so nginx's log keeps being read. */
function runInLab(command: string[], atRest: number): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const [program, ...args] = inLab(...command);
  const begun = Date.now();
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH }, timeout: deadline(atRest), killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - begun }));
  });
}

/** Polls `check` every 100 ms until it returns true, at most `atRest` ms (stretched by the load); the last detail on failure. */
async function waitUntil(what: string, check: () => Promise<boolean> | boolean, atRest: number, detail: () => string = () => ''): Promise<void> {
  const until = Date.now() + deadline(atRest);
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${deadline(atRest)} ms\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A TCP server of the test on 0.0.0.0:port in the lab (the addresses a bare `listen <port>;` binds), answering a greeting. */
async function holdPort(port: number, greeting: string): Promise<ChildProcess> {
  const script = `
    const [port, greeting] = process.argv.slice(1);
    require('node:net').createServer((socket) => { socket.on('error', () => {}); socket.end(greeting + '\\n'); })
      .listen(Number(port), '0.0.0.0', () => console.log('listening'));
    process.stdin.on('end', () => process.exit(0)).resume();`;
  const server = startInLab([process.execPath, '-e', script, String(port), greeting], 110_000);
  await waitUntil(`TCP server on ${port}`, () => server.output().includes('listening') || server.child.exitCode !== null, 10_000, server.output);
  if (!server.output().includes('listening')) throw new Error(`TCP server on ${port} did not start:\n${server.output()}`);
  return server.child;
}

interface Answer {
  readonly connected: boolean;
  readonly text: string;
  readonly error?: string;
}

/** Connects to 127.0.0.1:port inside the lab, optionally sends a request, and returns what came back before the close. */
async function dial(port: number, request = ''): Promise<Answer> {
  const script = `
    const [port, request] = process.argv.slice(1);
    let text = ''; let connected = false; let error;
    const socket = require('node:net').connect(Number(port), '127.0.0.1', () => { connected = true; if (request) socket.write(request); });
    socket.setTimeout(${deadline(3000)}, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', (e) => (error = e.code || e.message));
    socket.on('close', () => console.log(JSON.stringify({ connected, text, error })));`;
  const run = await runInLab([process.execPath, '-e', script, String(port), request], 10_000);
  if (run.status !== 0) throw new Error(`dialling ${port} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Answer;
}

/** What answers on each listener nginx must serve: the echo backend through the stream proxy, nginx's 502 for Harbor (unreachable here). */
async function waitForNginxServing(log: () => string): Promise<void> {
  await waitUntil(`nginx proxying ${ECHO_PORT} to the echo backend`, async () => (await dial(ECHO_PORT)).text === `${ECHO_GREETING}\n`, 10_000, log);
  await waitUntil(
    `nginx answering on ${HARBOR_PORT}`,
    async () => /^HTTP\/1\.1 502 [\s\S]*\r\nServer: nginx/.test((await dial(HARBOR_PORT, HARBOR_REQUEST)).text),
    10_000,
    log,
  );
}

function render(catalog: readonly CatalogEntry[], template = TEMPLATE): string {
  const result = spawnSync(renderBinary, [template], { input: JSON.stringify({ services: catalog }), encoding: 'utf8', timeout: deadline(20_000) });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`render failed: ${result.stderr}`);
  return result.stdout;
}

/** A foreground nginx master in the lab; `error_log stderr notice` so its log shows each SIGHUP and bind failure. */
async function startNginx(config: string, prefix: string, pidFile: string): Promise<{ child: ChildProcess; log: () => string }> {
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const nginx = startInLab(['nginx', '-c', config, '-p', `${prefix}/`, '-e', 'stderr', '-g', `daemon off; pid ${pidFile}; error_log stderr notice;`], 110_000);
  await waitUntil(
    'nginx master up',
    () => nginx.child.exitCode !== null || (nginx.child.pid !== undefined && childrenOf(nginx.child.pid).length > 0),
    10_000,
    nginx.output,
  );
  if (nginx.child.exitCode !== null) throw new Error(`nginx exited (${nginx.child.exitCode}):\n${nginx.output()}`);
  return { child: nginx.child, log: nginx.output };
}

(skipReason ? describe.skip : describe)(`the consul-1 ingress with the real nginx${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let etcNginx: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'clusterspec-ingress-live-'));
    renderBinary = buildRenderer(work);

    etcNginx = join(work, 'etc-nginx');
    const run = join(work, 'run');
    mkdirSync(etcNginx);
    mkdirSync(run);
    // mount --bind in a namespace made with unshare -m: util-linux makes its mounts private, the machine's /etc/nginx and /run stay as they are.
    lab = spawn(
      'unshare',
      [
        '-n',
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'ip link set lo up && mount --bind "$1" /etc/nginx && mount --bind "$2" /run && echo ready && exec cat',
        'lab',
        etcNginx,
        run,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH }, timeout: deadline(115_000), killSignal: 'SIGKILL' },
    );
    let output = '';
    lab.stdout!.on('data', (chunk) => (output += chunk));
    lab.stderr!.on('data', (chunk) => (output += chunk));
    await waitUntil(
      'the namespaces',
      () => output.includes('ready') || lab!.exitCode !== null,
      10_000,
      () => output,
    );
    if (!output.includes('ready')) throw new Error(`the namespaces could not be made:\n${output}`);
  });

  afterAll(async () => {
    for (const child of [...started]) await stop(child);
    if (lab) {
      lab.stdin!.end();
      await stop(lab);
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('a port held by another program is never published: something-8081 is skipped, and nginx starts and serves while 8081 is held', async () => {
    const template = readFileSync(TEMPLATE, 'utf8');
    // Why no substitution is needed (see the header): bare ports, no certificate.
    expect(template).not.toMatch(/^\s*listen\s+[^\s;{]*:/m);
    expect(template).not.toMatch(/ssl_certificate/);
    expect(template).toMatch(new RegExp(`except those this host uses \\([^)]*\\b${HELD_PORT}\\b`));

    const config = render(CATALOG);
    expect(config).not.toMatch(new RegExp(`listen\\s+(\\S+:)?${HELD_PORT}\\b`));
    expect(config).not.toContain(`upstream consul_something-${HELD_PORT}`);
    expect(config).toContain(`# skipped tcp service something-${HELD_PORT}: port ${HELD_PORT} is used on this host\n`);
    expect(config).toContain(`listen ${ECHO_PORT};`);

    const prefix = join(work, 'serve');
    mkdirSync(prefix);
    writeFileSync(join(prefix, 'nginx.conf'), config);
    const holder = await holdPort(HELD_PORT, HOLDER_GREETING);
    const backend = await holdPort(ECHO_BACKEND_PORT, ECHO_GREETING);
    let nginx: ChildProcess | undefined;
    try {
      const running = await startNginx(join(prefix, 'nginx.conf'), prefix, join(prefix, 'nginx.pid'));
      nginx = running.child;
      await waitForNginxServing(running.log);
      // The held port is still the test's: nginx neither took it nor failed on it.
      expect((await dial(HELD_PORT)).text).toBe(`${HOLDER_GREETING}\n`);
      expect(nginx.exitCode).toBeNull();
      expect(running.log()).not.toMatch(/bind\(\)|\[emerg\]/);
    } finally {
      await stop(nginx);
      await stop(backend);
      await stop(holder);
    }
  });

  test('control: the same template without 8081 in its list of used ports publishes something-8081, and nginx cannot start while 8081 is held', async () => {
    // Only the list of ports is edited (in a copy): what the first test's pass owes to the skip.
    const usedPorts = /\(split "," "([0-9,]*)"\) \$port/;
    const template = readFileSync(TEMPLATE, 'utf8');
    const list = usedPorts.exec(template)?.[1].split(',');
    expect(list).toContain(String(HELD_PORT));
    const withoutSkip = join(work, 'without-skip.ctmpl');
    writeFileSync(withoutSkip, template.replace(usedPorts, `(split "," "${list!.filter((port) => port !== String(HELD_PORT)).join(',')}") $port`));
    const config = render(CATALOG, withoutSkip);
    expect(config).toContain(`listen ${HELD_PORT};`);

    const prefix = join(work, 'control');
    mkdirSync(prefix);
    writeFileSync(join(prefix, 'nginx.conf'), config);
    const holder = await holdPort(HELD_PORT, HOLDER_GREETING);
    let nginx: ChildProcess | undefined;
    try {
      const running = startInLab(
        ['nginx', '-c', join(prefix, 'nginx.conf'), '-p', `${prefix}/`, '-e', 'stderr', '-g', `daemon off; pid ${prefix}/nginx.pid;`],
        60_000,
      );
      nginx = running.child;
      // nginx retries a failed bind for 2.5 s, then exits.
      expect(await waitForExit(nginx, deadline(15_000))).toBe(true);
      expect(nginx.exitCode).toBe(1);
      expect(running.output()).toContain(`bind() to 0.0.0.0:${HELD_PORT} failed (98: Address already in use)`);
    } finally {
      await stop(nginx);
      await stop(holder);
    }
  });

  test('a reload that does not take is rolled back: reported once, the good nginx.conf back byte for byte, the old listeners served, the render kept as nginx.conf.refused', async () => {
    const good = render(CATALOG);
    const bad = render([...CATALOG, tcpService(`intruder-${SQUATTED_PORT}`, 17500)]);
    expect(bad).toContain(`listen ${SQUATTED_PORT};`);
    const conf = join(etcNginx, 'nginx.conf');
    const refused = join(etcNginx, 'nginx.conf.refused');
    /** What consul-template does before running the command: the previous file kept as .bak (backup = true), the new render written. */
    const consulTemplateWrites = (output: string) => {
      copyFileSync(conf, `${conf}.bak`);
      writeFileSync(conf, output, { mode: 0o644 });
    };

    writeFileSync(conf, good, { mode: 0o644 });
    const squatter = await holdPort(SQUATTED_PORT, HOLDER_GREETING);
    const backend = await holdPort(ECHO_BACKEND_PORT, ECHO_GREETING);
    const prefix = join(work, 'reload');
    let nginx: ChildProcess | undefined;
    try {
      // The paths reload-nginx.sh reads, inside the lab's mount namespace.
      const running = await startNginx('/etc/nginx/nginx.conf', prefix, '/run/nginx.pid');
      nginx = running.child;
      const master = nginx.pid!;
      await waitForNginxServing(running.log);
      expect(readFileSync(join(work, 'run/nginx.pid'), 'utf8').trim()).toBe(String(master));
      const count = (pattern: RegExp) => (running.log().match(pattern) ?? []).length;
      const hangups = () => count(/SIGHUP\) received.*reconfiguring/g);
      const generations = () => count(/start worker processes/g);
      expect(generations()).toBe(1);

      consulTemplateWrites(bad);
      const first = await runInLab([RELOAD_SCRIPT], 40_000);
      expect(first.status).toBe(0);
      expect(first.stdout).toBe('');
      expect(first.stderr).toMatch(
        /^reload-nginx: nginx did not take the new \/etc\/nginx\/nginx\.conf within 10s .*\(kept as \/etc\/nginx\/nginx\.conf\.refused\); the previous file is back and nginx keeps serving it\n$/,
      );
      // nginx -t passed (the script got as far as the reload): the master's own reason is the held port.
      expect(running.log()).toContain(`bind() to 0.0.0.0:${SQUATTED_PORT} failed (98: Address already in use)`);
      expect(readFileSync(conf).equals(Buffer.from(good))).toBe(true);
      expect(readFileSync(refused).equals(Buffer.from(bad))).toBe(true);
      // The refused reload, then the reload of the restored file.
      await waitUntil('the two SIGHUPs in the master log', () => hangups() === 2, 10_000, running.log);
      // Only the restored file's reload started workers: the refused one never did.
      await waitUntil("the restored file's workers", () => generations() === 2, 10_000, running.log);
      expect(nginx.exitCode).toBeNull();
      await waitForNginxServing(running.log);
      expect((await dial(SQUATTED_PORT)).text).toBe(`${HOLDER_GREETING}\n`);

      // consul-template renders the same output at the next catalog event: put back quietly, no reload.
      consulTemplateWrites(bad);
      const workersBefore = new Set(childrenOf(master));
      const second = await runInLab([RELOAD_SCRIPT], 40_000);
      expect(second).toMatchObject({ status: 0, stdout: '', stderr: '' });
      expect(readFileSync(conf).equals(Buffer.from(good))).toBe(true);
      expect(readFileSync(refused).equals(Buffer.from(bad))).toBe(true);
      expect(childrenOf(master).filter((pid) => !workersBefore.has(pid))).toEqual([]);
      expect([hangups(), generations()]).toEqual([2, 2]);
      await waitForNginxServing(running.log);
    } finally {
      await stop(nginx);
      await stop(backend);
      await stop(squatter);
    }
  });
});
