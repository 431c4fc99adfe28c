import { HOST_FIELDS, artifact, defineArtifact, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { toDot } from './dot';
import { buildTopology, type Topology } from './graph';
import { loadGraphviz, renderSvgLoaded } from './render';

export { toDot } from './dot';
export { buildTopology, type Topology, type TopologyCluster, type TopologyEdge, type TopologyNode } from './graph';
export { loadGraphviz, renderSvg } from './render';

/** Path of the picture inside out/<cluster>/. */
export const TOPOLOGY_PATH = 'topology.svg';

export const topologyFile = defineArtifact<Topology>({
  id: 'topology/svg',
  pattern: TOPOLOGY_PATH,
  description: "the site's picture: clients, endpoints, load balancers and hosts by role, routes `san-coverage` refuses in red",
  where: 'the cluster',
  reads: [
    ...HOST_FIELDS,
    'spec.kubernetes.controlPlaneEndpoint',
    'spec.kubernetes.users[].server',
    'spec.kubernetes.kubeProxy.server',
    'spec.kubernetes.loadBalancer',
    'spec.harbor.loadBalancer',
  ],
  secretKeys: [],
  consumer: 'people (a browser or the README)',
  format: 'svg',
  // Synchronous once Graphviz is loaded: topologyArtifact loads it first.
  render: (topology) => renderSvgLoaded(toDot(topology)),
});

export const topologyArtifacts = [topologyFile] as const;

/** The site's topology picture, from the model and the artifacts generated for it. */
export async function topologyArtifact(model: ClusterModel, artifacts: readonly Artifact[]): Promise<Artifact<Topology>> {
  await loadGraphviz();
  return artifact(topologyFile, TOPOLOGY_PATH, buildTopology(model, new Map(artifacts.map((item) => [item.path, item]))));
}

/** The site's topology as SVG text. */
export async function renderTopology(model: ClusterModel, artifacts: readonly Artifact[]): Promise<string> {
  return (await topologyArtifact(model, artifacts)).content;
}
