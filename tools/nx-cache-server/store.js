'use strict';
// The entries on disk: one file per task hash in one folder, owner-only (0700 folder, 0600 files: a cache entry
// is a build's output, readable by the server's account alone). Sizes are kept in memory so that a store past
// its total is trimmed oldest first without reading the folder again.
const { closeSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, rmSync, statSync, unlinkSync } = require('node:fs');
const { join } = require('node:path');
const { StartupError } = require('./options');

/** A task hash names a file: anything but these characters (a path, `..`) is refused before the disk is touched. */
const HASH = /^[A-Za-z0-9_-]{1,128}$/;
const PARTIAL = /^\..*\.partial$/;

/**
 * The storage folder, made if missing (its parent must exist: Node's recursive mkdir loops forever under
 * /proc, issue 22), checked to be a folder this process can write, and scanned. Throws StartupError.
 */
function openFolder(dir) {
  try {
    if (!lstatSync(dir, { throwIfNoEntry: false })) mkdirSync(dir, { mode: 0o700 });
    if (!statSync(dir).isDirectory()) throw new StartupError(`--dir ${dir} is not a folder`);
    const probe = join(dir, `.probe.${process.pid}.partial`);
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw new StartupError(`cannot use --dir ${dir}: ${error.code || error.message}`);
  }
}

/** The store over `dir` with at most `maxTotalBytes` of entries. */
function openStore(dir, maxTotalBytes) {
  openFolder(dir);
  /** hash → { size, mtimeMs }; a Map iterates in insertion order, which is kept oldest first. */
  const entries = new Map();
  let totalBytes = 0;
  const found = [];
  for (const name of readdirSync(dir)) {
    // Half-written uploads of a server that stopped mid-way: never entries, never finished now.
    if (PARTIAL.test(name)) rmSync(join(dir, name), { force: true });
    else if (HASH.test(name)) {
      const stats = lstatSync(join(dir, name));
      if (stats.isFile()) found.push({ hash: name, size: stats.size, mtimeMs: stats.mtimeMs });
    }
  }
  for (const entry of found.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
    entries.set(entry.hash, entry);
    totalBytes += entry.size;
  }

  /** Removes the oldest entries until the total fits; returns the hashes removed. */
  function evict() {
    const removed = [];
    for (const [hash, entry] of entries) {
      if (totalBytes <= maxTotalBytes) break;
      // A reader holding the file open keeps reading it: unlinking removes the name, not the open file.
      rmSync(join(dir, hash), { force: true });
      entries.delete(hash);
      totalBytes -= entry.size;
      removed.push(hash);
    }
    return removed;
  }

  let sequence = 0;
  return {
    dir,
    pathOf: (hash) => join(dir, hash),
    has: (hash) => entries.has(hash),
    get totalBytes() {
      return totalBytes;
    },
    /** A fresh name beside the entries for one upload, renamed into place only when whole. */
    partialPath: (hash) => join(dir, `.${hash}.${process.pid}.${(sequence += 1)}.partial`),
    /**
     * Makes a finished upload the entry for `hash`: link(2) fails if the name exists, so of two uploads of one
     * hash the first to finish wins and no entry is ever replaced, with no window between a check and a rename.
     * Returns { stored: false } when the hash was taken, else { stored: true, evicted: [hashes] }.
     */
    commit(partial, hash, size) {
      try {
        linkSync(partial, join(dir, hash));
      } catch (error) {
        if (error.code === 'EEXIST') return { stored: false };
        throw error;
      } finally {
        rmSync(partial, { force: true });
      }
      entries.set(hash, { hash, size, mtimeMs: Date.now() });
      totalBytes += size;
      return { stored: true, evicted: evict() };
    },
    /** An entry that is not a readable file any more (removed or replaced by hand) leaves the accounting. */
    forget(hash) {
      const entry = entries.get(hash);
      if (!entry) return;
      entries.delete(hash);
      totalBytes -= entry.size;
    },
    evict,
  };
}

module.exports = { openStore, HASH };
