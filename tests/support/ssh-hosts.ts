/**
 * Fake hosts on this machine that Ansible over SSH takes for real Linux hosts, so a generated playbook can be
 * run as an operator would run it. Each host is:
 *  - a network namespace joined by a veth pair to one bridge in the root namespace, on an RFC 5737 /24 that
 *    no route of this machine uses (TEST-NET-1 may be the machine's own network: it is on the CI VMs), with
 *    its spec address as a second /32 on that veth (no `dummy` kernel module here);
 *  - a mount and UTS namespace, held by a `sleep` ("the holder") so the host's mounts survive its sshd being
 *    stopped and started: its hostname, a private /run (tmpfs: sshd's privsep dir, sudo's timestamps) and
 *    private /etc, /opt, /var/backups, /root, /home (overlayfs over the machine's own, upper dirs in the work
 *    dir; where overlay cannot mount, e.g. upper dirs on an overlay /tmp in a container, a bind mount of a
 *    private copy of /etc and /var/backups and of empty /opt, /root, /home instead);
 *  - a user `deployer` with an ed25519 key and passwordless sudo, the caller's system users, and an sshd of
 *    its own (host key, config, pid file, authorized keys all in the work dir).
 * Every process the harness starts is in a host's network namespace or is an ssh ControlMaster using the
 * work dir, so close() finds them all; a run whose owner died is cleaned up by the next run of the prefix.
 * Needs root. Every command has a deadline; every wait is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';

export interface HostSpec {
  /** The host's name: its hostname and its name in the inventory. */
  readonly name: string;
  /** The host's address in the spec (e.g. 10.27.52.72): configured inside the host, not routed from the controller. */
  readonly address: string;
  /** System users made inside the host, each with a group of its name (e.g. consul). */
  readonly users?: readonly string[];
  /** The name of the host's interface (eth0 unless given): a config that names one (keepalived's) finds it. */
  readonly interface?: string;
}

export interface SshHost {
  readonly name: string;
  /** The spec address. */
  readonly address: string;
  /** The address the controller reaches the host's sshd at (port 22). */
  readonly sshAddress: string;
  readonly namespace: string;
  /** The process holding the host's mount and UTS namespaces (in its network namespace too). */
  readonly holderPid: number;
  /** The running sshd's process id (0 while stopped). */
  readonly pid: number;
}

export interface ExecResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HealthServer {
  /** http://<spec address>:<port>/healthz (also answered on 127.0.0.1 inside the host). */
  readonly url: string;
  readonly pid: number;
  /** Makes GET /healthz answer 200 (true) or 500 (false) from the next request on. */
  setHealthy(healthy: boolean): void;
  stop(): void;
}

