'use strict';
// The cache server's command line and environment, checked whole before anything listens or touches the disk:
// every mistake is one line (StartupError) and exit 2 in server.js, never a stack trace or a half-started server.
const { isIP } = require('node:net');

class StartupError extends Error {}

const FLAGS = new Set(['insecure']);
const VALUED = new Set(['dir', 'host', 'port', 'tls-cert', 'tls-key', 'max-uploads', 'max-entry-bytes', 'max-total-bytes']);

const DEFAULTS = {
  host: '127.0.0.1',
  port: 8090,
  // Eight uploads at once: a CI fleet of a few shards stores a handful of archives at a time; more waiting
  // uploads are slow or hostile clients holding sockets and disk (the issue held 300 open).
  maxUploads: 8,
  // One task's archive: a 5,000-host site's generate output is about 480 MB unpacked, far less gzipped.
  maxEntryBytes: 1024 ** 3,
  // The whole store; past it the oldest entries go first (Nx's own local cache evicts by age too).
  maxTotalBytes: 50 * 1024 ** 3,
};

/** `--name value` and `--flag` pairs; anything else is refused (a typo must not silently mean a default). */
function parseArgv(argv) {
  const given = {};
  for (let index = 0; index < argv.length; index += 1) {
    const name = /^--([a-z-]+)$/.exec(argv[index])?.[1];
    if (name && FLAGS.has(name)) given[name] = true;
    else if (name && VALUED.has(name)) {
      if (argv[index + 1] === undefined || argv[index + 1].startsWith('--')) throw new StartupError(`--${name} needs a value`);
      given[name] = argv[(index += 1)];
    } else throw new StartupError(`unknown argument ${JSON.stringify(argv[index])} (options: ${[...VALUED, ...FLAGS].map((o) => `--${o}`).join(' ')})`);
  }
  return given;
}

/** A whole number within [min, max] written in decimal digits only: `abc`, `1e3`, `-1` and `99999` for a port are refused. */
function wholeNumber(text, option, min, max) {
  if (!/^[0-9]{1,16}$/.test(text) || Number(text) < min || Number(text) > max)
    throw new StartupError(`${option} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * A token from the environment: unset is "none"; set but empty is refused, since an empty value would otherwise
 * silently mean "no token" and open writes to everyone (issue 22).
 */
function token(env, name) {
  if (env[name] === undefined) return undefined;
  if (env[name].trim() === '') throw new StartupError(`${name} is set but empty; unset it or give it a secret (e.g. openssl rand -hex 32)`);
  return env[name];
}

/** Loopback only: 127.0.0.0/8, ::1 and localhost. 0.0.0.0, :: and every other name reach the network. */
function isLoopback(host) {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** The server's configuration from argv and env, or a StartupError saying what is wrong. */
function readOptions(argv, env) {
  const given = parseArgv(argv);
  if ('NX_CACHE_SERVER_TOKEN' in env)
    throw new StartupError('NX_CACHE_SERVER_TOKEN was renamed NX_CACHE_SERVER_WRITE_TOKEN (reads and writes); NX_CACHE_SERVER_READ_TOKEN only reads');
  const dir = given.dir ?? env.NX_CACHE_SERVER_DIR;
  if (!dir) throw new StartupError('name the storage folder: --dir DIR (or NX_CACHE_SERVER_DIR)');
  const tokens = { write: token(env, 'NX_CACHE_SERVER_WRITE_TOKEN'), read: token(env, 'NX_CACHE_SERVER_READ_TOKEN') };
  if (tokens.write !== undefined && tokens.write === tokens.read)
    throw new StartupError('NX_CACHE_SERVER_READ_TOKEN equals the write token; give readers a token of their own');
  if (Boolean(given['tls-cert']) !== Boolean(given['tls-key'])) throw new StartupError('--tls-cert and --tls-key go together');
  const options = {
    dir,
    host: given.host ?? DEFAULTS.host,
    port: given.port === undefined ? DEFAULTS.port : wholeNumber(given.port, '--port', 0, 65535),
    tls: given['tls-cert'] ? { cert: given['tls-cert'], key: given['tls-key'] } : undefined,
    insecure: given.insecure === true,
    tokens,
    maxUploads: given['max-uploads'] === undefined ? DEFAULTS.maxUploads : wholeNumber(given['max-uploads'], '--max-uploads', 1, 10000),
    maxEntryBytes: given['max-entry-bytes'] === undefined ? DEFAULTS.maxEntryBytes : wholeNumber(given['max-entry-bytes'], '--max-entry-bytes', 1, 2 ** 50),
    maxTotalBytes: given['max-total-bytes'] === undefined ? DEFAULTS.maxTotalBytes : wholeNumber(given['max-total-bytes'], '--max-total-bytes', 1, 2 ** 53 - 1),
  };
  // Off the loopback, whoever reaches the port is a client: without a write token anyone could store an entry
  // every other run then trusts (the cache poisoning of CVE-2025-36852), and over plain HTTP the tokens
  // themselves cross the network readable. Both need --insecure, said out loud.
  if (!isLoopback(options.host) && !options.insecure) {
    if (tokens.write === undefined)
      throw new StartupError(
        `refusing to listen on ${options.host} without NX_CACHE_SERVER_WRITE_TOKEN: anyone could write entries every run trusts (--insecure to do it anyway)`,
      );
    if (!options.tls)
      throw new StartupError(
        `refusing to listen on ${options.host} over plain HTTP: the tokens would cross the network in cleartext; give --tls-cert and --tls-key, or listen on 127.0.0.1 behind a TLS reverse proxy (--insecure to do it anyway)`,
      );
  }
  return options;
}

module.exports = { readOptions, isLoopback, StartupError, DEFAULTS };
