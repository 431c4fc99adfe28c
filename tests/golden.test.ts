import { loadSpec } from '@clusterspec/spec';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles, writeArtifacts } from '@clusterspec/cli';
import { generateArtifacts, generateSite } from '@clusterspec/generators';
import { fixtureSpecs, ROOT } from './support/fixtures';

/** out/ is committed: a fresh generation of every fixture must reproduce it byte for byte. */
describe('golden output', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-golden-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has fixtures to check', () => {
    expect(fixtureSpecs()).toEqual(
      expect.arrayContaining(['fixtures/modern/cluster.yaml', 'fixtures/seed-ha-toml/cluster.toml', 'fixtures/seed-ha/cluster.yaml']),
    );
  });

  it.each(fixtureSpecs())('%s regenerates out/ exactly', async (file) => {
    const model = loadSpec(join(ROOT, file));
    const target = join(scratch, model.name);
    // generateSite is what generate writes: the artifacts and topology.svg.
    writeArtifacts(target, await generateSite(model));
    const committed = join(ROOT, 'out', model.name);
    const files = listFiles(target);
    expect(listFiles(committed)).toEqual(files);
    for (const path of files) {
      expect({ path, bytes: readFileSync(join(committed, path), 'utf8') }).toEqual({ path, bytes: readFileSync(join(target, path), 'utf8') });
      expect({ path, executable: (statSync(join(committed, path)).mode & 0o111) !== 0 }).toEqual({
        path,
        executable: (statSync(join(target, path)).mode & 0o111) !== 0,
      });
    }
  });

  it('generates identical bytes twice', () => {
    const file = join(ROOT, 'fixtures/modern/cluster.yaml');
    expect(generateArtifacts(loadSpec(file))).toEqual(generateArtifacts(loadSpec(file)));
  });

  it('draws byte-identical topology pictures twice', async () => {
    const model = loadSpec(join(ROOT, 'fixtures/modern/cluster.yaml'));
    expect(await generateSite(model)).toEqual(await generateSite(loadSpec(join(ROOT, 'fixtures/modern/cluster.yaml'))));
  });

  it('gives byte-identical artifacts for the seed site in YAML and in TOML', () => {
    const yaml = generateArtifacts(loadSpec(join(ROOT, 'fixtures/seed-ha/cluster.yaml')));
    const toml = generateArtifacts(loadSpec(join(ROOT, 'fixtures/seed-ha-toml/cluster.toml')));
    expect(toml.length).toBeGreaterThan(40);
    expect(toml).toEqual(yaml);
  });

  it('never writes a private key or certificate into out/', () => {
    for (const file of fixtureSpecs()) {
      for (const artifact of generateArtifacts(loadSpec(join(ROOT, file)))) {
        expect({ path: artifact.path, pem: /-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/.test(artifact.content) }).toEqual({
          path: artifact.path,
          pem: false,
        });
        expect(artifact.path).not.toMatch(/\.(key|crt|pem)$/);
      }
    }
  });
});
