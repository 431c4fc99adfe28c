/**
 * A spec written for an earlier release keeps working after an upgrade (issue 26, item 3). tests/upgrade/ holds
 * every fixture spec as each published shape wrote it, frozen: clusterspec-v1alpha1/ is release 0.1.0's (a copy of
 * fixtures/ then). When a field is renamed (a new apiVersion, a migration in packages/spec/src/migrations.ts),
 * fixtures/ moves on and these stay: each must still load as it is, and `clusterspec migrate` must turn it into a
 * spec of the current shape that loads into the same site.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { SITE_CHECKS } from '@clusterspec/cli';
import { loadSpec, type ClusterModel } from '@clusterspec/spec';
import { cli } from '../support/cli';

const SHAPES = __dirname;

/** Every spec file under a folder, sorted. */
function specsUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => /(^|\/)cluster\.(yaml|toml)$/.test(path))
    .sort()
    .map((path) => join(folder, path));
}

/** A model without what names its file (the copy lives elsewhere). */
const siteOf = (model: ClusterModel) => JSON.stringify({ ...model, file: undefined, locate: undefined });

const shapes = readdirSync(SHAPES).filter((entry) => entry.startsWith('clusterspec-'));

describe('specs of earlier releases', () => {
  it('keeps the specs of each published shape: clusterspec-v1alpha1, every fixture of release 0.1.0', () => {
    expect(shapes).toEqual(['clusterspec-v1alpha1']);
    // Fixtures added since are not in it; those of then all are (33, the broken ones with them).
    const files = specsUnder(join(SHAPES, 'clusterspec-v1alpha1')).map((file) => relative(join(SHAPES, 'clusterspec-v1alpha1'), file));
    expect(files).toHaveLength(33);
    expect(files).toEqual(
      expect.arrayContaining(['edge/cluster.yaml', 'modern/cluster.yaml', 'seed-ha/cluster.yaml', 'seed-ha-toml/cluster.toml', 'vip-pernode/cluster.yaml']),
    );
  });

  describe.each(shapes)('%s', (shape) => {
    const files = specsUnder(join(SHAPES, shape));

    it('loads as it is, every spec valid', async () => {
      const result = await cli(['validate', ...files]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n')).toHaveLength(files.length);
    });

    it('migrates (a copy) into specs that load into the same sites', async () => {
      const scratch = mkdtempSync(join(tmpdir(), 'clusterspec-upgrade-'));
      try {
        cpSync(join(SHAPES, shape), scratch, { recursive: true });
        const copies = specsUnder(scratch);
        const yaml = copies.filter((file) => file.endsWith('.yaml'));
        const migrated = await cli(['migrate', ...yaml]);
        expect(migrated.stderr).toBe('');
        expect(migrated.code).toBe(0);
        expect((await cli(['migrate', '--check', ...yaml])).code).toBe(0);
        copies.forEach((copy, index) => expect(siteOf(loadSpec(copy, SITE_CHECKS))).toBe(siteOf(loadSpec(files[index], SITE_CHECKS))));
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  });
});
