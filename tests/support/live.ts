/**
 * Real servers on loopback addresses for acceptance tests: the real nginx running a generated nginx.conf,
 * small Node TLS servers standing for apiservers, and a TLS client that dials as kubectl does.
 * Everything binds 127.x addresses only, is bounded in time and is stopped by its owner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for a promise at most ms, leaving no timer behind. */
async function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Socket inodes listening on address:port over TCP/IPv4, from /proc/net/tcp (dialling it would disturb nginx's upstream accounting). */
export function listeningInodes(address: string, port: number): string[] {
  const hex = address
    .split('.')
    .map((octet) => Number(octet).toString(16).toUpperCase().padStart(2, '0'))
    .reverse()
    .join('');
  const local = `${hex}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1] === local && fields[3] === '0A')
    .map((fields) => fields[9]);
}

/** Whether process pid holds one of these socket inodes (its listening socket). */
function holdsSocket(pid: number, inodes: readonly string[]): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.includes(/^socket:\[([0-9]+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '');
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

export interface RunningNginx {
  readonly pid: number;
  readonly stderr: () => string;
  stop(): Promise<void>;
}

/** The process ids of a process's children (nginx workers of a master), from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Starts `nginx -c <config> -p <prefix>/ -e stderr -g 'daemon off; pid <prefix>/nginx.pid; error_log stderr;'` in the
 * foreground and waits until it listens on address:port. Fails with nginx's stderr if it exits or does not listen in time.
 */
export async function startNginx(config: string, prefix: string, address: string, port: number, timeoutMs = 10_000): Promise<RunningNginx> {
  const taken = listeningInodes(address, port);
  if (taken.length > 0) throw new Error(`${address}:${port} is already taken by another process: nginx could not listen there`);
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const configFile = join(prefix, 'nginx.conf');
  writeFileSync(configFile, config);
  const child: ChildProcess = spawn(
    'nginx',
    ['-c', configFile, '-p', `${prefix}/`, '-e', 'stderr', '-g', `daemon off; pid ${prefix}/nginx.pid; error_log stderr;`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  let exited: number | string | null | undefined;
  const exit = new Promise<void>((resolve) => child.on('exit', (code, signal) => ((exited = code ?? signal), resolve())));
  child.on('error', (error) => (output += `\nspawn error: ${error.message}`));

  const stop = async () => {
    if (exited !== undefined || child.pid === undefined) return;
    const workers = childrenOf(child.pid);
    child.kill('SIGTERM');
    await within(exit, 5000);
    if (exited === undefined) {
      child.kill('SIGKILL');
      for (const worker of workers) {
        try {
          process.kill(worker, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await within(exit, 2000);
    }
  };

  const deadline = Date.now() + timeoutMs;
  // Ready when the nginx master itself holds the listening socket (not merely when something listens there).
  while (child.pid === undefined || !holdsSocket(child.pid, listeningInodes(address, port))) {
    if (exited !== undefined) throw new Error(`nginx exited (${exited}) before listening on ${address}:${port}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not listen on ${address}:${port} within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(50);
  }
  if (child.pid === undefined) throw new Error(`nginx did not start:\n${output}`);
  return { pid: child.pid, stderr: () => output, stop };
}

export interface TlsBackend {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** TCP connections accepted so far; counted before the TLS handshake starts. */
  connections(): number;
  close(): Promise<void>;
}

/** A TLS server at address:port with the given certificate and key that answers every client with its own name, then closes. */
export async function startTlsBackend(name: string, address: string, port: number, cert: Buffer, key: Buffer): Promise<TlsBackend> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = tls.createServer({ cert, key }, (socket) => socket.end(name));
  // Registered after tls.Server's own listener, and emitted synchronously with it: before any handshake byte is sent.
  server.on('connection', (socket: Socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    name,
    address,
    port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type DialResult = { readonly ok: true; readonly answer: string } | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Dials as kubectl does: TLS to address:port, the cluster CA as the only trust anchor, the server name (when the
 * endpoint is a name) sent as SNI and checked by Node's default checkServerIdentity; an address is checked as an IP SAN.
 */
export function dial(address: string, port: number, serverName: string | undefined, ca: Buffer, timeoutMs = 5000): Promise<DialResult> {
  return new Promise((resolve) => {
    let answer = '';
    let settled = false;
    const finish = (result: DialResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const socket = tls.connect({ host: address, port, ca, ...(serverName ? { servername: serverName } : {}) });
    const timer = setTimeout(() => finish({ ok: false, code: 'TIMEOUT', message: `no answer from ${address}:${port} within ${timeoutMs} ms` }), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => finish({ ok: true, answer }));
    socket.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, code: error.code ?? 'ERROR', message: error.message }));
  });
}
