import { imageReferences, imagesReport } from '@clusterspec/analysis';
import { generateArtifacts } from '@clusterspec/generators';
import { loadSpec } from '@clusterspec/spec';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './support/cli';
import { fixtureSpecs, ROOT } from './support/fixtures';

/**
 * `clusterspec images` per fixture, compared with tests/images/<name>.{txt,json} (UPDATE_GOLDEN=1 rewrites them),
 * and two sites that move their images (spec.images.registry), whose output carries the skopeo copy lines.
 */
const GOLDEN = join(ROOT, 'tests/images');
const scratch = mkdtempSync(join(tmpdir(), 'clusterspec-images-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fixture with an images section added before its docker section (every fixture has one). */
function moved(fixture: string, name: string, section: string): string {
  const text = readFileSync(join(ROOT, fixture), 'utf8');
  if (!text.includes('\n  docker:\n')) throw new Error(`${fixture} has no docker section`);
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, text.replace(/name: [a-z-]+\n/, `name: ${name}\n`).replace('\n  docker:\n', `\n${section}  docker:\n`));
  return file;
}

const SITES: [string, string][] = [
  ...fixtureSpecs().map((file): [string, string] => [loadSpec(join(ROOT, file)).name, join(ROOT, file)]),
  ['modern-registry', moved('fixtures/modern/cluster.yaml', 'modern-registry', '  images:\n    registry: registry.corp.example/k8s\n    airgapped: true\n')],
  ['seed-ha-registry', moved('fixtures/seed-ha/cluster.yaml', 'seed-ha-registry', '  images:\n    registry: hub.tonybai.com:8989/library\n')],
];

function golden(name: string, text: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, `${text}\n`);
  expect(text).toBe(readFileSync(path, 'utf8').replace(/\n$/, ''));
}

describe('clusterspec images', () => {
  it.each(SITES)('%s: text and json as committed', async (name, file) => {
    const text = await cli(['images', file]);
    expect(text.code).toBe(0);
    golden(`${name}.txt`, text.stdout);
    const json = await cli(['images', file, '--format', 'json']);
    expect(json.code).toBe(0);
    golden(`${name}.json`, json.stdout);
  });

  it.each(SITES)('%s: every image reference in the generated files is an image the list names', (_name, file) => {
    const model = loadSpec(file);
    const artifacts = generateArtifacts(model);
    const listed = new Set(imagesReport(model, artifacts).images.map((image) => image.destination));
    const unlisted = imageReferences(artifacts).filter((reference) => !listed.has(reference.image));
    expect(unlisted).toEqual([]);
  });

  it('moves every image but Harbor’s own under images.registry, kubeadm’s through imageRepository and dns.imageRepository', () => {
    const file = SITES.find(([name]) => name === 'modern-registry')![1];
    const model = loadSpec(file);
    const report = imagesReport(model, generateArtifacts(model));
    expect(report.copy).toContain(
      'skopeo copy --all docker://registry.k8s.io/coredns/coredns:v1.12.1 docker://registry.corp.example/k8s/coredns/coredns:v1.12.1',
    );
    expect(report.copy).toContain('skopeo copy --all docker://gliderlabs/registrator:v7 docker://registry.corp.example/k8s/gliderlabs/registrator:v7');
    const kubeadm = generateArtifacts(model).find((item) => item.path === 'hosts/cp-1/etc/kubernetes/kubeadm-config.yaml')!;
    expect(kubeadm.content).toContain('imageRepository: registry.corp.example/k8s\n');
    expect(kubeadm.content).toContain('dns:\n  imageRepository: registry.corp.example/k8s/coredns\n');
    expect(report.images.filter((image) => image.origin === 'harbor-installer').every((image) => image.destination === image.source)).toBe(true);
  });

  it('refuses an unknown format', async () => {
    const result = await cli(['images', join(ROOT, 'fixtures/modern/cluster.yaml'), '--format', 'yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--format takes text, json');
  });
});
