/**
 * A front door in network namespaces (issue 23, item 6): one L2 segment (a bridge in a switch namespace), two
 * balancer hosts each running the generated keepalived and the generated balancer (haproxy or nginx), stand-in
 * apiservers serving TLS with a /healthz the test controls, and a client sending a request every 0.3 s. Addresses
 * are RFC 5737's 203.0.113.0/24. Everything it starts runs inside namespaces it made, and stop() kills every
 * process in them and deletes them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCA, openssl } from './pki';

export const VIP = '203.0.113.10';
export const LB_PORT = 8443;
export const BIND_PORT = 6443;
export const BALANCERS = [
  { name: 'lb-1', address: '203.0.113.11' },
  { name: 'lb-2', address: '203.0.113.12' },
] as const;
export const APISERVERS = [
  { name: 'cp-1', address: '203.0.113.21' },
  { name: 'cp-2', address: '203.0.113.22' },
  { name: 'cp-3', address: '203.0.113.23' },
] as const;
const CLIENT = { name: 'client', address: '203.0.113.100' };

/** The lab's spec: two apiserver-lb hosts, three control-plane hosts, the interface name of the modern site. */
export function labSpec(engine: 'haproxy' | 'nginx'): string {
  const hosts = [
    ...BALANCERS.map((host) => `    - {name: ${host.name}, address: ${host.address}, roles: [apiserver-lb]}`),
    ...APISERVERS.map((host) => `    - {name: ${host.name}, address: ${host.address}, roles: [control-plane, worker]}`),
  ].join('\n');
  return `apiVersion: clusterspec/v1alpha1
kind: Cluster
metadata: {name: vip-lab}
spec:
  hosts:
${hosts}
  kubernetes:
    version: "1.34.2"
    controlPlaneEndpoint: ${VIP}:${LB_PORT}
    networking: {serviceSubnet: 10.96.0.0/12, podSubnet: 10.244.0.0/16}
    apiServer: {bindPort: ${BIND_PORT}}
    loadBalancer: {port: ${LB_PORT}, engine: ${engine}, virtualAddress: ${VIP}, interface: ens192}
`;
}

const APISERVER_PY = `
import http.server, ssl, sys
name, address, port, cert, key, state = sys.argv[1:7]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            healthy = open(state).read().strip() == 'ok'
        except OSError:
            healthy = False
        # Half-broken: TLS and every request answered, only /healthz says 500.
        status = 500 if self.path == '/healthz' and not healthy else 200
        body = (name + '\\n').encode()
        self.send_response(status)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer((address, int(port)), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print('ready', flush=True)
server.serve_forever()
`;

const CLIENT_PY = `
import http.client, ssl, sys, time
address, port, period = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
context = ssl._create_unverified_context()
while True:
    started = time.time()
    try:
        connection = http.client.HTTPSConnection(address, port, timeout=1, context=context)
        connection.request('GET', '/version')
        response = connection.getresponse()
        print('%.3f %d %s' % (started, response.status, response.read().decode().strip()), flush=True)
        connection.close()
    except Exception:
        print('%.3f fail -' % started, flush=True)
    time.sleep(period)
`;

export interface Request {
  readonly at: number;
  readonly ok: boolean;
  /** The apiserver that answered. */
  readonly by: string;
}

/** Who held the address from `at` on (milliseconds since the epoch). */
export interface HolderChange {
  readonly at: number;
  readonly holders: readonly string[];
}

