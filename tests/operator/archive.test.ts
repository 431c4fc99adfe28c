/**
 * `generate --archive FILE` and `unpack`: one file per set of sites, for a build cache (the Nx plugin's
 * `archive` target) or a CI artifact, and back into out/ exactly as generate writes it. An archive is input from
 * outside (a shared cache): a malformed or hostile one is refused whole, with nothing written.
 */
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cli } from '../support/cli';
import { ROOT } from '../support/fixtures';
import { treeDifferences } from '../support/fleet';

const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');
const MODERN = join(ROOT, 'fixtures/modern/cluster.yaml');

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-archive-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

// The zlib module itself, not an import's copy of its exports: the spy below must replace what the CLI calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlib = require('node:zlib') as typeof import('node:zlib');

const gzipJson = (value: unknown) => gzipSync(JSON.stringify(value));
const oneFile = (file: Record<string, unknown>, name = 'edge') => ({ format: 'clusterspec-archive/1', sites: [{ name, files: [file] }] });

describe('generate --archive, then unpack', () => {
  it('writes out/ byte for byte and mode for mode as generate does, and the archive is the same bytes every time', async () => {
    const archive = join(scratch, 'dist/sites.json.gz');
    const made = await cli(['generate', SEED, MODERN, '--archive', archive]);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/seed-ha\/cluster\.yaml: archived 125 files in .*sites\.json\.gz/);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
    const again = join(scratch, 'again.json.gz');
    expect((await cli(['generate', SEED, MODERN, '--archive', again, '--quiet'])).code).toBe(0);
    expect(readFileSync(again).equals(readFileSync(archive))).toBe(true);

    const unpacked = await cli(['unpack', archive, '--out', join(scratch, 'out')]);
    expect(unpacked.code).toBe(0);
    expect(unpacked.stdout).toMatch(/sites\.json\.gz: wrote 125 files to .*out\/seed-ha/);
    expect((await cli(['generate', SEED, MODERN, '--out', join(scratch, 'generated'), '--quiet'])).code).toBe(0);
    expect(treeDifferences(join(scratch, 'out'), join(scratch, 'generated'))).toEqual([]);
    expect((await cli(['check', SEED, MODERN, '--out', join(scratch, 'out')])).code).toBe(0);

    const twice = await cli(['unpack', archive, '--out', join(scratch, 'out')]);
    expect(twice.stdout).toMatch(/out\/modern already holds these 149 files; left as it was/);
  });

  it('unpacks the archive it has just encoded without reading it back once (as an Nx batch runs archive, then unpack), other bytes the long way', async () => {
    const archive = join(scratch, 'modern.json.gz');
    expect((await cli(['generate', MODERN, '--archive', archive, '--quiet'])).code).toBe(0);
    const gunzip = jest.spyOn(zlib, 'gunzipSync');
    try {
      expect((await cli(['unpack', archive, '--out', join(scratch, 'first'), '--quiet'])).code).toBe(0);
      expect(gunzip).not.toHaveBeenCalled();
      // Taken once: the same file again is read, gunzipped and checked.
      expect((await cli(['unpack', archive, '--out', join(scratch, 'second'), '--quiet'])).code).toBe(0);
      expect(gunzip).toHaveBeenCalledTimes(1);
      // Bytes that differ from the last encoded archive are never taken for it: the same sites compressed
      // otherwise are read the long way, and a damaged copy is refused.
      expect((await cli(['generate', MODERN, '--archive', archive, '--quiet'])).code).toBe(0);
      const encoded = readFileSync(archive);
      writeFileSync(archive, zlib.gzipSync(zlib.gunzipSync(encoded), { level: 9 }));
      const before = gunzip.mock.calls.length;
      expect((await cli(['unpack', archive, '--out', join(scratch, 'third'), '--quiet'])).code).toBe(0);
      expect(gunzip.mock.calls.length).toBe(before + 1);
      expect((await cli(['generate', MODERN, '--archive', archive, '--quiet'])).code).toBe(0);
      const damaged = Buffer.from(encoded);
      damaged[damaged.length - 5] ^= 0xff;
      writeFileSync(archive, damaged);
      expect((await cli(['unpack', archive, '--out', join(scratch, 'fourth')])).stderr).toMatch(/cannot unpack .*modern\.json\.gz: not a gzip file/);
    } finally {
      gunzip.mockRestore();
    }
    expect((await cli(['generate', MODERN, '--out', join(scratch, 'generated'), '--quiet'])).code).toBe(0);
    expect(treeDifferences(join(scratch, 'first'), join(scratch, 'generated'))).toEqual([]);
    expect(treeDifferences(join(scratch, 'second'), join(scratch, 'generated'))).toEqual([]);
    expect(treeDifferences(join(scratch, 'third'), join(scratch, 'generated'))).toEqual([]);
    expect(existsSync(join(scratch, 'fourth'))).toBe(false);
  });

  it('refuses to replace anything but a regular file with the archive', async () => {
    symlinkSync('/etc/hostname', join(scratch, 'link'));
    const run = await cli(['generate', SEED, '--archive', join(scratch, 'link')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/link: it is a symbolic link, not a regular file/);
    expect(lstatSync(join(scratch, 'link')).isSymbolicLink()).toBe(true);
    expect((await cli(['generate', SEED, '--archive', scratch])).stderr).toMatch(/it is a folder, not a regular file/);
  });
});

