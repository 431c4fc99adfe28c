/**
 * generate (and render) leave a folder that already holds exactly what they would write: rewriting 50,000
 * unchanged files for a fleet of 200 sites, then deleting the old copies, was most of a cold `nx run-many -t
 * generate` (issue 17). Only modes are set in place, as a git clone leaves them (0644 for a 0640 file); any
 * other difference replaces the folder as a whole, as before.
 */
import { chmodSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles } from '@clusterspec/cli';
import { cli, seedOutputScratch } from '../support/cli';
import { ROOT } from '../support/fixtures';

const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');
/** A file generate writes with mode 0640 (Consul's agent configuration: readable by its group, not by everyone). */
const PRIVATE_FILE = 'hosts/consul-1/etc/consul.d/consul.hcl';

const { scratch, out, site } = seedOutputScratch('clusterspec-unchanged-');

/** Each file's inode and modification time: unchanged only if the file was neither rewritten nor replaced. */
function identities(): Map<string, string> {
  return new Map(
    listFiles(site).map((path) => {
      const stats = statSync(join(site, path));
      return [path, `${stats.ino}:${stats.mtimeMs}`];
    }),
  );
}

describe('generate over a folder that already holds its files', () => {
  it('leaves every file as it was and says so', async () => {
    const before = identities();
    const folder = statSync(site).ino;
    const run = await cli(['generate', SEED, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`seed-ha/cluster\\.yaml: ${site.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} already holds these ${before.size} files; left as it was`),
    );
    expect(run.stdout).not.toContain('wrote');
    expect(statSync(site).ino).toBe(folder);
    expect(identities()).toEqual(before);
  });

  it('sets a mode a clone widened in place and rewrites nothing', async () => {
    const file = join(site, PRIVATE_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    chmodSync(file, 0o644);
    const before = identities();
    const run = await cli(['generate', SEED, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('set the mode of 1 of them, left the rest as it was');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(identities()).toEqual(before);
  });

  const replacedWhen: [string, () => void, (before: Map<string, string>) => void][] = [
    [
      'one byte of one file differs',
      () => writeFileSync(join(site, 'topology.svg'), `${readFileSync(join(site, 'topology.svg'), 'utf8')} `),
      () => expect(readFileSync(join(site, 'topology.svg'), 'utf8').endsWith(' ')).toBe(false),
    ],
    ['a file is missing', () => unlinkSync(join(site, PRIVATE_FILE)), () => expect(statSync(join(site, PRIVATE_FILE)).isFile()).toBe(true)],
    [
      'a file is extra',
      () => writeFileSync(join(site, 'notes.txt'), 'by hand\n'),
      (before) => expect(listFiles(site)).toEqual([...before.keys()].filter((path) => path !== 'notes.txt')),
    ],
    [
      'a file is a link to the right bytes',
      () => {
        const file = join(site, 'topology.svg');
        writeFileSync(join(scratch, 'readme-copy'), readFileSync(file));
        unlinkSync(file);
        symlinkSync(join(scratch, 'readme-copy'), file);
      },
      () => expect(statSync(join(site, 'topology.svg')).isFile()).toBe(true),
    ],
  ];
  it.each(replacedWhen)('replaces the folder as a whole when %s', async (_case, change, expectRestored) => {
    const folder = statSync(site).ino;
    change();
    const before = identities();
    const run = await cli(['generate', SEED, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/wrote \d+ files to /);
    expect(statSync(site).ino).not.toBe(folder);
    expectRestored(before);
    expect((await cli(['check', SEED, '--out', out])).code).toBe(0);
  });
});
