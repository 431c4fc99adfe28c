import { consulGenerators } from '@clusterspec/consul';
import { harborGenerators } from '@clusterspec/harbor';
import { hostGenerators } from '@clusterspec/host';
import { kubernetesGenerators } from '@clusterspec/kubernetes';
import { loadBalancerGenerators } from '@clusterspec/loadbalancer';
import { pkiGenerators } from '@clusterspec/pki';
import type { Artifact, ClusterModel, Generator } from '@clusterspec/spec';

const generators: readonly Generator[] = [
  ...kubernetesGenerators,
  ...pkiGenerators,
  ...loadBalancerGenerators,
  ...harborGenerators,
  ...consulGenerators,
  ...hostGenerators,
];

/** Every artifact of a site, sorted by path; two generators claiming one path is a bug, not a user error. */
export function generateArtifacts(model: ClusterModel): Artifact[] {
  const artifacts = generators.flatMap((generate) => generate(model));
  const byPath = new Map<string, Artifact>();
  for (const item of artifacts) {
    if (byPath.has(item.path)) throw new Error(`internal error: two generators write ${item.path}`);
    byPath.set(item.path, item);
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
