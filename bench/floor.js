'use strict';
// node bench/floor.js SOURCE DEST
// The floor `generate` is measured against: the least any program can spend putting a site's files on disk.
// It holds every path, byte and mode of the tree under SOURCE in memory (read before its clock starts), then
// writes them into DEST, which must not exist, as a minimal writer would: one mkdir per folder, parents
// first, and one writeFileSync per file with its mode. No lock, no staging folder, no swap, no checks. It
// prints the wall time and the user and system CPU time of the writes alone, as JSON on one line.
const { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const [source, destination] = process.argv.slice(2);
if (!source || !destination) {
  process.stderr.write('usage: node bench/floor.js SOURCE DEST\n');
  process.exit(2);
}

/** Every regular file under root as { path, mode, bytes }, in sorted path order (folders before their files). */
function readTree(root) {
  const files = [];
  const walk = (relative) => {
    const entries = readdirSync(join(root, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push({ path, mode: lstatSync(join(root, path)).mode & 0o7777, bytes: readFileSync(join(root, path)) });
    }
  };
  walk('');
  return files;
}

const files = readTree(source);

const startWall = process.hrtime.bigint();
const startCpu = process.cpuUsage();
const made = new Set();
const folder = (path) => {
  if (made.has(path)) return;
  if (path !== destination) folder(dirname(path));
  mkdirSync(path);
  made.add(path);
};
folder(destination);
for (const file of files) {
  const path = join(destination, file.path);
  folder(dirname(path));
  writeFileSync(path, file.bytes, { mode: file.mode });
}
const cpu = process.cpuUsage(startCpu);
const wall = Number(process.hrtime.bigint() - startWall) / 1e9;
process.stdout.write(`${JSON.stringify({ files: files.length, wall, user: cpu.user / 1e6, system: cpu.system / 1e6 })}\n`);
