import { consulGenerators } from '@clusterspec/consul';
import { containerdGenerators } from '@clusterspec/containerd';
import { deployArtifacts, generateDeploy } from '@clusterspec/deploy';
import { harborGenerators } from '@clusterspec/harbor';
import { hostGenerators } from '@clusterspec/host';
import { kubernetesGenerators } from '@clusterspec/kubernetes';
import { loadBalancerGenerators } from '@clusterspec/loadbalancer';
import { pkiGenerators } from '@clusterspec/pki';
import { topologyArtifact, topologyArtifacts } from '@clusterspec/topology';
import type { Artifact, ArtifactDescriptor, ClusterModel, Generator } from '@clusterspec/spec';

/**
 * Every generator of the per-host and cluster files, each with the descriptors of the files it makes: the one
 * list a new generator joins. The CLI, the linter's RuleTester and the tests all generate through it.
 */
export const GENERATORS: readonly Generator[] = [
  ...kubernetesGenerators,
  ...pkiGenerators,
  ...loadBalancerGenerators,
  ...harborGenerators,
  ...consulGenerators,
  ...containerdGenerators,
  ...hostGenerators,
];

/**
 * Every kind of file generate writes, as its generator describes it (each generator's `produces`), then the
 * deploy bundle's and the topology picture's, which are made from the other artifacts rather than by a
 * generator. `explain`, `secret-literal`, `render` and the artifact table (checked by
 * tests/operator/artifacts.test.ts) read these.
 */
export const ARTIFACT_DESCRIPTORS: readonly ArtifactDescriptor[] = [
  ...GENERATORS.flatMap((generator) => generator.produces),
  ...deployArtifacts,
  ...topologyArtifacts,
];

const byPathOrder = (a: Artifact, b: Artifact) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Every artifact of a site, sorted by path; two generators claiming one path is a bug, not a user error. */
export function generateArtifacts(model: ClusterModel): Artifact[] {
  return runGenerators(GENERATORS, model);
}

/**
 * The artifacts of the kinds `wanted` picks, sorted by path: only the generators making such a file run. Lint
 * passes "some rule reads it" (`rules.some((rule) => readsDescriptor(rule, descriptor))`), so that a rule finds
 * the same here as over every artifact (tests/operator/lint-artifacts.test.ts); lint of the seed site skips a
 * fifth of the generators.
 */
export function generateArtifactsFor(model: ClusterModel, wanted: (descriptor: ArtifactDescriptor) => boolean): Artifact[] {
  return runGenerators(
    GENERATORS.filter((generator) => generator.produces.some(wanted)),
    model,
  );
}

function runGenerators(chosen: readonly Generator[], model: ClusterModel): Artifact[] {
  const artifacts = chosen.flatMap((generate) => generate(model));
  const byPath = new Map<string, Artifact>();
  for (const item of artifacts) {
    if (byPath.has(item.path)) throw new Error(`internal error: two generators write ${item.path}`);
    byPath.set(item.path, item);
  }
  return [...byPath.values()].sort(byPathOrder);
}

/**
 * Everything out/<cluster>/ holds: the artifacts, the Ansible deploy folder built from them and the topology
 * picture drawn from them. generate, check and diff all call this one function, so what check compares is
 * what generate writes. Async because Graphviz is WebAssembly; lint keeps the synchronous generateArtifacts
 * (the picture has nothing to lint), and render too: the rendered tree holds the files the playbook copies,
 * and the playbook refuses to take them from its own out/ folder.
 */
export async function generateSite(model: ClusterModel): Promise<Artifact[]> {
  const artifacts = generateArtifacts(model);
  const deploy = generateDeploy(model, artifacts);
  return [...artifacts, ...deploy, await topologyArtifact(model, artifacts)].sort(byPathOrder);
}
