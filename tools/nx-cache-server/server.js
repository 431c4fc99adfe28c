#!/usr/bin/env node
'use strict';
// A self-hosted Nx remote cache for the premises: Nx's "custom remote cache server" API (OpenAPI, Nx 20.8 and
// later, https://nx.dev/docs/kb/self-hosted-caching), with Node's standard library only, storing each task's
// archive as a file in one folder. Nx uses it when NX_SELF_HOSTED_REMOTE_CACHE_SERVER names it (unset: local cache
// only); no cloud account, no activation key, no network beyond the premises.
//
//   node tools/nx-cache-server/server.js --dir /srv/nx-cache [--host 127.0.0.1] [--port 8090]
//        [--tls-cert FILE --tls-key FILE] [--max-uploads 8] [--max-entry-bytes N] [--max-total-bytes N] [--insecure]
//   NX_CACHE_SERVER_WRITE_TOKEN=…   reads and writes: protected-branch CI only
//   NX_CACHE_SERVER_READ_TOKEN=…    reads only: pull requests, developers' machines
//   (clients send theirs as NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN)
//
// Threat model: an entry is trusted by every run that computes its hash, so whoever can write an entry can put
// files into every later checkout (CVE-2025-36852, "CREEP": a pull request's run stores first under a hash that
// main will compute). Refusing to replace an entry (409) does not stop that, since the attacker writes first;
// what stops it is that untrusted runs cannot write at all, which is Nx's own guidance for self-hosted caches
// (trusted branches write, pull requests only read). The read token's PUT is 403; no token is 401.
//
// GET  /v1/cache/{hash}  200 with the archive, 404 when absent, 500 when the entry cannot be read.
// PUT  /v1/cache/{hash}  200 stored, 409 already stored (never replaced), 413 too large, 503 too many uploads.
const { createServer: createHttpServer } = require('node:http');
const { createServer: createHttpsServer } = require('node:https');
const { createReadStream, createWriteStream, readFileSync, rmSync } = require('node:fs');
const { open } = require('node:fs/promises');
const { constants } = require('node:fs');
const { accessChecker } = require('./access');
const { readOptions, isLoopback, StartupError } = require('./options');
const { openStore, HASH } = require('./store');

function reply(response, status, text, headers = {}) {
  if (response.headersSent) return response.destroy();
  response.writeHead(status, { 'content-type': 'text/plain', ...headers });
  response.end(text ? `${text}\n` : undefined);
  return undefined;
}

/**
 * One line per request on stdout once it is answered (or the client went away): time, client, method, path,
 * status, bytes sent or received, duration and the access its token gave. Never the token.
 */
function logRequest(log, request, response, client, started, access, bytes) {
  // A client gone before its answer was complete shows as `aborted` (an upload's partial file is removed by then).
  // An entry whose every byte was handed over counts as served even before the end: a client holding its
  // content-length closes at once, which can come before the read that finds the end of the file (under load).
  const served = response.writableEnded || (response.headersSent && Number(response.getHeader('content-length')) === bytes());
  const status = served ? response.statusCode : 'aborted';
  log(`${new Date().toISOString()} ${client} ${request.method} ${request.url} ${status} ${bytes()}B ${Date.now() - started}ms ${access || 'none'}\n`);
}

/** GET: the entry streamed from an open descriptor; a name that is not a readable regular file is 500, never a crash. */
async function serveEntry(store, hash, response, counted) {
  let handle;
  try {
    // O_NONBLOCK: a FIFO under an entry's name must not hang the open.
    handle = await open(store.pathOf(hash), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (error.code === 'ENOENT') {
      store.forget(hash);
      return reply(response, 404, 'no such entry');
    }
    return reply(response, 500, `cannot read this entry: ${error.code || error.message}`);
  }
  let stats;
  try {
    stats = await handle.stat();
  } catch (error) {
    await handle.close();
    return reply(response, 500, `cannot read this entry: ${error.code || error.message}`);
  }
  if (!stats.isFile()) {
    await handle.close();
    return reply(response, 500, 'cannot read this entry: not a regular file');
  }
  response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stats.size });
  const stream = createReadStream(null, { fd: handle.fd, autoClose: false });
  stream.on('data', (chunk) => counted(chunk.length));
  // A read failing mid-way (EIO) cuts this response only; the length already sent tells Nx it is incomplete.
  stream.on('error', () => response.destroy());
  response.on('close', () => {
    stream.destroy();
    handle.close().catch(() => undefined);
  });
  stream.pipe(response);
  return undefined;
}

