#!/usr/bin/env node
'use strict';
// A self-hosted Nx remote cache for the premises: Nx's "custom remote cache server" API (OpenAPI, Nx 20.8 and
// later, https://nx.dev/docs/kb/self-hosted-caching), with Node's standard library only, storing each task's
// archive as a file in one folder. Nx uses it when NX_SELF_HOSTED_REMOTE_CACHE_SERVER names it (unset: local cache
// only); no cloud account, no activation key, no network beyond the premises.
//
//   node tools/nx-cache-server/server.js --dir /srv/nx-cache [--host 127.0.0.1] [--port 8090]
//   NX_CACHE_SERVER_TOKEN=…            clients must send it (Nx: NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN)
//   NX_CACHE_SERVER_READ_TOKEN=…       a second token that may only read (developers' machines; CI writes)
//
// GET  /v1/cache/{hash}  200 with the archive, 404 when absent.
// PUT  /v1/cache/{hash}  200 stored, 409 when the hash is already stored: an entry is never replaced, so a run
//                        cannot swap another's result for its own (the cache poisoning of CVE-2025-36852).
// 401 without a token when one is required, 403 for a read-only token on PUT.
const { createServer } = require('node:http');
const { createWriteStream, mkdirSync, renameSync, rmSync, statSync, createReadStream } = require('node:fs');
const { join } = require('node:path');

/** A task hash names a file: anything but these characters (a path, `..`) is refused before the disk is touched. */
const HASH = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_ARCHIVE_BYTES = 1024 ** 3;

function option(argv, name, fallback) {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1] : fallback;
}

/** What a request's bearer token allows: 'write', 'read' or nothing. Without any token configured, everyone writes. */
function access(request, tokens) {
  if (!tokens.write && !tokens.read) return 'write';
  const presented = /^Bearer (.+)$/.exec(request.headers.authorization || '');
  if (!presented) return undefined;
  if (tokens.write && presented[1] === tokens.write) return 'write';
  if (tokens.read && presented[1] === tokens.read) return 'read';
  return undefined;
}

function reply(response, status, text) {
  response.writeHead(status, { 'content-type': 'text/plain' });
  response.end(text ? `${text}\n` : undefined);
}

/** The request handler over `dir`; exported so a test can mount it without a process. */
function handler(dir, tokens) {
  let sequence = 0;
  return (request, response) => {
    const match = /^\/v1\/cache\/([^/?]+)$/.exec(request.url || '');
    if (!match || !HASH.test(match[1])) return reply(response, 404, 'not found');
    const allowed = access(request, tokens);
    if (!allowed) return reply(response, 401, 'missing or unknown bearer token');
    const file = join(dir, match[1]);
    if (request.method === 'GET') {
      let size;
      try {
        size = statSync(file).size;
      } catch {
        return reply(response, 404, 'no such entry');
      }
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
      createReadStream(file).pipe(response);
      return undefined;
    }
    if (request.method !== 'PUT') return reply(response, 405, 'GET or PUT');
    if (allowed !== 'write') return reply(response, 403, 'this token may only read');
    try {
      statSync(file);
      request.resume();
      return reply(response, 409, 'an entry for this hash exists and is never replaced');
    } catch {
      // absent: store it
    }
    // Written beside the entry and renamed into place, so a reader never sees half an archive.
    const partial = join(dir, `.${match[1]}.${process.pid}.${(sequence += 1)}.partial`);
    const out = createWriteStream(partial, { flags: 'wx' });
    let bytes = 0;
    let failed = false;
    const fail = (status, text) => {
      if (failed) return;
      failed = true;
      out.destroy();
      rmSync(partial, { force: true });
      request.resume();
      reply(response, status, text);
    };
    request.on('data', (chunk) => {
      bytes += chunk.length;
      if (bytes > MAX_ARCHIVE_BYTES) fail(413, `archives are limited to ${MAX_ARCHIVE_BYTES} bytes`);
    });
    request.on('error', () => fail(400, 'upload interrupted'));
    out.on('error', (error) => fail(507, `cannot store: ${error.code || error.message}`));
    out.on('finish', () => {
      if (failed) return;
      try {
        statSync(file);
        rmSync(partial, { force: true });
        return reply(response, 409, 'an entry for this hash exists and is never replaced');
      } catch {
        renameSync(partial, file);
        return reply(response, 200, 'stored');
      }
    });
    request.pipe(out);
    return undefined;
  };
}

function main(argv) {
  const dir = option(argv, 'dir', process.env.NX_CACHE_SERVER_DIR);
  if (!dir) {
    process.stderr.write('nx-cache-server: name the storage folder: --dir DIR (or NX_CACHE_SERVER_DIR)\n');
    return 2;
  }
  mkdirSync(dir, { recursive: true });
  const host = option(argv, 'host', '127.0.0.1');
  const port = Number(option(argv, 'port', '8090'));
  const server = createServer(handler(dir, { write: process.env.NX_CACHE_SERVER_TOKEN, read: process.env.NX_CACHE_SERVER_READ_TOKEN }));
  server.on('error', (error) => {
    process.stderr.write(`nx-cache-server: cannot listen on ${host}:${port}: ${error.code || error.message}\n`);
    process.exitCode = 2;
  });
  server.listen(port, host, () => {
    const address = server.address();
    // The first line says where it listens (with --port 0, the port the system chose).
    process.stdout.write(`nx-cache-server: listening on http://${host}:${address.port}, storing in ${dir}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return undefined;
}

if (require.main === module) {
  const code = main(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
}

module.exports = { handler, HASH };
