import type { Artifact, ClusterModel } from '@clusterspec/spec';
import { toDot } from './dot';
import { buildTopology } from './graph';
import { renderSvg } from './render';

export { toDot } from './dot';
export { buildTopology, type Topology, type TopologyCluster, type TopologyEdge, type TopologyNode } from './graph';
export { renderSvg } from './render';

/** Path of the picture inside out/<cluster>/. */
export const TOPOLOGY_PATH = 'topology.svg';

/** The site's topology as SVG, from the model and the artifacts generated for it. */
export async function renderTopology(model: ClusterModel, artifacts: readonly Artifact[]): Promise<string> {
  return renderSvg(toDot(buildTopology(model, new Map(artifacts.map((item) => [item.path, item])))));
}