function run(args: readonly string[]): void {
  const result = spawnSync(args[0], args.slice(1), { encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}${result.error?.message ?? ''}`);
}

export class VipLab {
  /** Labs made in this process: each names its namespaces apart. */
  private static made = 0;
  readonly directory = mkdtempSync(join(tmpdir(), 'clusterspec-vip-lab-'));
  readonly requests: Request[] = [];
  readonly changes: HolderChange[] = [];
  private readonly held = new Set<string>();
  private readonly prefix = `cv${process.pid % 100000}${String.fromCharCode(97 + VipLab.made++)}`;
  private readonly processes = new Map<string, ChildProcess>();
  private readonly namespaces: string[] = [];

  constructor(private readonly files: ReadonlyMap<string, string>) {
    chmodSync(this.directory, 0o700);
  }

  namespace(host: string): string {
    return `${this.prefix}-${host}`;
  }

  /** The segment, every host's namespace with ens192 on it, the apiservers' certificate, the address watchers. */
  build(): void {
    const sw = this.namespace('sw');
    this.addNamespace(sw);
    run(['ip', '-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    run(['ip', '-n', sw, 'link', 'set', 'br0', 'up']);
    [...BALANCERS, ...APISERVERS, CLIENT].forEach((host, index) => {
      const ns = this.namespace(host.name);
      this.addNamespace(ns);
      run(['ip', '-n', sw, 'link', 'add', `p${index}`, 'type', 'veth', 'peer', 'name', 'ens192', 'netns', ns]);
      run(['ip', '-n', sw, 'link', 'set', `p${index}`, 'master', 'br0', 'up']);
      run(['ip', '-n', ns, 'addr', 'add', `${host.address}/24`, 'dev', 'ens192']);
      run(['ip', '-n', ns, 'link', 'set', 'ens192', 'up']);
      run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    });
    const pki = join(this.directory, 'pki');
    makeCA(pki);
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kube-apiserver', '-keyout', join(pki, 'apiserver.key'), '-out', join(pki, 'apiserver.csr'));
    openssl(
      'x509',
      '-req',
      '-in',
      join(pki, 'apiserver.csr'),
      '-CA',
      join(pki, 'ca.crt'),
      '-CAkey',
      join(pki, 'ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      join(pki, 'apiserver.crt'),
    );
    writeFileSync(join(this.directory, 'apiserver.py'), APISERVER_PY);
    writeFileSync(join(this.directory, 'client.py'), CLIENT_PY);
    for (const host of BALANCERS) this.watchAddress(host.name);
  }

  private addNamespace(ns: string): void {
    spawnSync('ip', ['netns', 'del', ns]);
    run(['ip', 'netns', 'add', ns]);
    this.namespaces.push(ns);
  }

  private start(key: string, host: string, argv: readonly string[], onLine?: (line: string) => void): ChildProcess {
    // Its own process group: `ip netns exec` forks the program, and keepalived forks its VRRP child and checks;
    // stop() kills the whole group.
    const child = spawn('ip', ['netns', 'exec', this.namespace(host), ...argv], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let rest = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      if (onLine) lines.forEach(onLine);
    });
    child.stderr?.on('data', () => undefined);
    this.processes.set(key, child);
    return child;
  }

  /** Records when the address comes to or leaves a balancer (ip monitor: events, not polling). */
  private watchAddress(host: string): void {
    this.start(`monitor-${host}`, host, ['ip', '-o', 'monitor', 'address'], (line) => {
      if (!line.includes(` ${VIP}/32 `)) return;
      if (line.startsWith('Deleted')) this.held.delete(host);
      else this.held.add(host);
      this.changes.push({ at: Date.now(), holders: [...this.held].sort() });
    });
  }

  holders(): string[] {
    return [...this.held].sort();
  }

  setHealth(apiserver: string, healthy: boolean): void {
    writeFileSync(join(this.directory, `${apiserver}.state`), healthy ? 'ok' : 'sick');
  }

  startApiServer(name: string): void {
    const host = APISERVERS.find((each) => each.name === name)!;
    if (!readFileSafe(join(this.directory, `${name}.state`))) this.setHealth(name, true);
    const pki = join(this.directory, 'pki');
    const args = [join(this.directory, 'apiserver.py'), name, host.address, String(BIND_PORT), join(pki, 'apiserver.crt'), join(pki, 'apiserver.key')];
    this.start(`apiserver-${name}`, name, ['python3', ...args, join(this.directory, `${name}.state`)]);
  }

  startBalancer(host: string, engine: 'haproxy' | 'nginx'): void {
    const folder = join(this.directory, host);
    mkdirSync(folder, { recursive: true });
    if (engine === 'haproxy') {
      const file = join(folder, 'haproxy.cfg');
      writeFileSync(file, this.file(host, '/etc/haproxy/haproxy.cfg'));
      this.start(`balancer-${host}`, host, ['haproxy', '-db', '-f', file]);
    } else {
      const file = join(folder, 'nginx.conf');
      writeFileSync(file, this.file(host, '/etc/nginx/nginx.conf'));
      this.start(`balancer-${host}`, host, [
        'nginx',
        '-c',
        file,
        '-p',
        `${folder}/`,
        '-e',
        join(folder, 'error.log'),
        '-g',
        `daemon off; pid ${folder}/nginx.pid;`,
      ]);
    }
  }

  startKeepalived(host: string): void {
    const folder = join(this.directory, host);
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o700);
    const script = join(folder, 'check_apiserver.sh');
    writeFileSync(script, this.file(host, '/etc/keepalived/check_apiserver.sh'), { mode: 0o755 });
    const conf = join(folder, 'keepalived.conf');
    writeFileSync(conf, this.file(host, '/etc/keepalived/keepalived.conf').split('/etc/keepalived/check_apiserver.sh').join(script));
    const pids = ['-p', join(folder, 'keepalived.pid'), '-r', join(folder, 'vrrp.pid'), '-c', join(folder, 'checkers.pid')];
    this.start(`keepalived-${host}`, host, ['keepalived', '-n', '-l', '-D', '-G', '-P', '-f', conf, ...pids]);
  }

  /** kill -9 keepalived and its VRRP child: the address stays, stale, on the host (as after a crash). */
  killKeepalived(host: string): void {
    // The child first: killed after its parent, it would get SIGTERM first (keepalived's parent-death signal) and
    // give the address up cleanly, which a crash does not.
    const vrrp = Number(readFileSafe(join(this.directory, host, 'vrrp.pid')));
    if (vrrp > 0) spawnSync('kill', ['-9', String(vrrp)]);
    this.stop(`keepalived-${host}`);
  }

  /** Removes the address a killed keepalived left (what a host that went down would do to it). */
  dropStaleAddress(host: string): void {
    spawnSync('ip', ['-n', this.namespace(host), 'addr', 'del', `${VIP}/32`, 'dev', 'ens192']);
  }

  startClient(): void {
    this.start('client', CLIENT.name, ['python3', join(this.directory, 'client.py'), VIP, String(LB_PORT), '0.3'], (line) => {
      const [at, status, by] = line.split(' ');
      if (at) this.requests.push({ at: Number(at) * 1000, ok: status === '200', by });
    });
  }

  stop(key: string): void {
    const pid = this.processes.get(key)?.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // The group has ended already.
      }
    }
    this.processes.delete(key);
  }

  /** Processes still running from the lab's folder (none after teardown). */
  leftovers(): string[] {
    const listing = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
    return listing.split('\n').filter((line) => line.includes(this.directory));
  }

  /** Kills every process in the lab's namespaces (what it started, and their children), deletes them and its files. */
  teardown(): void {
    for (const key of [...this.processes.keys()]) this.stop(key);
    for (const ns of this.namespaces) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 10_000 }).stdout?.split('\n').filter(Boolean) ?? [];
      if (pids.length) spawnSync('kill', ['-9', ...pids]);
      spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
    }
    rmSync(this.directory, { recursive: true, force: true });
  }

  private file(host: string, path: string): string {
    const content = this.files.get(`hosts/${host}${path}`);
    if (content === undefined) throw new Error(`no ${path} generated for ${host}`);
    return content;
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Resolves when `condition` holds, checking every 100 ms; rejects after `limit` ms with `what`. */
export async function waitFor(what: string, limit: number, condition: () => boolean): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limit) throw new Error(`not within ${limit} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

/** Address moves after `since`: each time the address came to a host it was not on just before. */
export function movesSince(changes: readonly HolderChange[], since: number): number {
  let moves = 0;
  let previous: readonly string[] = [];
  for (const change of changes) {
    if (change.at > since && change.holders.some((host) => !previous.includes(host)) && previous.length + change.holders.length > 0) moves += 1;
    previous = change.holders;
  }
  return moves;
}

/** The longest time after `since` with the address on no host, in ms. */
export function longestGapSince(changes: readonly HolderChange[], since: number, until = Date.now()): number {
  let longest = 0;
  let emptySince: number | undefined;
  let previous: readonly string[] = [];
  for (const change of changes) {
    if (change.at <= since) {
      previous = change.holders;
      continue;
    }
    if (previous.length === 0 && emptySince === undefined) emptySince = since;
    if (change.holders.length === 0 && emptySince === undefined) emptySince = change.at;
    if (change.holders.length > 0 && emptySince !== undefined) {
      longest = Math.max(longest, change.at - emptySince);
      emptySince = undefined;
    }
    previous = change.holders;
  }
  if (previous.length === 0) longest = Math.max(longest, until - (emptySince ?? since));
  return longest;
}
