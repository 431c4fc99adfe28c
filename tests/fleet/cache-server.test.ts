/**
 * tools/nx-cache-server's own rules (issue 22, item 2), one real server process per case group: start-up mistakes
 * are one line and exit 2 with nothing created; an unreadable entry is a 500 and the server keeps serving; one
 * log line per request; the limits on uploads at once, per upload and in total (oldest evicted first); entries
 * 0600; tokens compared as digests; TLS. Every process is bounded in time. About 10 s.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callCacheServer as call, runCacheServer, startCacheServer, stopCacheServer, untilLogged, type RunningCacheServer } from '../support/cache-server';
import { deadline } from '../support/deadline';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module without type declarations, typed here
const { accessChecker } = require('../../tools/nx-cache-server/access.js') as {
  accessChecker: (tokens: { write?: string; read?: string }) => (request: { headers: { authorization?: string } }) => 'write' | 'read' | undefined;
};

jest.setTimeout(deadline(60000));

const WRITE = 'ci-writes-0123456789';
const READ = 'prs-read-0123456789';
const TOKENS = { NX_CACHE_SERVER_WRITE_TOKEN: WRITE, NX_CACHE_SERVER_READ_TOKEN: READ };

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-cache-server-unit-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Files other than entries left in a store folder (half-written uploads). */
const partials = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('.'));

describe('start-up: every mistake is one line on stderr, exit 2, quickly, and nothing created', () => {
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['a port that is not a number', ['--port', 'abc'], {}, /--port must be a whole number from 0 to 65535, not "abc"/],
    ['a port past 65535', ['--port', '99999'], {}, /not "99999"/],
    ['an unknown argument', ['--prot', '8090'], {}, /unknown argument "--prot"/],
    ['an option without its value', ['--port'], {}, /--port needs a value/],
    ['an empty write token', [], { NX_CACHE_SERVER_WRITE_TOKEN: '' }, /NX_CACHE_SERVER_WRITE_TOKEN is set but empty/],
    ['an empty read token', [], { NX_CACHE_SERVER_WRITE_TOKEN: WRITE, NX_CACHE_SERVER_READ_TOKEN: '' }, /NX_CACHE_SERVER_READ_TOKEN is set but empty/],
    ['the read token equal to the write token', [], { NX_CACHE_SERVER_WRITE_TOKEN: WRITE, NX_CACHE_SERVER_READ_TOKEN: WRITE }, /equals the write token/],
    ['the old token name (its meaning changed)', [], { NX_CACHE_SERVER_TOKEN: WRITE }, /NX_CACHE_SERVER_TOKEN was renamed NX_CACHE_SERVER_WRITE_TOKEN/],
    ['0.0.0.0 without a write token', ['--host', '0.0.0.0'], {}, /refusing to listen on 0\.0\.0\.0 without NX_CACHE_SERVER_WRITE_TOKEN.*--insecure/],
    ['0.0.0.0 with only a read token', ['--host', '0.0.0.0'], { NX_CACHE_SERVER_READ_TOKEN: READ }, /without NX_CACHE_SERVER_WRITE_TOKEN/],
    [
      '0.0.0.0 over plain HTTP',
      ['--host', '0.0.0.0'],
      TOKENS,
      /refusing to listen on 0\.0\.0\.0 over plain HTTP: the tokens would cross the network in cleartext/,
    ],
    ['a certificate without its key', ['--tls-cert', '/nonexistent.crt'], {}, /--tls-cert and --tls-key go together/],
    ['a certificate that is not there', ['--tls-cert', '/nonexistent.crt', '--tls-key', '/nonexistent.key'], {}, /cannot use --tls-cert .*: ENOENT/],
    ['a limit of 0 uploads', ['--max-uploads', '0'], {}, /--max-uploads must be a whole number from 1/],
  ];
  it.each(cases)('%s', async (_name, args, env, message) => {
    const dir = join(scratch, 'never-made');
    const result = await runCacheServer(['--dir', dir, ...args], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^nx-cache-server: [^\n]+\n$/);
    expect(result.stdout).toBe('');
    expect(result.ms).toBeLessThan(5000);
    expect(existsSync(dir)).toBe(false);
  });

  it('a --dir that is a file, one under /proc (Node’s recursive mkdir loops there), one whose parent is missing', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    for (const [dir, message] of [
      [file, /--dir .*a-file is not a folder/],
      ['/proc/x', /cannot use --dir \/proc\/x: ENOENT/],
      [join(scratch, 'missing/store'), /cannot use --dir .*missing\/store: ENOENT/],
    ] as const) {
      const result = await runCacheServer(['--dir', dir]);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(message) });
      expect(result.stderr.split('\n')).toHaveLength(2);
      expect(result.ms).toBeLessThan(5000);
    }
  });

  it('a port already taken', async () => {
    const first = await startCacheServer(join(scratch, 'taken'));
    try {
      const port = new URL(first.url).port;
      const result = await runCacheServer(['--dir', join(scratch, 'taken'), '--port', port]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`nx-cache-server: cannot listen on 127.0.0.1:${port}: EADDRINUSE\n`);
    } finally {
      await stopCacheServer(first.child);
    }
  });

  it('0.0.0.0 without a write token or TLS starts with --insecure, and says so', async () => {
    const server = await startCacheServer(join(scratch, 'insecure'), {}, ['--host', '0.0.0.0', '--port', '0', '--insecure']);
    try {
      await untilLogged(server, (text) => text.includes('MAY WRITE'));
      expect(server.stdout()).toMatch(/ANYONE WHO REACHES IT MAY WRITE \(no NX_CACHE_SERVER_WRITE_TOKEN\); anyone may read/);
      await untilLogged(server, (text) => text.includes('\n'), 'stderr');
      expect(server.stderr()).toBe('nx-cache-server: warning: --insecure on 0.0.0.0: tokens cross the network in cleartext; anyone may write\n');
    } finally {
      await stopCacheServer(server.child);
    }
  });
});

