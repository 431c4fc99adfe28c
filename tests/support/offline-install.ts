/**
 * Installing packed packages with no network, as tests/acceptance/outside-repo.test.ts does. npm's cache on this
 * machine holds every tarball the workspace installed (npm ci fetched them by the lock's URLs and integrity), but
 * not the registry's metadata of any package, which `npm install --offline NAME` would need to resolve a version.
 * So the scratch repository gets a lock file first, made from the workspace's own: every package the repository's
 * dependencies need, at the version, URL and integrity the workspace installed; the packed tarballs as file: entries
 * with their own integrity. `npm ci --offline` then installs from the cache alone, as it would from a committed lock.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './fixtures';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

/** What a packed package says of itself (its package.json inside the tarball). */
function packedManifest(tarball: string): LockEntry & { name: string; bin?: unknown; engines?: unknown; license?: string } {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as LockEntry & { name: string };
}

/** A packed package: its .tgz, and where the lock says it comes from when not that file (a git URL with its commit). */
export type Packed = string | { readonly tarball: string; readonly resolved: string };

/**
 * Writes `repo`/package-lock.json for the dependencies of `repo`/package.json: `tarballs` (name → absolute path of a
 * packed .tgz, or that and a git URL) as given, every other package as the workspace's lock has it. Returns how many
 * packages it lists.
 */
export function writeOfflineLock(repo: string, tarballs: Readonly<Record<string, Packed>>): number {
  const source = (JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const packages: Record<string, LockEntry> = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies, devDependencies: manifest.devDependencies },
  };
  const pending: string[] = [];
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
    const path = `node_modules/${name}`;
    const given = tarballs[name];
    if (given) {
      const tarball = typeof given === 'string' ? given : given.tarball;
      const packed = packedManifest(tarball);
      packages[path] = {
        version: packed.version,
        // A git dependency has no integrity: npm checks out the commit the URL names.
        ...(typeof given === 'string'
          ? { resolved: `file:${relative(repo, tarball)}`, integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}` }
          : { resolved: given.resolved }),
        dev: true,
        ...Object.fromEntries(['license', 'dependencies', 'peerDependencies', 'bin', 'engines'].flatMap((key) => (packed[key] ? [[key, packed[key]]] : []))),
      };
    } else {
      if (!source[path] || source[path].link) throw new Error(`${name}: not installed from the registry by the workspace, so not in npm's cache`);
      packages[path] = { ...source[path], dev: true };
    }
    pending.push(path);
  }
  // Each package's dependencies, found as Node finds them: nested under it first, then in each folder above.
  while (pending.length > 0) {
    const at = pending.shift()!;
    const entry = packages[at];
    const needed = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(needed)) {
      if (entry.peerDependenciesMeta?.[name]?.optional) continue;
      let found: string | undefined;
      for (let base: string | undefined = at; base !== undefined;) {
        const cut = base.lastIndexOf('/node_modules/');
        const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
        if (packages[candidate] || (source[candidate] && !source[candidate].link)) {
          found = candidate;
          break;
        }
        base = base === '' ? undefined : cut < 0 ? '' : base.slice(0, cut);
      }
      if (found === undefined) {
        if (entry.optionalDependencies?.[name]) continue; // another platform's binary the workspace never installed
        throw new Error(`${at} needs ${name}, which the workspace's lock does not have`);
      }
      if (packages[found]) continue;
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = source[found];
      packages[found] = { ...rest, dev: true };
      pending.push(found);
    }
  }
  const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const lock = { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages: sorted };
  writeFileSync(join(repo, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  return Object.keys(sorted).length - 1;
}