describe('unpack refuses a malformed or hostile archive whole, writing nothing', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['not gzip', Buffer.from('plain text\n'), /not a gzip file/],
    ['JSON that does not parse', gzipSync('{"format":'), /its JSON does not parse/],
    ['another format', gzipJson({ format: 'tar', sites: [] }), /its format is "tar", not "clusterspec-archive\/1"/],
    ['a site named as a path', gzipJson(oneFile({ path: 'a', mode: 420, content: '' }, '../etc')), /site 1 has no cluster name/],
    ['a path out of the folder', gzipJson(oneFile({ path: '../../etc/passwd', mode: 420, content: 'x' })), /not a relative path inside its folder/],
    ['an absolute path', gzipJson(oneFile({ path: '/etc/passwd', mode: 420, content: 'x' })), /not a relative path inside its folder/],
    ['an empty path part', gzipJson(oneFile({ path: 'a//b', mode: 420, content: 'x' })), /not a relative path inside its folder/],
    ['a set-uid mode', gzipJson(oneFile({ path: 'a', mode: 0o4755, content: 'x' })), /edge\/a has no file mode/],
    ['a file without text', gzipJson(oneFile({ path: 'a', mode: 420 })), /edge\/a has no text/],
    [
      'one path twice',
      gzipJson({
        format: 'clusterspec-archive/1',
        sites: [
          {
            name: 'edge',
            files: [
              { path: 'a', mode: 420, content: '1' },
              { path: 'a', mode: 420, content: '2' },
            ],
          },
        ],
      }),
      /site edge holds a twice/,
    ],
  ];
  it.each(cases)('%s', async (_case, bytes, message) => {
    const good = join(scratch, 'good.json.gz');
    expect((await cli(['generate', SEED, '--archive', good, '--quiet'])).code).toBe(0);
    const bad = join(scratch, 'bad.json.gz');
    writeFileSync(bad, bytes);
    // The good archive comes first: it is not written either.
    const run = await cli(['unpack', good, bad, '--out', join(scratch, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/make it again with clusterspec generate --archive/);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });

  it('two archives that hold one site', async () => {
    const first = join(scratch, 'first.json.gz');
    const second = join(scratch, 'second.json.gz');
    await cli(['generate', SEED, '--archive', first, '--quiet']);
    await cli(['generate', SEED, MODERN, '--archive', second, '--quiet']);
    const run = await cli(['unpack', first, second, '--out', join(scratch, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/second\.json\.gz and .*first\.json\.gz both hold site seed-ha/);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });
});