describe('tokens', () => {
  const check = accessChecker({ write: WRITE, read: READ });
  const as = (authorization?: string) => check({ headers: { authorization } });

  it('the write token writes, the read token reads, anything else (a prefix, a longer string, no Bearer) is nothing', () => {
    expect(as(`Bearer ${WRITE}`)).toBe('write');
    expect(as(`Bearer ${READ}`)).toBe('read');
    // Different lengths: timingSafeEqual over SHA-256 digests never throws on them.
    for (const wrong of [`Bearer ${WRITE.slice(0, -1)}`, `Bearer ${WRITE}x`, `Bearer x`, WRITE, undefined]) expect(as(wrong)).toBeUndefined();
  });

  it('with no token at all everyone writes (loopback only: start-up refuses it elsewhere); with a read token only, nobody writes', () => {
    expect(accessChecker({})({ headers: {} })).toBe('write');
    expect(accessChecker({ read: READ })({ headers: { authorization: `Bearer ${READ}` } })).toBe('read');
    expect(accessChecker({ read: READ })({ headers: {} })).toBeUndefined();
  });
});

describe('serving', () => {
  let server: RunningCacheServer;
  let store: string;
  beforeAll(async () => {
    store = join(scratch, 'serving');
    server = await startCacheServer(store, TOKENS);
  });
  afterAll(() => stopCacheServer(server.child));

  it('makes its folder 0700 and each entry 0600', async () => {
    expect((await call(server.url, 'PUT', '/v1/cache/mode1', { body: 'x', token: WRITE })).status).toBe(200);
    expect(statSync(store).mode & 0o777).toBe(0o700);
    expect(statSync(join(store, 'mode1')).mode & 0o777).toBe(0o600);
  });

  it('logs one line per request, with its status and access and never a token', async () => {
    await call(server.url, 'PUT', '/v1/cache/logged1', { body: 'hello', token: WRITE });
    await call(server.url, 'GET', '/v1/cache/logged1', { token: READ });
    await call(server.url, 'PUT', '/v1/cache/logged2', { body: 'x', token: READ });
    await call(server.url, 'GET', '/v1/cache/logged1');
    await untilLogged(server, (text) => text.includes('GET /v1/cache/logged1 401'));
    const lines = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('logged'));
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z \S+ (GET|PUT) \/v1\/cache\/logged\d \d{3} \d+B \d+ms (write|read|none)$/);
    expect(lines[0]).toMatch(/PUT \/v1\/cache\/logged1 200 5B \d+ms write$/);
    expect(lines[1]).toMatch(/GET \/v1\/cache\/logged1 200 5B \d+ms read$/);
    expect(lines[2]).toMatch(/PUT \/v1\/cache\/logged2 403 0B \d+ms read$/);
    expect(lines[3]).toMatch(/GET \/v1\/cache\/logged1 401 0B \d+ms none$/);
    expect(server.stdout()).not.toContain(WRITE);
    expect(server.stdout()).not.toContain(READ);
  });

  it('answers 500 for an entry that is a folder (EISDIR) or a FIFO, and keeps serving', async () => {
    mkdirSync(join(store, 'adirectory'));
    execFileSync('mkfifo', [join(store, 'afifo')], { timeout: deadline(10000) });
    expect(await call(server.url, 'GET', '/v1/cache/adirectory', { token: READ })).toEqual({
      status: 500,
      body: 'cannot read this entry: not a regular file\n',
    });
    expect((await call(server.url, 'GET', '/v1/cache/afifo', { token: READ })).status).toBe(500);
    expect((await call(server.url, 'PUT', '/v1/cache/after500', { body: 'still here', token: WRITE })).status).toBe(200);
    expect(await call(server.url, 'GET', '/v1/cache/after500', { token: READ })).toEqual({ status: 200, body: 'still here' });
    expect(server.child.exitCode).toBeNull();
  });
});

