/**
 * `generate --archive FILE` and `unpack`: one file per set of sites, for a build cache (the Nx plugin's
 * `archive` target) or a CI artifact, and back into out/ exactly as generate writes it. An archive is input from
 * outside (a shared cache): a malformed or hostile one is refused whole, with nothing written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeArchive, encodeArchive } from '@clusterspec/cli';
import { cli } from '../support/cli';
import { deadline } from '../support/deadline';
import { ROOT } from '../support/fixtures';
import { treeDifferences } from '../support/fleet';

const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');
const MODERN = join(ROOT, 'fixtures/modern/cluster.yaml');

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-archive-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

// The fs and zlib modules themselves, not an import's copy of their exports: the spy below must replace what the CLI calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlib = require('node:zlib') as typeof import('node:zlib');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');

/** An archive of format 2 from its text: header lines and file bytes as given (`\n` ends each line). */
const archiveOf = (text: string) => gzipSync(Buffer.from(text, 'utf8'));
/** One site `name` with one file, from its header fields (the length: the content's, unless given). */
const oneFile = (header: { path?: string; mode?: string; content?: string; length?: string }, name = 'edge') => {
  const { path = 'a', mode = '0644', content = 'x' } = header;
  const length = header.length ?? String(Buffer.byteLength(content)).padStart(10, '0');
  return archiveOf(`clusterspec-archive/2\nsite ${name}\nfile ${mode} ${length} ${path}\n${content}end\n`);
};

