/**
 * `clusterspec lint --fleet` (issue 17, item 5): every spec of a repository linted and compared in one run,
 * over temporary copies of the fixtures (a clean fleet, one that collides), the specs glob read from nx.json,
 * and this repository's own fixtures, which must stay clean together.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';
import { deadline } from '../support/deadline';
import { ROOT } from '../support/fixtures';

const BIN = join(ROOT, 'packages/cli/bin/clusterspec.js');
const MODERN = readFileSync(join(ROOT, 'fixtures/modern/cluster.yaml'), 'utf8');
const VIP_PERNODE = readFileSync(join(ROOT, 'fixtures/vip-pernode/cluster.yaml'), 'utf8');

/** modern with the VRRP id its network team assigned. */
const MODERN_51 = MODERN.replace('      interface: ens192', '      interface: ens192\n      virtualRouterId: 51');
/** That site copied as another, which forgot to change its addresses and id: a new name and virtual address only. */
const MODERN_COPY = MODERN_51.replace('  name: modern\n', '  name: modern-copy\n').replace('virtualAddress: 10.20.0.10', 'virtualAddress: 10.20.0.9');

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-fleet-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes sites/<folder>/cluster.yaml under the scratch folder. */
function site(folder: string, text: string): string {
  mkdirSync(join(scratch, 'sites', folder), { recursive: true });
  const file = join(scratch, 'sites', folder, 'cluster.yaml');
  writeFileSync(file, text);
  return file;
}

