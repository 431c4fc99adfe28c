/**
 * The Node.js versions this repository claims, against what its installed packages declare
 * (issue 11, item 15): `npm ci` on Node 20 printed EBADENGINE warnings the README did not explain; the
 * explanation is docs/usage.md's "Node versions".
 * Ranges are read with semver, the library npm itself judges `engines` with (here the copy the dev
 * tooling installs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- semver is npm's own dependency, not ours, and ships no types: typed here
const semver = require('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };

interface LockEntry {
  readonly version?: string;
  readonly dev?: boolean;
  readonly engines?: { node?: string } | string[];
}
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const usage = readFileSync(join(ROOT, 'docs/usage.md'), 'utf8');
const setUp = usage.slice(usage.indexOf('## Node versions'), usage.indexOf('\n## ', usage.indexOf('## Node versions') + 1));

/** Installed packages (not the workspace's own), with the Node range each declares. */
const installed = Object.entries(lock.packages)
  .filter(([path, entry]) => path.includes('node_modules/') && !Array.isArray(entry.engines) && entry.engines?.node)
  .map(([path, entry]) => ({
    name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
    version: entry.version ?? '',
    dev: entry.dev === true,
    node: (entry.engines as { node: string }).node,
  }));

const lowest = (range: string) => semver.minVersion(range)!.version;

describe('supported Node.js versions', () => {
  const runtimePackages = readdirSync(join(ROOT, 'packages')).map((name) => ({
    name,
    manifest: JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as { engines?: { node?: string } },
  }));

  it('every package of the tool states the Node versions it runs on', () => {
    expect(runtimePackages.filter(({ manifest }) => !manifest.engines?.node).map(({ name }) => name)).toEqual([]);
  });

  it('every runtime dependency accepts the oldest Node each package claims', () => {
    const runtime = installed.filter((entry) => !entry.dev);
    expect(runtime.length).toBeGreaterThan(2);
    for (const { manifest } of runtimePackages) {
      const oldest = lowest(manifest.engines!.node!);
      expect(runtime.filter((entry) => !semver.satisfies(oldest, entry.node)).map((entry) => `${entry.name}@${entry.version} wants ${entry.node}`)).toEqual([]);
    }
  });

  it("docs/usage.md names exactly the dev packages that reject the workspace's oldest Node, which npm ci warns about (EBADENGINE)", () => {
    const oldest = lowest(rootManifest.engines.node);
    const rejecting = installed.filter((entry) => entry.dev && !semver.satisfies(oldest, entry.node));
    expect(rejecting.length).toBeGreaterThan(0);
    expect(
      rejecting.filter((entry) => !setUp.includes(`\`${entry.name}\` ${entry.version}`)).map((entry) => `${entry.name} ${entry.version} (wants ${entry.node})`),
    ).toEqual([]);
    expect(setUp.match(/`[@a-z0-9/.-]+` [0-9]+\.[0-9]+\.[0-9]+ \(Node [^)]*\)/g) ?? []).toHaveLength(rejecting.length);
  });

  it("the workspace's range admits every other dev package, and the Node running the tests", () => {
    const oldest = lowest(rootManifest.engines.node);
    const others = installed.filter((entry) => entry.dev && !setUp.includes(`\`${entry.name}\` ${entry.version}`));
    expect(others.filter((entry) => !semver.satisfies(oldest, entry.node)).map((entry) => `${entry.name}@${entry.version} wants ${entry.node}`)).toEqual([]);
    expect(semver.satisfies(process.versions.node, rootManifest.engines.node)).toBe(true);
    expect(setUp).toContain(`Node.js ${rootManifest.engines.node.replace('>=', '')} or newer`);
  });
});