describe('generate --archive, then unpack', () => {
  it('writes out/ byte for byte and mode for mode as generate does, and the archive is the same bytes every time', async () => {
    const archive = join(scratch, 'dist/sites.archive.gz');
    const made = await cli(['generate', SEED, MODERN, '--archive', archive]);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/seed-ha\/cluster\.yaml: archived 128 files in .*sites\.archive\.gz/);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
    const again = join(scratch, 'again.archive.gz');
    expect((await cli(['generate', SEED, MODERN, '--archive', again, '--quiet'])).code).toBe(0);
    expect(readFileSync(again).equals(readFileSync(archive))).toBe(true);

    const unpacked = await cli(['unpack', archive, '--out', join(scratch, 'out')]);
    expect(unpacked.code).toBe(0);
    expect(unpacked.stdout).toMatch(/sites\.archive\.gz: wrote 128 files to .*out\/seed-ha/);
    expect((await cli(['generate', SEED, MODERN, '--out', join(scratch, 'generated'), '--quiet'])).code).toBe(0);
    expect(treeDifferences(join(scratch, 'out'), join(scratch, 'generated'))).toEqual([]);
    expect((await cli(['check', SEED, MODERN, '--out', join(scratch, 'out')])).code).toBe(0);

    const twice = await cli(['unpack', archive, '--out', join(scratch, 'out')]);
    expect(twice.stdout).toMatch(/out\/modern already holds these 152 files; left as it was/);
  });

  it('unpacks the archive it has just encoded without reading it back once (as an Nx batch runs archive, then unpack), other bytes the long way', async () => {
    const archive = join(scratch, 'modern.archive.gz');
    expect((await cli(['generate', MODERN, '--archive', archive, '--quiet'])).code).toBe(0);
    // The long way reads the file as a stream and inflates it as it comes; the archive just encoded is only compared.
    const streamed = jest.spyOn(fs, 'createReadStream');
    try {
      expect((await cli(['unpack', archive, '--out', join(scratch, 'first'), '--quiet'])).code).toBe(0);
      expect(streamed).not.toHaveBeenCalled();
      // Taken once: the same file again is read, inflated and checked.
      expect((await cli(['unpack', archive, '--out', join(scratch, 'second'), '--quiet'])).code).toBe(0);
      expect(streamed).toHaveBeenCalledTimes(1);
      // Bytes that differ from the last encoded archive are never taken for it: the same sites compressed
      // otherwise are read the long way, and a damaged copy is refused.
      expect((await cli(['generate', MODERN, '--archive', archive, '--quiet'])).code).toBe(0);
      const encoded = readFileSync(archive);
      writeFileSync(archive, zlib.gzipSync(zlib.gunzipSync(encoded), { level: 9 }));
      const before = streamed.mock.calls.length;
      expect((await cli(['unpack', archive, '--out', join(scratch, 'third'), '--quiet'])).code).toBe(0);
      expect(streamed.mock.calls.length).toBe(before + 1);
      expect((await cli(['generate', MODERN, '--archive', archive, '--quiet'])).code).toBe(0);
      const damaged = Buffer.from(encoded);
      damaged[damaged.length - 5] ^= 0xff;
      writeFileSync(archive, damaged);
      expect((await cli(['unpack', archive, '--out', join(scratch, 'fourth')])).stderr).toMatch(/cannot unpack .*modern\.archive\.gz: not a gzip file/);
    } finally {
      streamed.mockRestore();
    }
    expect((await cli(['generate', MODERN, '--out', join(scratch, 'generated'), '--quiet'])).code).toBe(0);
    expect(treeDifferences(join(scratch, 'first'), join(scratch, 'generated'))).toEqual([]);
    expect(treeDifferences(join(scratch, 'second'), join(scratch, 'generated'))).toEqual([]);
    expect(treeDifferences(join(scratch, 'third'), join(scratch, 'generated'))).toEqual([]);
    expect(existsSync(join(scratch, 'fourth'))).toBe(false);
  });

  it('keeps any text exactly: empty files, multi-byte UTF-8, text that looks like a header line', () => {
    const sites = [
      {
        name: 'edge',
        files: [
          { path: 'empty', mode: 0o600, content: '' },
          { path: 'etc/motd', mode: 0o644, content: '集群 — ünïcode 🚀\n' },
          { path: 'tricky', mode: 0o755, content: 'end\nsite other\nfile 0644 0000000001 x\n' },
        ],
      },
      // 3 MB of lines that compress as generated files do (a file of one repeated letter would be a gzip bomb).
      {
        name: 'core',
        files: [{ path: 'a', mode: 0o640, content: Array.from({ length: 100_000 }, (_, line) => `${line} ${(line * 2654435761) % 1e9}\n`).join('') }],
      },
    ];
    const bytes = encodeArchive(sites);
    // Another archive encoded since: the first is read the long way, not taken from memory.
    encodeArchive([{ name: 'other', files: [] }]);
    expect(decodeArchive(bytes, 'first')).toEqual(sites);
    // In memory too, what inflates past 100 times its size is refused.
    const bomb = gzipSync(Buffer.from(`clusterspec-archive/2\nsite edge\nfile 0644 0016777216 a\n${'a'.repeat(16 << 20)}end\n`));
    expect(() => decodeArchive(bomb, 'bomb')).toThrow(/cannot unpack bomb: it would unpack to more than \d+ bytes, 100 times its size/);
    expect(encodeArchive(sites).equals(bytes)).toBe(true);
  });

  it('refuses --out with --archive, which writes no folder, rather than ignoring it (exit 2, nothing written)', async () => {
    const archive = join(scratch, 'sites.archive.gz');
    const run = await cli(['generate', SEED, '--archive', archive, '--out', join(scratch, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `--out ${join(scratch, 'out')} would be ignored; drop --out, and write the sites out with clusterspec unpack ${archive} --out`,
    );
    expect(existsSync(archive)).toBe(false);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
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
    ['another format', archiveOf('tar\n'), /it does not begin with "clusterspec-archive\/2"/],
    ['format 1 (JSON)', archiveOf('{"format":"clusterspec-archive/1","sites":[]}'), /it is in format 1 \(JSON\), made by an older clusterspec/],
    ['a site named as a path', oneFile({}, '../etc'), /site 1 has no cluster name/],
    ['a path out of the folder', oneFile({ path: '../../etc/passwd' }), /not a relative path inside its folder/],
    ['an absolute path', oneFile({ path: '/etc/passwd' }), /not a relative path inside its folder/],
    ['an empty path part', oneFile({ path: 'a//b' }), /not a relative path inside its folder/],
    ['a set-uid mode', oneFile({ mode: '4755' }), /edge\/a has no file mode/],
    ['a file cut short', oneFile({ content: 'x', length: '0000000099' }), /edge\/a is cut short/],
    ['a length that is not one', oneFile({ length: 'ten' }), /a header line is neither/],
    ['a file before any site', archiveOf('clusterspec-archive/2\nfile 0644 0000000001 a\nxend\n'), /a file before its first site/],
    ['no end', archiveOf('clusterspec-archive/2\nsite edge\nfile 0644 0000000001 a\nx'), /ends inside a header line/],
    ['bytes after the end', archiveOf('clusterspec-archive/2\nsite edge\nend\nsite more\n'), /goes on after its "end" line/],
    ['a header line without end', archiveOf(`clusterspec-archive/2\nsite ${'x'.repeat(5000)}`), /a header line is too long/],
    ['one site twice', archiveOf('clusterspec-archive/2\nsite edge\nsite edge\nend\n'), /it holds site edge twice/],
    ['one path twice', archiveOf('clusterspec-archive/2\nsite edge\nfile 0644 0000000001 a\n1file 0644 0000000001 a\n2end\n'), /site edge holds a twice/],
  ];
  it.each(cases)('%s', async (_case, bytes, message) => {
    const good = join(scratch, 'good.archive.gz');
    expect((await cli(['generate', SEED, '--archive', good, '--quiet'])).code).toBe(0);
    const bad = join(scratch, 'bad.archive.gz');
    writeFileSync(bad, bytes);
    // The good archive comes first: it is not written either.
    const run = await cli(['unpack', good, bad, '--out', join(scratch, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/make it again with clusterspec generate --archive/);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });

  it('two archives that hold one site', async () => {
    const first = join(scratch, 'first.archive.gz');
    const second = join(scratch, 'second.archive.gz');
    await cli(['generate', SEED, '--archive', first, '--quiet']);
    await cli(['generate', SEED, MODERN, '--archive', second, '--quiet']);
    const run = await cli(['unpack', first, second, '--out', join(scratch, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/second\.archive\.gz and .*first\.archive\.gz both hold site seed-ha/);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });
});

/**
 * Issue 22, item 5: an archive from a shared cache may be built to make unpack allocate without end. A gzip
 * member of 1 MiB of zeros is about 1 KB, and gzip readers read concatenated members as one stream (RFC 1952,
 * section 2.2), so repeating one member makes a bomb of any size at no cost to build.
 */
describe('unpack holds what an archive can make it allocate to its bounds', () => {
  const MIB = 1 << 20;
  const zeros = gzipSync(Buffer.alloc(MIB));
  /** An archive of `sites` sites, each one file of `mibPerSite` MiB of zeros. */
  const bomb = (sites: number, mibPerSite: number) => {
    const members: Buffer[] = [archiveOf('clusterspec-archive/2\n')];
    for (let site = 0; site < sites; site += 1) {
      members.push(archiveOf(`site s${site}\nfile 0644 ${String(mibPerSite * MIB).padStart(10, '0')} zeros\n`));
      for (let mib = 0; mib < mibPerSite; mib += 1) members.push(zeros);
    }
    members.push(archiveOf('end\n'));
    return Buffer.concat(members);
  };

  it('refuses a site that declares more than 128 MiB before inflating a byte of it', async () => {
    const bad = join(scratch, 'bad.archive.gz');
    writeFileSync(bad, oneFile({ content: 'x', length: '9000000000' }));
    const run = await cli(['unpack', bad, '--out', join(scratch, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot unpack .*bad\.archive\.gz: site edge would unpack to more than 128 MiB/);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });

  it('refuses an archive that would unpack to more than 100 times its size, in a bounded amount of memory', () => {
    // 16 sites of 64 MiB each: 1 GiB of files in an archive of about 1 MB; the bound lets it unpack about 100 MB.
    const bad = join(scratch, 'bomb.archive.gz');
    const bytes = bomb(16, 64);
    writeFileSync(bad, bytes);
    expect(bytes.length).toBeLessThan(2 * MIB);
    // Its own process, so its peak memory is its own (ru_maxrss, in KiB on Linux): the test waits on the result.
    const bin = JSON.stringify(join(ROOT, 'packages/cli/bin/clusterspec.js'));
    // process.argv as if the binary were run: [node, bin, ...arguments].
    const script = `process.argv.splice(1, 0, ${bin}); require(${bin})`;
    const run = spawnSync(
      process.execPath,
      [
        '-e',
        `${script}; process.on('exit', () => process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n'))`,
        '--',
        'unpack',
        bad,
        '--out',
        join(scratch, 'out'),
      ],
      {
        encoding: 'utf8',
        timeout: deadline(60_000),
      },
    );
    expect(run.stderr).toMatch(/bomb\.archive\.gz: it would unpack to more than \d+ bytes, 100 times its size/);
    expect(run.status).toBe(2);
    const peak = Number(/maxrss (\d+)/.exec(run.stderr)?.[1]) * 1024;
    // Node itself takes about 60 MB; the 1 GiB of zeros were never held (before the bound: 2.8 GB for 900 MB).
    expect(peak).toBeLessThan(400 * MIB);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });

  it('refuses a named pipe, a device and a folder without waiting on or reading them', async () => {
    const fifo = join(scratch, 'fifo');
    expect(spawnSync('mkfifo', [fifo], { timeout: deadline(10_000) }).status).toBe(0);
    const cases: [string, RegExp][] = [
      [fifo, /fifo: it is a named pipe, not a regular file/],
      ['/dev/zero', /\/dev\/zero: it is a device, not a regular file/],
      [scratch, /it is a folder, not a regular file/],
    ];
    for (const [path, message] of cases) {
      const run = await cli(['unpack', path, '--out', join(scratch, 'out')]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });
});
