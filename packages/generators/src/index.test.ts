import { deployArtifacts } from '@clusterspec/deploy';
import { topologyArtifacts } from '@clusterspec/topology';
import { loadFixture } from '../../../tests/support/fixtures';
import { ARTIFACT_DESCRIPTORS, GENERATORS, generateArtifacts, generateArtifactsFor, generateSite } from './index';

const modern = loadFixture('fixtures/modern/cluster.yaml');

describe('the one list of generators', () => {
  it("derives the descriptors from the generators' produces, then deploy's and topology's, each once", () => {
    expect(ARTIFACT_DESCRIPTORS).toEqual([...GENERATORS.flatMap((generator) => generator.produces), ...deployArtifacts, ...topologyArtifacts]);
    expect(new Set(ARTIFACT_DESCRIPTORS).size).toBe(ARTIFACT_DESCRIPTORS.length);
  });

  it('generates every artifact once, sorted by path, each made by a descriptor of the list', () => {
    const artifacts = generateArtifacts(modern);
    const paths = artifacts.map((artifact) => artifact.path);
    expect(paths).toEqual([...new Set(paths)].sort());
    expect(artifacts.filter((artifact) => !ARTIFACT_DESCRIPTORS.includes(artifact.descriptor))).toEqual([]);
  });

  it('generateArtifactsFor runs only the generators making a kind of file the predicate picks', () => {
    expect(generateArtifactsFor(modern, () => true)).toEqual(generateArtifacts(modern));
    expect(generateArtifactsFor(modern, () => false)).toEqual([]);
    const [first] = GENERATORS.filter((generator) => generator(modern).length > 0);
    const chosen = generateArtifactsFor(modern, (descriptor) => first.produces.includes(descriptor));
    expect(chosen.length).toBeGreaterThan(0);
    expect(chosen.filter((artifact) => !first.produces.includes(artifact.descriptor))).toEqual([]);
  });

  it('generateSite adds the deploy bundle and the topology picture, still sorted by path', async () => {
    const site = await generateSite(modern);
    const paths = site.map((artifact) => artifact.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toContain('topology.svg');
    expect(paths.some((path) => path.startsWith('deploy/'))).toBe(true);
    expect(site.length).toBeGreaterThan(generateArtifacts(modern).length);
  });
});