export interface SshHosts {
  readonly hosts: readonly SshHost[];
  /** The controller's private key (ed25519, 0600) that logs in as deployer on every host. */
  readonly privateKey: string;
  /** 'overlay' normally; 'copy' where overlayfs could not mount (see the module comment). */
  readonly filesystem: 'overlay' | 'copy';
  readonly workDir: string;
  /** Inventory YAML to lay over a generated one: per host ansible_host, ansible_user, the key, ssh args and /usr/bin/python3. */
  inventory(): string;
  /** Writes inventory() into the work dir and returns its path. */
  writeInventory(): string;
  /** Options for a controller-side `ssh` (key, user, no host key checking, a ControlMaster in the work dir), without the destination. */
  sshOptions(host: string): string[];
  /** Runs a command on a host through the real ssh from the controller, as deployer, bounded in time. */
  ssh(host: string, command: string, options?: { timeoutMs?: number }): ExecResult;
  /** Runs a command inside a host (its mount, UTS and network namespaces) as root or as a user (runuser), bounded in time. */
  exec(host: string, argv: readonly string[], options?: { user?: string; timeoutMs?: number; input?: string }): ExecResult;
  /** A file's path as seen from this process: through the holder's /proc/<pid>/root, i.e. the host's merged view. */
  path(host: string, file: string): string;
  /** Kills the host's sshd and its sessions (the host stops answering ssh; connection refused). */
  stopSsh(host: string): void;
  /** Starts the host's sshd again and waits until it accepts connections. */
  startSsh(host: string): Promise<void>;
  /** Serves GET /healthz on the host's spec address and 127.0.0.1 at port, 200 or 500 as setHealthy says, until stop() or close(). */
  serveHealth(host: string, port: number, healthy?: boolean): Promise<HealthServer>;
  /** Kills every process it started, removes namespaces, bridge, veths, mounts and the work dir. Idempotent. */
  close(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';
const PYTHON = '/usr/bin/python3';
const USER = 'deployer';
/** RFC 5737's test networks, the first unused by this machine's routes is the bridge's. */
const SUBNETS = ['192.0.2', '198.51.100', '203.0.113'];
const COMMAND_MS = deadline(15_000);
const READY_MS = deadline(30_000);
const STOP_MS = deadline(5_000);
const SUBNET_WAIT_MS = deadline(60_000);
/** Private folders of every host: overlaid on the machine's (or copied, `copy: true`, or empty, when overlay fails). */
const PRIVATE_DIRS = [
  { dir: '/etc', copy: true },
  { dir: '/opt', copy: false },
  { dir: '/var/backups', copy: true },
  { dir: '/root', copy: false },
  { dir: '/home', copy: false },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
const alive = (pid: number) => pid > 0 && existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readOptional(`/proc/${pid}/status`));

function readOptional(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Runs a command to its end with a deadline; throws with its output when it fails and check is set. */
function run(argv: readonly string[], options: { check?: boolean; timeoutMs?: number; input?: string } = {}): ExecResult {
  const result = spawnSync(argv[0], argv.slice(1), {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? COMMAND_MS,
    killSignal: 'SIGKILL',
    input: options.input,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const outcome = { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  if (options.check && (result.error || result.status !== 0)) {
    throw new Error(`${argv.join(' ')} failed (${result.error?.message ?? `status ${result.status}`}): ${outcome.stderr}${outcome.stdout}`);
  }
  return outcome;
}

/** Why the harness cannot run here, or undefined when it can. */
export function sshHostsMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network, mount and UTS namespaces, sshd)';
  const programs = ['sshd', 'ssh', 'ssh-keygen', 'ip', 'unshare', 'nsenter', 'runuser', 'useradd', 'sudo'];
  const absent = programs.filter((program) => !['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((dir) => existsSync(join(dir, program))));
  if (!existsSync(PYTHON)) absent.push(PYTHON);
  if (absent.length > 0) return `missing ${absent.join(', ')} (Debian packages openssh-server openssh-client sudo iproute2 util-linux python3)`;
  if (run(['unshare', '--net', '--mount', '--uts', 'true']).status !== 0) return 'unshare cannot make network, mount and UTS namespaces here';
  return undefined;
}

/** IPv4 a.b.c.d as a number. */
const ipNumber = (address: string) => address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);

/** The IPv4 prefixes routed in the root namespace (every table), but for those through link except. */
function routedPrefixes(except: string): string[] {
  return run(['ip', '-4', '-o', 'route', 'show', 'table', 'all'], { check: true })
    .stdout.split('\n')
    .filter((line) => !line.includes(` dev ${except} `) && !line.endsWith(` dev ${except}`))
    .map((line) => line.split(/\s+/).filter((word) => !['broadcast', 'local', 'unicast', 'multicast'].includes(word))[0])
    .filter((prefix): prefix is string => /^[0-9.]+(\/[0-9]+)?$/.test(prefix ?? ''));
}

/** Whether the /24 subnet (a.b.c) overlaps one of routes. */
function overlaps(routes: readonly string[], subnet: string): boolean {
  return routes.some((route) => {
    const [address, bits = '32'] = route.split('/');
    const length = Math.min(Number(bits), 24);
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    return (ipNumber(address) & mask) >>> 0 === (ipNumber(`${subnet}.0`) & mask) >>> 0;
  });
}

/**
 * Gives bridge the address .254 of the first RFC 5737 /24 no other route of the machine overlaps (the machine's own
 * network, another run's bridge). Two runs starting at once may pick the same one: each checks after adding its
 * address and, on a clash, both step back and try again after a random pause. When all are taken, waits (bounded)
 * for another run to close.
 */
async function claimSubnet(bridge: string): Promise<string> {
  const deadline = Date.now() + SUBNET_WAIT_MS;
  for (let attempt = 0; ; attempt += 1) {
    const subnet = SUBNETS.find((candidate) => !overlaps(routedPrefixes(bridge), candidate));
    if (!subnet && Date.now() < deadline) {
      await sleep(250); // every network taken by other runs (or the machine): wait for one to close
      continue;
    }
    if (!subnet) throw new Error(`every RFC 5737 test network (${SUBNETS.join('.0/24, ')}.0/24) is still routed on this machine after ${SUBNET_WAIT_MS} ms`);
    run(['ip', 'addr', 'add', `${subnet}.254/24`, 'dev', bridge], { check: true });
    if (!overlaps(routedPrefixes(bridge), subnet)) return subnet;
    run(['ip', 'addr', 'delete', `${subnet}.254/24`, 'dev', bridge]);
    if (attempt >= 10) throw new Error(`${subnet}.0/24 is taken by another run each time`);
    await sleep(50 + Math.random() * 250);
  }
}

const netnsList = () =>
  run(['ip', 'netns', 'list'])
    .stdout.split('\n')
    .map((line) => line.split(' ')[0])
    .filter(Boolean);
const linkList = () =>
  run(['ip', '-o', 'link', 'show'])
    .stdout.split('\n')
    .map((line) => /^[0-9]+: ([^:@]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);

/** Processes whose command line names the work dir (ssh ControlMasters of the controller). */
function processesUsing(workDir: string): number[] {
  const needle = `${workDir}/`;
  return readdirSync('/proc')
    .filter((entry) => /^[0-9]+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => readOptional(`/proc/${entry}/cmdline`).includes(needle))
    .map(Number);
}

function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Waits (blocking, bounded) until none of pids is alive. */
function waitGone(pids: readonly number[], ms = STOP_MS): void {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) spawnSync('sleep', ['0.05']);
}

/**
 * Removes everything of run `tag` (prefix + id): ControlMasters, every process in its namespaces, the
 * namespaces, veths and bridge, and the work dir (the holders' mounts die with their namespaces).
 */
function teardown(tag: string, workDir: string, extraPids: readonly number[]): void {
  if (existsSync(workDir)) {
    for (const socket of readdirSync(workDir).filter((entry) => entry.startsWith('m'))) {
      run(['ssh', '-o', `ControlPath=${join(workDir, socket)}`, '-O', 'exit', 'none'], { timeoutMs: deadline(5000) });
    }
  }
  const namespaces = netnsList().filter((name) => name.startsWith(`${tag}-`));
  const pids = [...extraPids, ...namespaces.flatMap((namespace) => run(['ip', 'netns', 'pids', namespace]).stdout.split(/\s+/).filter(Boolean).map(Number))];
  const controllers = existsSync(workDir) ? processesUsing(workDir) : [];
  killAll([...pids, ...controllers]);
  waitGone([...pids, ...controllers]);
  for (const namespace of namespaces) run(['ip', 'netns', 'delete', namespace]);
  // exactly this run's names: another prefix's tag may start with this one
  const ours = new RegExp(`^${tag}(?:br|v[0-9]+)$`);
  for (const link of linkList().filter((name) => ours.test(name))) run(['ip', 'link', 'delete', link]);
  rmSync(workDir, { recursive: true, force: true });
}

/** Tears down runs of this prefix whose owner process is gone (a crashed or killed test). */
function cleanLeftovers(prefix: string): void {
  const pattern = new RegExp(`^(${prefix}[0-9a-f]{4})(?:-[0-9]+|br|v[0-9]+)?$`);
  const tags = new Set<string>();
  for (const name of [...netnsList(), ...linkList(), ...readdirSync('/tmp')]) {
    const tag = pattern.exec(name)?.[1];
    if (tag) tags.add(tag);
  }
  for (const tag of tags) {
    const workDir = join('/tmp', tag);
    const owner = Number(readOptional(join(workDir, 'owner')).trim());
    if (owner > 0 && alive(owner)) continue;
    if (existsSync(workDir) && !existsSync(join(workDir, 'owner'))) continue; // not one of ours, or one being made right now
    teardown(tag, workDir, []);
  }
}

/** Waits until path's text matches, the process exits or the deadline passes. */
async function waitForText(file: string, pattern: RegExp, child: ChildProcess, what: string, ms = READY_MS): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = readOptional(file);
    if (pattern.test(text)) return;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}): ${text}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${ms} ms: ${text}`);
    await sleep(50);
  }
}

/** Whether an SSH server greets on address:22 within a short time. */
function greets(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: 22 });
    const done = (result: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(false), 2000);
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** Starts a detached process with stdout and stderr appended to a log file. */
function startLogged(argv: readonly string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', fd, fd], cwd: '/' });
    child.on('error', () => undefined); // a spawn failure shows as exitCode/signalCode staying null: waits time out and say so
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/** The shell run by a host's holder: private mounts, hostname, users, sudo, then sleep to keep the namespaces. */
function holderScript(spec: HostSpec, sshAddress: string, hostDir: string): string {
  const mounts = PRIVATE_DIRS.map(
    ({ dir, copy }, index) => `private ${quote(dir)} ${quote(join(hostDir, `${index}u`))} ${quote(join(hostDir, `${index}w`))} ${copy ? 1 : 0}`,
  );
  const users = (spec.users ?? []).map(
    (user) =>
      `getent group ${user} >/dev/null || groupadd --system ${user}\n` +
      `getent passwd ${user} >/dev/null || useradd -l --system -g ${user} -M -d /nonexistent -s /usr/sbin/nologin ${user}`,
  );
  return [
    'set -eu',
    // overlay over the machine's folder; else (overlay impossible here) a bind mount of a private copy or of an empty folder
    'private() {',
    '  mkdir -p "$2" "$3"',
    '  if mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$1" 2>>"$3.err"; then echo overlay >"$3.mode"; return 0; fi',
    '  if [ "$4" = 1 ]; then cp -a "$1/." "$2/"; fi',
    '  mount --bind "$2" "$1"; echo copy >"$3.mode"',
    '}',
    ...mounts,
    'mount -t tmpfs -o mode=0755 tmpfs /run',
    'mkdir -m 0755 /run/sshd',
    `hostname ${spec.name}`,
    `echo ${spec.name} >/etc/hostname`,
    `printf '127.0.0.1 localhost\\n::1 localhost ip6-localhost ip6-loopback\\n%s %s\\n%s %s\\n' ${spec.address} ${spec.name} ${sshAddress} ${spec.name} >/etc/hosts`,
    // '*', not useradd's locked '!': sshd without PAM refuses a locked account even for a key
    `getent passwd ${USER} >/dev/null || useradd -l -m -U -p '*' -s /bin/bash ${USER}`,
    `printf '${USER} ALL=(ALL) NOPASSWD: ALL\\n' >/etc/sudoers.d/${USER}`,
    `chmod 0440 /etc/sudoers.d/${USER}`,
    ...users,
    'echo ready',
    'exec sleep infinity',
  ].join('\n');
}

function sshdConfig(sshAddress: string, workDir: string, index: number): string {
  return [
    `ListenAddress ${sshAddress}`,
    'Port 22',
    `HostKey ${join(workDir, `${index}`, 'host_key')}`,
    `PidFile ${join(workDir, `${index}`, 'sshd.pid')}`,
    'UsePAM no',
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    `AuthorizedKeysFile ${join(workDir, 'pub', 'authorized_keys')}`,
    'PermitRootLogin no',
    'UseDNS no',
    'PrintMotd no',
    // Ansible opens many sessions at once (forks, ControlMaster channels)
    'MaxStartups 100',
    'MaxSessions 100',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    '',
  ].join('\n');
}

/** The health server: answers GET /healthz on every address given, 200 when the state file says 1, else 500. */
const HEALTH_SERVER = `
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
state, port, addresses = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.split('?')[0] != '/healthz':
            code = 404
        else:
            code = 200 if open(state).read().strip() == '1' else 500
        body = b'ok\\n' if code == 200 else b'unhealthy\\n'
        self.send_response(code)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
servers = [ThreadingHTTPServer((address, port), Handler) for address in addresses]
for server in servers[1:]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
print('ready', flush=True)
servers[0].serve_forever()
`;
import { deadline } from './deadline';

interface HostState {
  spec: HostSpec;
  index: number;
  sshAddress: string;
  namespace: string;
  holder?: ChildProcess;
  sshd?: ChildProcess;
}

/**
 * Starts hosts for specs (names unique hostnames, at most 250), each reachable by ssh as deployer when this resolves.
 * prefix (1-5 lowercase letters or digits, default 'csh') names namespaces, links and the work dir /tmp/<prefix><id>.
 */
export async function startSshHosts(specs: readonly HostSpec[], options: { prefix?: string } = {}): Promise<SshHosts> {
  const prefix = options.prefix ?? 'csh';
  if (!/^[a-z][a-z0-9]{0,4}$/.test(prefix)) throw new Error(`prefix ${prefix}: 1-5 lowercase letters or digits (interface names are at most 15 characters)`);
  if (specs.length === 0 || specs.length > 250) throw new Error(`between 1 and 250 hosts, not ${specs.length}`);
  for (const spec of specs) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(spec.name)) throw new Error(`host name ${spec.name} is not a hostname`);
    if (!/^([0-9]{1,3}\.){3}[0-9]{1,3}$/.test(spec.address)) throw new Error(`host ${spec.name}: address ${spec.address} is not IPv4`);
    for (const user of spec.users ?? []) if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) throw new Error(`host ${spec.name}: user ${user} is not a user name`);
  }
  if (new Set(specs.map((spec) => spec.name)).size !== specs.length) throw new Error('host names repeat');
  const missing = sshHostsMissing();
  if (missing) throw new Error(`ssh hosts cannot run here: ${missing}`);
  cleanLeftovers(prefix);

  let tag = '';
  for (let attempt = 0; !tag; attempt += 1) {
    const candidate = `${prefix}${randomBytes(2).toString('hex')}`;
    try {
      mkdirSync(join('/tmp', candidate), { mode: 0o711 });
      tag = candidate;
    } catch (error) {
      if (attempt > 20) throw error;
    }
  }
  // A short path: ControlMaster sockets live here and unix socket paths stop at 108 bytes.
  const workDir = join('/tmp', tag);
  chmodSync(workDir, 0o711); // deployer's sshd child reads the authorized keys under it
  writeFileSync(join(workDir, 'owner'), `${process.pid}\n`);
  const bridge = `${tag}br`;
  const states: HostState[] = [];
  /** Every process started here, for close() to wait until Node has reaped them (no zombie left behind). */
  const children: ChildProcess[] = [];
  let closed = false;
  const onExit = () => closeNow();
  process.on('exit', onExit);

  function closeNow(): void {
    if (closed) return;
    closed = true;
    process.removeListener('exit', onExit);
    teardown(
      tag,
      workDir,
      children.map((child) => child.pid ?? 0).filter((pid) => pid > 0),
    );
  }

  const state = (name: string): HostState => {
    const found = states.find((candidate) => candidate.spec.name === name);
    if (!found) throw new Error(`no host ${name}`);
    if (closed) throw new Error('the hosts are closed');
    return found;
  };
  const holderPid = (host: HostState) => host.holder?.pid ?? 0;
  const inside = (host: HostState) => ['nsenter', '-t', `${holderPid(host)}`, '-m', '-u', '-n', '--'];

  async function startSsh(name: string): Promise<void> {
    const host = state(name);
    if (host.sshd && alive(host.sshd.pid ?? 0)) return;
    const log = join(workDir, `${host.index}`, 'sshd.log');
    const sshd = startLogged([...inside(host), SSHD, '-D', '-e', '-f', join(workDir, `${host.index}`, 'sshd_config')], log);
    host.sshd = sshd;
    children.push(sshd);
    const deadline = Date.now() + READY_MS;
    while (!(await greets(host.sshAddress))) {
      if (sshd.exitCode !== null || sshd.signalCode !== null) throw new Error(`sshd of ${name} exited: ${readOptional(log)}`);
      if (Date.now() > deadline) throw new Error(`sshd of ${name} does not answer on ${host.sshAddress}:22 within ${READY_MS} ms: ${readOptional(log)}`);
      await sleep(50);
    }
  }

  function stopSsh(name: string): void {
    const host = state(name);
    // The listener and every session's sshd: a stopped host keeps no connection, so a ControlMaster fails too.
    const sshds = run(['ip', 'netns', 'pids', host.namespace])
      .stdout.split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter((pid) => {
        try {
          return readlinkSync(`/proc/${pid}/exe`) === SSHD;
        } catch {
          return false;
        }
      });
    const pids = [...sshds, host.sshd?.pid ?? 0].filter((pid) => pid > 0);
    killAll(pids);
    waitGone(pids);
    for (const socket of readdirSync(workDir).filter((entry) => entry.startsWith(`m${host.index}-`))) {
      run(['ssh', '-o', `ControlPath=${join(workDir, socket)}`, '-O', 'exit', 'none'], { timeoutMs: deadline(5000) });
    }
    host.sshd = undefined;
  }

  const privateKey = join(workDir, 'id_ed25519');
  /** The -o options of every controller-side ssh to a host, Ansible's included: its ControlMaster socket is in the work dir. */
  const commonOptions = (host: HostState): string[] =>
    Object.entries({
      IdentitiesOnly: 'yes',
      StrictHostKeyChecking: 'no',
      UserKnownHostsFile: '/dev/null',
      LogLevel: 'ERROR',
      BatchMode: 'yes',
      ConnectTimeout: '10',
      ControlMaster: 'auto',
      ControlPersist: '60s',
      ControlPath: join(workDir, `m${host.index}-%r`),
    }).flatMap(([option, value]) => ['-o', `${option}=${value}`]);
  const sshOptions = (name: string): string[] => ['-F', '/dev/null', '-i', privateKey, ...commonOptions(state(name)), '-l', USER];

  const inventory = (): string => {
    const hosts: Record<string, Record<string, string | number>> = {};
    for (const host of states) {
      hosts[host.spec.name] = {
        ansible_host: host.sshAddress,
        ansible_port: 22,
        ansible_user: USER,
        ansible_ssh_private_key_file: privateKey,
        ansible_ssh_common_args: commonOptions(host).join(' '),
        ansible_python_interpreter: PYTHON,
      };
    }
    return stringify({ all: { hosts } });
  };

  const sshHosts: SshHosts = {
    get hosts() {
      return states.map((host) => ({
        name: host.spec.name,
        address: host.spec.address,
        sshAddress: host.sshAddress,
        namespace: host.namespace,
        holderPid: holderPid(host),
        pid: host.sshd?.pid ?? 0,
      }));
    },
    privateKey,
    get filesystem() {
      const modes = states.flatMap((host) => PRIVATE_DIRS.map((_, index) => readOptional(join(workDir, `${host.index}`, `${index}w.mode`)).trim()));
      return modes.every((mode) => mode === 'overlay') ? 'overlay' : 'copy';
    },
    workDir,
    inventory,
    writeInventory() {
      const file = join(workDir, 'inventory.yml');
      writeFileSync(file, inventory());
      return file;
    },
    sshOptions,
    ssh(name, command, options = {}) {
      return run(['ssh', ...sshOptions(name), state(name).sshAddress, command], { timeoutMs: options.timeoutMs ?? COMMAND_MS });
    },
    exec(name, argv, options = {}) {
      const host = state(name);
      const as = options.user && options.user !== 'root' ? ['runuser', '-u', options.user, '--'] : [];
      return run([...inside(host), ...as, ...argv], { timeoutMs: options.timeoutMs ?? COMMAND_MS, input: options.input });
    },
    path(name, file) {
      return join(`/proc/${holderPid(state(name))}/root`, file);
    },
    stopSsh,
    startSsh,
    async serveHealth(name, port, healthy = true) {
      const host = state(name);
      const stateFile = join(workDir, `${host.index}`, `health-${port}`);
      const setHealthy = (value: boolean) => writeFileSync(stateFile, value ? '1\n' : '0\n', { mode: 0o644 });
      setHealthy(healthy);
      const log = join(workDir, `${host.index}`, `health-${port}.log`);
      const server = startLogged([...inside(host), PYTHON, '-c', HEALTH_SERVER, stateFile, `${port}`, host.spec.address, '127.0.0.1'], log);
      children.push(server);
      await waitForText(log, /^ready$/m, server, `the health server of ${name} on port ${port}`);
      return {
        url: `http://${host.spec.address}:${port}/healthz`,
        pid: server.pid ?? 0,
        setHealthy,
        stop() {
          killAll([server.pid ?? 0].filter((pid) => pid > 0));
          waitGone([server.pid ?? 0]);
        },
      };
    },
    async close() {
      closeNow();
      const deadline = Date.now() + STOP_MS;
      while (children.some((child) => child.exitCode === null && child.signalCode === null) && Date.now() < deadline) await sleep(20);
    },
  };

  try {
    run(['ip', 'link', 'add', bridge, 'type', 'bridge'], { check: true });
    run(['ip', 'link', 'set', bridge, 'up'], { check: true }); // up first: a down link's address routes nothing, and another run would not see it
    const subnet = await claimSubnet(bridge);
    run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `${tag}-controller`, '-f', privateKey], { check: true });
    mkdirSync(join(workDir, 'pub'), { mode: 0o755 });
    writeFileSync(join(workDir, 'pub', 'authorized_keys'), readFileSync(`${privateKey}.pub`), { mode: 0o644 });
    specs.forEach((spec, index) => states.push({ spec, index, sshAddress: `${subnet}.${index + 1}`, namespace: `${tag}-${index}` }));
    await Promise.all(
      states.map(async (host) => {
        const hostDir = join(workDir, `${host.index}`);
        mkdirSync(hostDir, { mode: 0o711 });
        const veth = `${tag}v${host.index}`;
        const peer = `${tag}p${host.index}`;
        const nic = host.spec.interface ?? 'eth0';
        if (!/^[a-z][a-z0-9]{0,14}$/.test(nic)) throw new Error(`host ${host.spec.name}: ${nic} is not an interface name`);
        const network = [
          `ip netns add ${host.namespace}`,
          `ip link add ${veth} type veth peer name ${peer}`,
          `ip link set ${peer} netns ${host.namespace}`,
          `ip link set ${veth} master ${bridge} up`,
          `ip -n ${host.namespace} link set ${peer} name ${nic}`,
          `ip -n ${host.namespace} addr add ${host.sshAddress}/24 dev ${nic}`,
          // no dummy module on this kernel: the spec address is a second, /32 address of the interface
          `ip -n ${host.namespace} addr add ${host.spec.address}/32 dev ${nic}`,
          `ip -n ${host.namespace} link set ${nic} up`,
          `ip -n ${host.namespace} link set lo up`,
          `ssh-keygen -q -t ed25519 -N '' -C ${host.spec.name} -f ${hostDir}/host_key`,
        ].join(' && ');
        const setup = run(['sh', '-c', network], { timeoutMs: READY_MS });
        if (setup.status !== 0) throw new Error(`host ${host.spec.name}: ${setup.stderr}`);
        writeFileSync(join(hostDir, 'sshd_config'), sshdConfig(host.sshAddress, workDir, host.index));
        writeFileSync(join(hostDir, 'holder.sh'), holderScript(host.spec, host.sshAddress, hostDir));
        const log = join(hostDir, 'holder.log');
        host.holder = startLogged(
          ['ip', 'netns', 'exec', host.namespace, 'unshare', '--mount', '--uts', '--propagation', 'private', 'sh', join(hostDir, 'holder.sh')],
          log,
        );
        children.push(host.holder);
        await waitForText(log, /^ready$/m, host.holder, `host ${host.spec.name}'s namespaces`);
        await startSsh(host.spec.name);
      }),
    );
  } catch (error) {
    await sshHosts.close();
    throw error;
  }
  return sshHosts;
}
