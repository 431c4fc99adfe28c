'use strict';
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { debuglog } = require('node:util');
const { Script } = require('node:vm');
// zlib.crc32 came with Node 20.15 and 22.2; on an older Node the cache is not offered (the package needs Node 20).
const { crc32 } = require('node:zlib');

/**
 * Loads dist/bundle.js (scripts/bundle.js) as Node's CommonJS loader would, but through a vm.Script that can be
 * handed V8's code cache: the bytecode of the bundle's functions as a training run at build time left them
 * (dist/bundle.cache). Reading and compiling 1.5 MB of code was most of a short command's time after process
 * start; deserialising bytecode costs a fraction of compiling it. Node 20 has no module.enableCompileCache
 * (Node 22.1), so the cache is made and checked here.
 *
 * The cache is used only when it is provably the one made for these bytes, and otherwise ignored, never trusted:
 * its header names the Node version, the architecture and the CRC-32 of the exact bundle bytes it was made from
 * and of its own payload (V8's own check compares the source's length, not its text, so a rebuilt bundle of the
 * same length would otherwise run stale bytecode), and V8 then refuses a cache of another V8 build or other
 * flags (`script.cachedDataRejected`), compiling from source as without one. `NODE_DEBUG=clusterspec` logs
 * which happened.
 */

const MAGIC = 'clusterspec-code-cache-1';
/** What Node's CommonJS loader wraps a module in; the line numbers of stack traces stay the file's. */
const HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const TAIL = '\n})';

const debug = debuglog('clusterspec');

/** The cache file beside a bundle. */
function cacheFileOf(bundleFile) {
  return bundleFile.replace(/\.js$/, '.cache');
}

/** The payload of a cache file made for exactly these bundle bytes by this Node, or why not. */
function readCache(cacheFile, bundleBytes) {
  if (typeof crc32 !== 'function') return { why: `Node ${process.version} has no zlib.crc32 to check it with` };
  let bytes;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return { why: 'absent' };
  }
  const newline = bytes.indexOf(10);
  let header;
  try {
    header = newline > 0 && newline < 1024 ? JSON.parse(bytes.subarray(0, newline).toString('utf8')) : undefined;
  } catch {
    header = undefined;
  }
  const data = bytes.subarray(newline + 1);
  if (!header || header.magic !== MAGIC) return { why: 'not a code cache' };
  if (header.node !== process.version || header.arch !== process.arch) return { why: `made by Node ${header.node} ${header.arch}` };
  if (header.bundle !== crc32(bundleBytes)) return { why: 'made for another bundle' };
  if (header.size !== data.length || header.data !== crc32(data)) return { why: 'damaged' };
  return { data };
}

/** The bundle's text compiled as a module function, with the cached data if any. */
function compile(bundleFile, source, cachedData) {
  return new Script(`${HEAD}${source}${TAIL}`, { filename: bundleFile, cachedData });
}

/** Runs the compiled module function and returns its exports, as require would. */
function run(script, bundleFile) {
  const module = { id: bundleFile, filename: bundleFile, path: dirname(bundleFile), exports: {}, loaded: false, children: [] };
  script.runInThisContext().call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  module.loaded = true;
  return module.exports;
}

/**
 * The bundle's exports, compiled with its code cache when that is valid. Throws ENOENT when there is no bundle.
 * `cache` tells what became of the cache: 'used', 'rejected' (by V8), or why it was not offered.
 */
function loadBundle(bundleFile) {
  const bytes = readFileSync(bundleFile);
  const cache = readCache(cacheFileOf(bundleFile), bytes);
  const script = compile(bundleFile, bytes.toString('utf8'), cache.data);
  const state = cache.data ? (script.cachedDataRejected ? 'rejected by V8' : 'used') : cache.why;
  debug('bundle %s, code cache %s', bundleFile, state);
  return { exports: run(script, bundleFile), cache: state };
}

/**
 * Build step: compiles the bundle without a cache, runs `train` with its exports (a real command, so that the
 * functions it calls are compiled too: V8 compiles a function when it is first called), then writes the cache of
 * everything compiled by then, whole (a sibling renamed into place). Run in a process with Node's default flags:
 * V8 refuses a cache made under other flags.
 */
async function writeCodeCache(bundleFile, train) {
  const bytes = readFileSync(bundleFile);
  const script = compile(bundleFile, bytes.toString('utf8'), undefined);
  await train(run(script, bundleFile));
  const data = script.createCachedData();
  const header = { magic: MAGIC, node: process.version, arch: process.arch, bundle: crc32(bytes), size: data.length, data: crc32(data) };
  const cacheFile = cacheFileOf(bundleFile);
  const staging = `${cacheFile}.tmp-${process.pid}`;
  try {
    writeFileSync(staging, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), data]));
    renameSync(staging, cacheFile);
  } finally {
    rmSync(staging, { force: true });
  }
  return { file: cacheFile, size: data.length };
}

module.exports = { loadBundle, writeCodeCache, cacheFileOf };