/**
 * A refused upload (401, 403, 409) is answered once its body is read and dropped: an answer sent while the
 * client still sends makes many clients report a broken connection instead of the status. A body past the
 * entry limit is not waited for.
 */
function refuseUpload(request, response, limit, status, text, settled = () => undefined) {
  let bytes = 0;
  let answered = false;
  const answer = (headers) => {
    if (answered) return;
    answered = true;
    settled();
    reply(response, status, text, headers);
  };
  if (Number(request.headers['content-length']) > limit) return answer({ connection: 'close' });
  request.on('data', (chunk) => {
    bytes += chunk.length;
    if (bytes > limit) answer({ connection: 'close' });
  });
  request.on('end', () => answer());
  request.on('error', () => answer({ connection: 'close' }));
  request.resume();
  return undefined;
}

/** PUT: streamed to a partial file (0600) beside the entries, made the entry only when whole and within limits. */
function storeEntry(store, limits, uploads, hash, request, response, counted, settled) {
  const maxBytes = Math.min(limits.maxEntryBytes, limits.maxTotalBytes);
  if (store.has(hash)) return refuseUpload(request, response, maxBytes, 409, 'an entry for this hash exists and is never replaced', settled);
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) {
    request.resume();
    settled();
    return reply(response, 413, `entries are limited to ${maxBytes} bytes`, { connection: 'close' });
  }
  if (uploads.active >= limits.maxUploads) {
    request.resume();
    settled();
    return reply(response, 503, `${limits.maxUploads} uploads are under way; try again`, { 'retry-after': '5', connection: 'close' });
  }
  uploads.active += 1;
  const partial = store.partialPath(hash);
  const out = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
  let bytes = 0;
  let done = false;
  const finish = (status, text, headers) => {
    if (done) return;
    done = true;
    uploads.active -= 1;
    if (status === 200) {
      settled();
      return reply(response, status, text, headers);
    }
    request.unpipe(out);
    request.resume();
    // The answer waits for the partial file to be gone: a stream destroyed while still opening creates it after.
    out.once('close', () => {
      rmSync(partial, { force: true });
      settled();
      reply(response, status, text, headers);
    });
    out.destroy();
    return undefined;
  };
  request.on('data', (chunk) => {
    bytes += chunk.length;
    counted(chunk.length);
    if (bytes > maxBytes) finish(413, `entries are limited to ${maxBytes} bytes`, { connection: 'close' });
  });
  request.on('aborted', () => finish(400, 'upload interrupted'));
  request.on('error', () => finish(400, 'upload interrupted'));
  response.on('close', () => finish(400, 'upload interrupted'));
  out.on('error', (error) => finish(507, `cannot store: ${error.code || error.message}`));
  out.on('finish', () => {
    if (done) return;
    try {
      const { stored } = store.commit(partial, hash, bytes);
      if (stored) finish(200, 'stored');
      else finish(409, 'an entry for this hash exists and is never replaced');
    } catch (error) {
      finish(507, `cannot store: ${error.code || error.message}`);
    }
  });
  request.pipe(out);
  return undefined;
}