describe('an entry the server’s account cannot read (EACCES)', () => {
  it('is a 500, and the server keeps serving', async () => {
    // Root reads every file, so the server runs as nobody (the tests run as root) over a folder nobody owns.
    if (process.getuid?.() !== 0) throw new Error('this case needs root, to run the server as another account');
    const store = join(scratch, 'eacces');
    mkdirSync(store, { mode: 0o700 });
    chownSync(store, 65534, 65534);
    chmodSync(scratch, 0o755);
    writeFileSync(join(store, 'rootonly'), 'secret', { mode: 0o600 });
    const server = await startCacheServer(store, TOKENS, ['--host', '127.0.0.1', '--port', '0'], { uid: 65534, gid: 65534 });
    try {
      expect(await call(server.url, 'GET', '/v1/cache/rootonly', { token: READ })).toEqual({ status: 500, body: 'cannot read this entry: EACCES\n' });
      expect((await call(server.url, 'PUT', '/v1/cache/mine', { body: 'ok', token: WRITE })).status).toBe(200);
      expect(await call(server.url, 'GET', '/v1/cache/mine', { token: READ })).toEqual({ status: 200, body: 'ok' });
    } finally {
      await stopCacheServer(server.child);
    }
  });
});

/** A PUT that sends its headers and part of its body, then waits; resolves once the server has taken it (100 Continue). */
function heldUpload(url: string, hash: string): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/cache/${hash}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${WRITE}`, 'content-length': '10', expect: '100-continue' },
      timeout: deadline(10000),
    });
    // Node's server answers 100 Continue in the same turn in which it hands the request to the handler.
    req.on('continue', () => {
      req.write('12345');
      resolve(req);
    });
    req.on('timeout', () => req.destroy(new Error('no 100 Continue within 10 s')));
    req.on('error', reject);
    req.on('response', (response) => response.resume());
    req.flushHeaders();
  });
}

describe('upload limits', () => {
  let server: RunningCacheServer;
  let store: string;
  beforeAll(async () => {
    store = join(scratch, 'limits');
    server = await startCacheServer(store, TOKENS, ['--host', '127.0.0.1', '--port', '0', '--max-uploads', '2', '--max-entry-bytes', '100']);
  });
  afterAll(() => stopCacheServer(server.child));

  it('at most --max-uploads uploads at once: the next is 503 with Retry-After; a finished or dropped one frees its place', async () => {
    const first = await heldUpload(server.url, 'held1');
    const second = await heldUpload(server.url, 'held2');
    expect(await call(server.url, 'PUT', '/v1/cache/third', { body: 'x', token: WRITE })).toEqual({
      status: 503,
      body: '2 uploads are under way; try again\n',
    });
    const answered = new Promise<number>((resolve) => first.on('response', (response) => resolve(response.statusCode ?? 0)));
    first.end('67890');
    expect(await answered).toBe(200);
    second.destroy();
    await untilLogged(server, (text) => / 127\.0\.0\.1 PUT \/v1\/cache\/held2 aborted 5B /.test(text));
    expect((await call(server.url, 'PUT', '/v1/cache/third', { body: 'x', token: WRITE })).status).toBe(200);
    expect((await call(server.url, 'GET', '/v1/cache/held1', { token: READ })).body).toBe('1234567890');
    expect((await call(server.url, 'GET', '/v1/cache/held2', { token: READ })).status).toBe(404);
    expect(partials(store)).toEqual([]);
    expect(readdirSync(store).sort()).toEqual(['held1', 'third']);
  });

  it('at most --max-entry-bytes per upload: 413 by its Content-Length or once the body passes it, nothing kept', async () => {
    expect((await call(server.url, 'PUT', '/v1/cache/big1', { body: 'x'.repeat(101), token: WRITE })).status).toBe(413);
    // Chunked: no Content-Length to refuse by, so the body is counted as it comes.
    expect(
      (await call(server.url, 'PUT', '/v1/cache/big2', { body: 'x'.repeat(5000), token: WRITE, headers: { 'transfer-encoding': 'chunked' } })).status,
    ).toBe(413);
    expect((await call(server.url, 'PUT', '/v1/cache/exactly100', { body: 'x'.repeat(100), token: WRITE })).status).toBe(200);
    expect(existsSync(join(store, 'big1')) || existsSync(join(store, 'big2'))).toBe(false);
    await untilLogged(server, (text) => text.includes('PUT /v1/cache/exactly100 200'));
    expect(partials(store)).toEqual([]);
  });
});

describe('the total limit', () => {
  it('storing past --max-total-bytes evicts the oldest entries first; a restart with a lower limit trims by age too', async () => {
    const store = join(scratch, 'total');
    const args = ['--host', '127.0.0.1', '--port', '0', '--max-entry-bytes', '100', '--max-total-bytes', '250'];
    const server = await startCacheServer(store, TOKENS, args);
    try {
      for (const [hash, size] of [
        ['oldest', 10],
        ['older', 1],
        ['old', 100],
        ['new', 100],
      ] as const)
        expect((await call(server.url, 'PUT', `/v1/cache/${hash}`, { body: 'y'.repeat(size), token: WRITE })).status).toBe(200);
      expect(readdirSync(store).sort()).toEqual(['new', 'old', 'older', 'oldest']);
      // 311 bytes would pass 250: oldest, older and old go, in that order, until it fits (new + newest = 200).
      expect((await call(server.url, 'PUT', '/v1/cache/newest', { body: 'z'.repeat(100), token: WRITE })).status).toBe(200);
      expect(readdirSync(store).sort()).toEqual(['new', 'newest']);
      expect((await call(server.url, 'GET', '/v1/cache/oldest', { token: READ })).status).toBe(404);
      expect((await call(server.url, 'GET', '/v1/cache/newest', { token: READ })).body).toBe('z'.repeat(100));
    } finally {
      await stopCacheServer(server.child);
    }
    // A restart reads the sizes and ages from the folder (mtimes set apart: a second is finer than needed).
    utimesSync(join(store, 'new'), 1000, 1000);
    utimesSync(join(store, 'newest'), 2000, 2000);
    writeFileSync(join(store, '.crashed.1.1.partial'), 'half');
    const restarted = await startCacheServer(store, TOKENS, ['--host', '127.0.0.1', '--port', '0', '--max-total-bytes', '150']);
    try {
      await untilLogged(restarted, (text) => text.includes('bytes stored'));
      expect(restarted.stdout()).toMatch(/; 100 bytes stored, 1 oldest evicted\n/);
      expect(readdirSync(store)).toEqual(['newest']);
    } finally {
      await stopCacheServer(restarted.child);
    }
  });
});

describe('TLS (--tls-cert, --tls-key)', () => {
  it('serves HTTPS with the given certificate, so it may listen on 0.0.0.0 with a write token and no --insecure', async () => {
    const pki = join(scratch, 'tls');
    mkdirSync(pki);
    const [cert, key] = [join(pki, 'server.crt'), join(pki, 'server.key')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
      ],
      { timeout: deadline(30000), stdio: 'ignore' },
    );
    const server = await startCacheServer(join(scratch, 'tls-store'), TOKENS, ['--host', '0.0.0.0', '--port', '0', '--tls-cert', cert, '--tls-key', key]);
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(cert);
      expect((await call(server.url, 'PUT', '/v1/cache/overtls', { body: 'sealed', token: WRITE, ca })).status).toBe(200);
      expect(await call(server.url, 'GET', '/v1/cache/overtls', { token: READ, ca })).toEqual({ status: 200, body: 'sealed' });
      // A client that does not trust the certificate gets nothing, and plain HTTP to the port is no cache.
      await expect(call(server.url, 'GET', '/v1/cache/overtls', { token: READ })).rejects.toThrow(/self[- ]signed/i);
      await expect(call(server.url.replace('https:', 'http:'), 'GET', '/v1/cache/overtls', { token: READ })).rejects.toThrow();
      expect(server.stderr()).toBe('');
    } finally {
      await stopCacheServer(server.child);
    }
  });

  it('refuses a key that is not a key, in one line', async () => {
    const bogus = join(scratch, 'bogus.pem');
    writeFileSync(bogus, 'not a pem\n');
    const result = await runCacheServer(['--dir', join(scratch, 'tls-bogus'), '--tls-cert', bogus, '--tls-key', bogus]);
    expect(result.code).toBe(2);
    expect(existsSync(join(scratch, 'tls-bogus'))).toBe(false);
    expect(result.stderr).toMatch(/^nx-cache-server: cannot use --tls-cert .*bogus\.pem: [^\n]+\n$/);
  });
});
