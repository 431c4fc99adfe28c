import { consulGenerators } from '@clusterspec/consul';
import { containerdGenerators } from '@clusterspec/containerd';
import { harborGenerators } from '@clusterspec/harbor';
import { hostGenerators } from '@clusterspec/host';
import { kubernetesGenerators } from '@clusterspec/kubernetes';
import { loadBalancerGenerators } from '@clusterspec/loadbalancer';
import { pkiGenerators } from '@clusterspec/pki';
import { renderTopology, TOPOLOGY_PATH } from '@clusterspec/topology';
import { artifact, type Artifact, type ClusterModel, type Generator } from '@clusterspec/spec';

const generators: readonly Generator[] = [
  ...kubernetesGenerators,
  ...pkiGenerators,
  ...loadBalancerGenerators,
  ...harborGenerators,
  ...consulGenerators,
  ...containerdGenerators,
  ...hostGenerators,
];

const byPathOrder = (a: Artifact, b: Artifact) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Every artifact of a site, sorted by path; two generators claiming one path is a bug, not a user error. */
export function generateArtifacts(model: ClusterModel): Artifact[] {
  const artifacts = generators.flatMap((generate) => generate(model));
  const byPath = new Map<string, Artifact>();
  for (const item of artifacts) {
    if (byPath.has(item.path)) throw new Error(`internal error: two generators write ${item.path}`);
    byPath.set(item.path, item);
  }
  return [...byPath.values()].sort(byPathOrder);
}

/**
 * Everything out/<cluster>/ holds: the artifacts plus the topology picture drawn from them. generate, check
 * and diff all call this one function, so what check compares is what generate writes. Async because
 * Graphviz is WebAssembly; lint keeps the synchronous generateArtifacts (the picture has nothing to lint).
 */
export async function generateSite(model: ClusterModel): Promise<Artifact[]> {
  const artifacts = generateArtifacts(model);
  return [...artifacts, artifact(TOPOLOGY_PATH, await renderTopology(model, artifacts))].sort(byPathOrder);
}