/** The request handler over a store; exported so a test can mount it without a process. */
function handler(store, tokens, limits, log = (line) => process.stdout.write(line)) {
  const accessOf = accessChecker(tokens);
  const uploads = { active: 0 };
  return (request, response) => {
    const started = Date.now();
    let access;
    let bytes = 0;
    const counted = (n) => (bytes += n);
    // Taken now: once a client has gone, its socket no longer knows the address.
    const client = request.socket.remoteAddress || '-';
    // Logged when the answer is sent or the client gone and, for an upload, its file stored or removed.
    let unsettled = 1;
    const settled = () => {
      unsettled -= 1;
      if (unsettled === 0) logRequest(log, request, response, client, started, access, () => bytes);
    };
    response.on('close', settled);
    const match = /^\/v1\/cache\/([^/?]+)$/.exec(request.url || '');
    if (!match || !HASH.test(match[1])) return reply(response, 404, 'not found');
    access = accessOf(request);
    const uploadLimit = Math.min(limits.maxEntryBytes, limits.maxTotalBytes);
    if (!access && request.method === 'PUT') return refuseUpload(request, response, uploadLimit, 401, 'missing or unknown bearer token');
    if (!access) return reply(response, 401, 'missing or unknown bearer token');
    if (request.method === 'GET') {
      serveEntry(store, match[1], response, counted).catch(() => reply(response, 500, 'cannot read this entry'));
      return undefined;
    }
    if (request.method !== 'PUT') return reply(response, 405, 'GET or PUT', { allow: 'GET, PUT' });
    if (access !== 'write') return refuseUpload(request, response, uploadLimit, 403, 'this token may only read');
    unsettled += 1;
    return storeEntry(store, limits, uploads, match[1], request, response, counted, settled);
  };
}

function fail(message) {
  process.stderr.write(`nx-cache-server: ${message}\n`);
  process.exit(2);
}

/** The TLS key pair, read and checked now: a bad path or PEM is a start-up error, not a failed first handshake. */
function tlsOptions(tls) {
  let cert;
  let key;
  try {
    cert = readFileSync(tls.cert);
    key = readFileSync(tls.key);
    require('node:tls').createSecureContext({ cert, key });
  } catch (error) {
    throw new StartupError(`cannot use --tls-cert ${tls.cert} / --tls-key ${tls.key}: ${error.code || error.message.split('\n')[0]}`);
  }
  return { cert, key };
}

function main(argv, env) {
  let options;
  let store;
  let tls;
  try {
    options = readOptions(argv, env);
    tls = options.tls && tlsOptions(options.tls);
    store = openStore(options.dir, options.maxTotalBytes);
  } catch (error) {
    if (error instanceof StartupError) fail(error.message);
    throw error;
  }
  const evicted = store.evict();
  const listener = handler(store, options.tokens, options);
  const server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  // A client that sends an upload slower than this is cut off, its partial file removed: uploads held open
  // are what the upload limit counts. Ten minutes carries a 1 GB entry at under 2 MB/s.
  server.requestTimeout = 10 * 60 * 1000;
  server.on('error', (error) => fail(`cannot listen on ${options.host}:${options.port}: ${error.code || error.message}`));
  server.listen(options.port, options.host, () => {
    const scheme = tls ? 'https' : 'http';
    const where = options.host.includes(':') ? `[${options.host}]` : options.host;
    // The first line says where it listens (with --port 0, the port the system chose).
    process.stdout.write(`nx-cache-server: listening on ${scheme}://${where}:${server.address().port}, storing in ${options.dir}\n`);
    const writes = options.tokens.write ? 'writes need NX_CACHE_SERVER_WRITE_TOKEN' : 'ANYONE WHO REACHES IT MAY WRITE (no NX_CACHE_SERVER_WRITE_TOKEN)';
    const reads = options.tokens.read || options.tokens.write ? 'reads need a token' : 'anyone may read';
    process.stdout.write(
      `nx-cache-server: ${writes}; ${reads}; ${store.totalBytes} bytes stored${evicted.length ? `, ${evicted.length} oldest evicted` : ''}\n`,
    );
    const risks = [...(tls ? [] : ['tokens cross the network in cleartext']), ...(options.tokens.write ? [] : ['anyone may write'])];
    if (!isLoopback(options.host) && risks.length > 0) process.stderr.write(`nx-cache-server: warning: --insecure on ${options.host}: ${risks.join('; ')}\n`);
  });
  // Uploads under way are cut (their partial files removed), so a stop never waits on a slow client.
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main(process.argv.slice(2), process.env);

module.exports = { handler, HASH };
