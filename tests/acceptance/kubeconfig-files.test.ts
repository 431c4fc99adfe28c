/**
 * Item 5 of issue 13: the users' kubeconfigs name ca.crt and their certificate files beside themselves,
 * and `kubectl --kubeconfig` on the result must need nothing copied by hand. For every fixture with users,
 * the generated pki/ and cluster/ folders are written out as `generate` lays them, the generated sign.sh
 * is run itself against a throwaway CA, and each kubeconfig it leaves in its output folder is loaded by
 * @kubernetes/client-node from that file (relative names resolved against its folder, as kubectl does):
 * the CA, certificate and key it names exist and are read, the CA is the cluster CA and openssl verifies
 * the user's certificate with it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCA, openssl, runSignScript, writeArtifacts } from '../support/pki';
import { ROOT } from '../support/fixtures';
import { generatedSites } from '../support/generated-sites';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(120000));

interface FileVerdict {
  readonly id: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly caFile: string | null;
  readonly certFile: string | null;
  readonly keyFile: string | null;
  readonly ca: string | null;
  readonly cert: string | null;
  readonly key: string | null;
}

function loadKubeconfigFiles(files: { id: string; path: string }[]): FileVerdict[] {
  const result = spawnSync(process.execPath, [join(ROOT, 'tests', 'support', 'kubernetes-check.mjs')], {
    cwd: ROOT,
    input: JSON.stringify({ kubeconfigFiles: files }),
    encoding: 'utf8',
    timeout: deadline(60000),
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`kubernetes-check.mjs failed:\n${result.stderr}`);
  return (JSON.parse(result.stdout) as { kubeconfigFiles: FileVerdict[] }).kubeconfigFiles;
}

const sites = generatedSites().filter((site) => site.model.kubernetes.users.length > 0 && !site.spec.startsWith('fixtures/broken/'));
let work: string;
let caFile: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'clusterspec-kubeconfigs-'));
  caFile = makeCA(join(work, 'ca'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes a site's pki/ and cluster/ folders, runs its sign.sh (or a changed copy) and returns the output folder. */
function signSite(site: (typeof sites)[number], editScript: (script: string) => string = (script) => script): string {
  const root = mkdtempSync(join(work, 'site-'));
  writeArtifacts(
    root,
    site.artifacts.filter((file) => file.path.startsWith('pki/') || file.path.startsWith('cluster/')),
  );
  const script = join(root, 'pki', 'sign.sh');
  writeFileSync(script, editScript(readFileSync(script, 'utf8')));
  const out = join(root, 'signed');
  runSignScript(script, join(work, 'ca'), out);
  return out;
}

describe('the kubeconfigs sign.sh leaves beside the signed certificates work as written', () => {
  it('covers every working fixture with users', () => {
    expect(sites.map((site) => site.spec)).toEqual(
      expect.arrayContaining(['fixtures/seed-ha/cluster.yaml', 'fixtures/modern/cluster.yaml', 'fixtures/vip-pernode/cluster.yaml']),
    );
  });

  it.each(sites.map((site) => [site.spec, site] as const))('%s', (_spec, site) => {
    const out = signSite(site);
    const users = site.model.kubernetes.users.map((user) => user.name);
    const verdicts = loadKubeconfigFiles(users.map((user) => ({ id: user, path: join(out, `${user}.conf`) })));
    const caText = readFileSync(caFile, 'utf8');
    for (const [index, user] of users.entries()) {
      const verdict = verdicts[index];
      if (!verdict.ok) throw new Error(`${user}: ${verdict.error}`);
      expect(verdict.caFile).toBe(join(out, 'ca.crt'));
      expect(verdict.certFile).toBe(join(out, `${user}.crt`));
      expect(verdict.keyFile).toBe(join(out, `${user}.key`));
      expect(verdict.ca).toBe(caText);
      expect(verdict.cert).toContain('BEGIN CERTIFICATE');
      expect(verdict.key).toBe('present');
      expect(openssl('verify', '-CAfile', verdict.caFile as string, verdict.certFile as string).trim()).toBe(`${verdict.certFile}: OK`);
    }
  });

  it('bites: without the copy of ca.crt the client cannot read the CA the kubeconfig names', () => {
    const site = sites.find((each) => each.spec === 'fixtures/modern/cluster.yaml')!;
    const out = signSite(site, (script) => script.replace(/^ *cp "\$ca_dir\/ca\.crt" "\$out\/ca\.crt"\n/m, ''));
    expect(existsSync(join(out, 'ca.crt'))).toBe(false);
    const [verdict] = loadKubeconfigFiles([{ id: 'alice', path: join(out, 'alice.conf') }]);
    expect(verdict.ok).toBe(false);
    expect(verdict.error).toMatch(/ENOENT.*ca\.crt/);
  });
});
