/**
 * The shared cache on premises: tools/nx-cache-server (Nx's self-hosted remote cache API) on 127.0.0.1, two clones of
 * one fleet repository pointed at it through NX_SELF_HOSTED_REMOTE_CACHE_SERVER. What the first clone ran, the
 * second takes from the shared cache: every task, with out/ restored byte for byte. Also the server's own rules
 * (tokens, no overwrite, no path in a hash). About 40 s; every process is bounded in time.
 * Needs `npm run build` (the executor loads packages/cli/dist).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';
import { fleet, treeDifferences } from '../support/fleet';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(240000));

const SERVER = join(ROOT, 'tools/nx-cache-server/server.js');
const SITES = ['east', 'west', 'north'];
const RUN_ALL = ['run-many', '-t', 'generate', 'lint', 'check', '--projects=tag:cluster', '--output-style=static'];

/** Starts the cache server on a free port of 127.0.0.1; resolves with its URL once it listens (10 s at most). */
function startServer(dir: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [SERVER, '--dir', dir, '--host', '127.0.0.1', '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the cache server did not listen within 10 s'));
    }, 10000);
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /listening on (http:\/\/\S+),/.exec(text)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the cache server exited (${code})`));
    });
  });
}

function stopServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** One HTTP request to the server, bounded at 10 s: status and body. */
function call(url: string, method: string, path: string, body?: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const req = request(`${url}${path}`, { method, headers, timeout: deadline(10000) }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** How many of the run's tasks Nx says it took from the remote cache. */
function remoteHits(output: string): number {
  return (output.match(/^> nx run \S+ {2}\[remote cache\]$/gm) ?? []).length;
}

describe('a shared cache for two clones (tools/nx-cache-server)', () => {
  let scratch: string;
  let server: ChildProcess | undefined;
  let url: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-shared-cache-'));
    ({ url, child: server } = await startServer(join(scratch, 'store')));
    fleet.makeFleetWorkspace(
      join(scratch, 'first'),
      SITES.map((name) => ({ name, text: fleet.modernSpec(name) })),
    );
  });
  afterAll(async () => {
    await stopServer(server);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('the first clone runs every task and stores each in the shared cache', () => {
    const { status, output } = fleet.nx(join(scratch, 'first'), RUN_ALL, { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url }, 120000);
    expect(status).toBe(0);
    // archive, generate (its unpack), lint and check of three sites.
    expect(output).toMatch(/Running 12 tasks with @clusterspec\/nx:clusterspec/);
    expect(remoteHits(output)).toBe(0);
    // generate is not cached (the archive it unpacks is): three entries each for archive, lint and check.
    expect(readdirSync(join(scratch, 'store')).filter((name) => !name.startsWith('.'))).toHaveLength(9);
  });

  it('a second clone generates nothing: all 9 cached tasks come from the shared cache, out/ unpacked byte for byte', () => {
    const second = join(scratch, 'second');
    fleet.cloneFleetWorkspace(join(scratch, 'first'), second);
    const { status, output } = fleet.nx(second, RUN_ALL, { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url }, 120000);
    expect(status).toBe(0);
    expect(remoteHits(output)).toBe(9);
    // The root project's `build` (an nx:noop there) and the three uncached generate tasks, which only unpack.
    expect(output).toMatch(/Nx read the output from the cache instead of running the command for 9 out of 13 tasks/);
    expect(output).toMatch(/Running 3 tasks with @clusterspec\/nx:clusterspec/);
    // Each task's own output is replayed; the clone's committed out/ already holds the files.
    expect(output).toMatch(/sites\/east\/cluster\.yaml: out\/east is current/);
    expect(output).toMatch(/out\/east already holds these 152 files; set the mode of \d+ of them, left the rest as it was/);
    expect(treeDifferences(join(second, 'out'), join(scratch, 'first/out'))).toEqual([]);
  });

  it('a clone without out/ gets it back from the shared cache (the archive is restored, not made, and unpacked)', () => {
    const third = join(scratch, 'third');
    fleet.cloneFleetWorkspace(join(scratch, 'first'), third);
    rmSync(join(third, 'out'), { recursive: true });
    const { status, output } = fleet.nx(
      third,
      ['run-many', '-t', 'generate', '--projects=tag:cluster', '--output-style=static'],
      { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url },
      120000,
    );
    expect(status).toBe(0);
    expect(remoteHits(output)).toBe(3);
    expect(treeDifferences(join(third, 'out'), join(scratch, 'first/out'))).toEqual([]);
  });

  it('without NX_SELF_HOSTED_REMOTE_CACHE_SERVER a clone uses its local cache only, and runs the tasks', () => {
    const fourth = join(scratch, 'fourth');
    fleet.cloneFleetWorkspace(join(scratch, 'first'), fourth);
    const { status, output } = fleet.nx(fourth, ['run-many', '-t', 'lint', '--projects=tag:cluster', '--output-style=static'], {}, 120000);
    expect(status).toBe(0);
    expect(remoteHits(output)).toBe(0);
    expect(output).toMatch(/Running 3 tasks with/);
  });
});

describe('the cache server refuses what it must', () => {
  let scratch: string;
  let server: ChildProcess | undefined;
  let url: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-cache-server-'));
    ({ url, child: server } = await startServer(join(scratch, 'store'), { NX_CACHE_SERVER_WRITE_TOKEN: 'ci-writes', NX_CACHE_SERVER_READ_TOKEN: 'devs-read' }));
  });
  afterAll(async () => {
    await stopServer(server);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('stores with the write token, never replaces an entry, lets the read token read but not write', async () => {
    expect((await call(url, 'PUT', '/v1/cache/abc123', 'first', 'ci-writes')).status).toBe(200);
    expect(await call(url, 'GET', '/v1/cache/abc123', undefined, 'devs-read')).toEqual({ status: 200, body: 'first' });
    expect((await call(url, 'PUT', '/v1/cache/abc123', 'poisoned', 'ci-writes')).status).toBe(409);
    expect((await call(url, 'GET', '/v1/cache/abc123', undefined, 'ci-writes')).body).toBe('first');
    expect((await call(url, 'PUT', '/v1/cache/def456', 'x', 'devs-read')).status).toBe(403);
    expect((await call(url, 'GET', '/v1/cache/abc123')).status).toBe(401);
    expect((await call(url, 'GET', '/v1/cache/abc123', undefined, 'guess')).status).toBe(401);
    expect((await call(url, 'GET', '/v1/cache/nothing-here', undefined, 'devs-read')).status).toBe(404);
  });

  it('answers 404 for anything but a plain hash (no path reaches the disk)', async () => {
    for (const path of ['/v1/cache/..%2F..%2Fetc%2Fpasswd', '/v1/cache/../x', '/v1/cache/a.b', '/elsewhere']) {
      expect((await call(url, 'GET', path, undefined, 'ci-writes')).status).toBe(404);
    }
    expect(readdirSync(join(scratch, 'store'))).toEqual(['abc123']);
  });

  it('refuses to start without a storage folder, in one line, exit 2', async () => {
    const child = spawn(process.execPath, [SERVER], { env: { ...process.env, NX_CACHE_SERVER_DIR: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      child.on('exit', (exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
    expect(code).toBe(2);
    expect(stderr).toBe('nx-cache-server: name the storage folder: --dir DIR (or NX_CACHE_SERVER_DIR)\n');
  });
});
