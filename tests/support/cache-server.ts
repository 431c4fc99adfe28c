/**
 * tools/nx-cache-server as the tests run it: started on a free port of 127.0.0.1 (its first stdout line says
 * where), stopped with SIGTERM (SIGKILL after 5 s), requests bounded at 10 s, and a start-up that must fail
 * run to its exit (bounded at 10 s).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { ROOT } from './fixtures';
import { deadline } from './deadline';

export const CACHE_SERVER = join(ROOT, 'tools/nx-cache-server/server.js');

export interface RunningCacheServer {
  url: string;
  child: ChildProcess;
  /** Everything it has printed on stdout so far (the listening lines, then one line per request). */
  stdout(): string;
  stderr(): string;
}

/** Starts the server with these arguments (default: --host 127.0.0.1 --port 0); resolves once it listens (10 s at most). */
export function startCacheServer(
  dir: string,
  env: Record<string, string> = {},
  args: string[] = ['--host', '127.0.0.1', '--port', '0'],
  spawnOptions: SpawnOptions = {},
): Promise<RunningCacheServer> {
  const base = { ...process.env };
  for (const name of ['NX_CACHE_SERVER_TOKEN', 'NX_CACHE_SERVER_WRITE_TOKEN', 'NX_CACHE_SERVER_READ_TOKEN', 'NX_CACHE_SERVER_DIR']) delete base[name];
  const child = spawn(process.execPath, [CACHE_SERVER, '--dir', dir, ...args], {
    ...spawnOptions,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the cache server did not listen within 10 s'));
    }, 10000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (https?:\/\/\S+),/.exec(stdout)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url: url.replace('0.0.0.0', '127.0.0.1'), child, stdout: () => stdout, stderr: () => stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the cache server exited (${code}): ${stderr}`));
    });
  });
}

export function stopCacheServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A start-up that must fail: its exit code, stdout and stderr, and how long it took (killed after 10 s). */
export function runCacheServer(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const base = { ...process.env };
  for (const name of ['NX_CACHE_SERVER_TOKEN', 'NX_CACHE_SERVER_WRITE_TOKEN', 'NX_CACHE_SERVER_READ_TOKEN', 'NX_CACHE_SERVER_DIR']) delete base[name];
  const started = Date.now();
  const child = spawn(process.execPath, [CACHE_SERVER, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export interface CallOptions {
  body?: string | Buffer;
  token?: string;
  headers?: OutgoingHttpHeaders;
  /** For https: the certificate to trust. */
  ca?: string | Buffer;
}

/** One request to the server, bounded at 10 s: status and body. */
export function callCacheServer(url: string, method: string, path: string, options: CallOptions = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers };
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    // A connection of its own (agent: false): a kept-alive one the server closed while the test waited in spawnSync
    // would be reused dead and fail as "socket hang up".
    const req = send(`${url}${path}`, { method, headers, timeout: deadline(10000), ca: options.ca, agent: false }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Resolves once `predicate` holds of what the server printed on `stream` (stdout: a line per finished request);
 * 10 s at most.
 */
export function untilLogged(server: RunningCacheServer, predicate: (text: string) => boolean, stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
  const text = () => (stream === 'stdout' ? server.stdout() : server.stderr());
  const source = server.child[stream];
  return new Promise((resolve, reject) => {
    if (predicate(text())) return resolve();
    const timer = setTimeout(() => {
      source?.off('data', check);
      reject(new Error(`not printed within 10 s; ${stream}:\n${text()}`));
    }, 10000);
    function check() {
      if (!predicate(text())) return;
      clearTimeout(timer);
      source?.off('data', check);
      resolve();
    }
    // Registered after the collector of startCacheServer, so text() already holds the chunk.
    source?.on('data', check);
    return undefined;
  });
}