function bin(argv: readonly string[], cwd: string) {
  const result = spawnSync('node', [BIN, ...argv], { cwd, encoding: 'utf8', timeout: deadline(60_000), env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonDiagnostic {
  ruleId: string;
  severity: string;
  message: string;
  location: { file: string; line: number; column: number };
}
const diagnosticsOf = (stdout: string) => (JSON.parse(stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
const ACROSS_SITES = ['fleet-collision', 'vip-config'];

describe('lint --fleet', () => {
  it('passes a fleet of sites that share nothing: exit 0, no cross-site finding', async () => {
    site('dc1', MODERN);
    site('dc2', VIP_PERNODE);
    const result = await cli(['lint', '--fleet', join(scratch, 'sites/*/cluster.yaml'), '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const found = diagnosticsOf(result.stdout);
    expect(found.filter((diagnostic) => ACROSS_SITES.includes(diagnostic.ruleId))).toEqual([]);
    // Both sites were linted (modern's balancer addresses are san-coverage infos).
    expect(new Set(found.map((diagnostic) => diagnostic.location.file))).toEqual(new Set([join(scratch, 'sites/dc1/cluster.yaml')]));
  });

  it("finds a copied site claiming the first one's addresses and endpoint name, and their VRRP groups hearing each other: exit 1, every finding naming both specs", async () => {
    const first = site('dc1', MODERN_51);
    const copy = site('dc2', MODERN_COPY);
    const result = await cli(['lint', '--fleet', join(scratch, 'sites/{dc1,dc2}/cluster.yaml'), '--format', 'json']);
    expect(result.code).toBe(1);
    const across = diagnosticsOf(result.stdout).filter((diagnostic) => ACROSS_SITES.includes(diagnostic.ruleId));
    // 14 host addresses, the endpoint name, one VRRP id: each once, on the later spec, naming the earlier.
    expect(across.map((diagnostic) => diagnostic.ruleId).sort()).toEqual([...Array<string>(15).fill('fleet-collision'), 'vip-config']);
    for (const diagnostic of across) {
      expect(diagnostic.severity).toBe('error');
      expect(diagnostic.location.file).toBe(copy);
      expect(diagnostic.message).toContain(`${first}:`);
    }
    const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;
    const lb1 = across.find((diagnostic) => diagnostic.message.startsWith('10.20.0.11,'));
    expect(lb1?.message).toContain(`10.20.0.11, host lb-1, is also claimed by site modern: host lb-1 at ${first}:${lineOf(MODERN, 'address: 10.20.0.11')}:16`);
    expect(lb1?.location.line).toBe(lineOf(MODERN_COPY, 'address: 10.20.0.11'));
    expect(across.find((diagnostic) => diagnostic.message.startsWith('controlPlaneEndpoint name k8s-api.corp.example'))?.location.line).toBe(
      lineOf(MODERN_COPY, 'controlPlaneEndpoint:'),
    );
  });

  it('reads the specs glob from nx.json (the cluster plugin\'s "specs" option) when no GLOB is given', () => {
    site('dc1', MODERN);
    site('dc2', MODERN_COPY);
    writeFileSync(join(scratch, 'nx.json'), JSON.stringify({ plugins: [{ plugin: '@clusterspec/nx', options: { specs: 'sites/*/cluster.{yaml,toml}' } }] }));
    const result = bin(['lint', '--fleet', '--quiet'], scratch);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('sites/dc2/cluster.yaml');
    expect(result.stdout).toMatch(
      /^sites\/dc2\/cluster\.yaml:\d+:\d+ error 10\.20\.0\.11, host lb-1, is also claimed by site modern: host lb-1 at sites\/dc1\/cluster\.yaml:\d+:16;.* fleet-collision$/m,
    );
  });

  it('is bad input (exit 2, one line) without a GLOB or nx.json specs, with a GLOB matching nothing, with - or with --certs', async () => {
    const noGlob = bin(['lint', '--fleet'], scratch);
    expect(noGlob.code).toBe(2);
    expect(noGlob.stderr).toMatch(/--fleet without a GLOB reads the specs glob from nx\.json .* has none; name the specs/);
    const nothing = await cli(['lint', '--fleet', join(scratch, 'sites/*/cluster.yaml')]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain(`"${join(scratch, 'sites/*/cluster.yaml')}" matches no spec file`);
    expect((await cli(['lint', '--fleet', '-'])).code).toBe(2);
    site('dc1', MODERN);
    expect((await cli(['lint', '--fleet', join(scratch, 'sites/*/cluster.yaml'), '--certs', scratch])).stderr).toContain(
      '--certs DIR holds the certificates of one site',
    );
  });

  it("keeps this repository's fixtures clean together (seed-ha-toml, the seed written again, takes no part)", () => {
    const result = bin(['lint', '--fleet', '--format', 'json'], ROOT);
    expect(result.code).toBe(0);
    const found = diagnosticsOf(result.stdout);
    expect(found.filter((diagnostic) => ACROSS_SITES.includes(diagnostic.ruleId) && diagnostic.severity === 'error')).toEqual([]);
    // Every spec of nx.json's glob was linted: each has at least one finding (a warning or an info) here.
    expect(new Set(found.map((diagnostic) => diagnostic.location.file))).toEqual(
      new Set(['fixtures/edge/cluster.yaml', 'fixtures/modern/cluster.yaml', 'fixtures/seed-ha/cluster.yaml', 'fixtures/seed-ha-toml/cluster.toml']),
    );
  });

  // Issue 22, item 7: a GLOB is input too; each of these took a minute or more, or never ended.
  it('bounds what a GLOB may expand to and read, and walks ** only inside the repository: exit 2, one line, at once', async () => {
    const braces = await cli(['lint', '--fleet', `sites/${'{a,b}'.repeat(30)}/cluster.yaml`]);
    expect(braces.code).toBe(2);
    expect(braces.stderr).toMatch(
      /stands for more than 1000 globs once its braces are expanded; use fewer \{a,b\} groups, or \* instead; run 'clusterspec lint --help' for usage$/,
    );

    const everything = await cli(['lint', '--fleet', '/**/cluster.yaml']);
    expect(everything.code).toBe(2);
    expect(everything.stderr).toMatch(/"\/\*\*\/cluster\.yaml" would walk \/ with \*\*, outside the repository \(.*\); run lint in that folder/);
    const climbing = bin(['lint', '--fleet', '../**/cluster.yaml'], join(ROOT, 'fixtures'));
    expect(climbing.code).toBe(2);
    expect(climbing.stderr).toMatch(/would walk .* with \*\*, outside the repository/);
    // Outside, the folders named one * at a time are read as before.
    site('dc1', MODERN);
    expect((await cli(['lint', '--fleet', join(scratch, 'sites/*/cluster.yaml'), '--quiet'])).code).not.toBe(2);

    // Each ** may stand for any number of folders: eight of them over 3^6 folders would read folders billions of times.
    for (let depth = 1, level = ['tree']; depth <= 6; depth += 1) {
      level = level.flatMap((folder) => ['a', 'b', 'c'].map((name) => join(folder, name)));
      for (const folder of level) mkdirSync(join(scratch, folder), { recursive: true });
    }
    const walking = bin(['lint', '--fleet', `tree/${'**/'.repeat(8)}cluster.yaml`], scratch);
    expect(walking.stderr).toMatch(/"tree\/(\*\*\/){8}cluster\.yaml" reads more than 20000 folders; name the folders that hold the specs/);
    expect(walking.code).toBe(2);
  });
});
