import type { Topology, TopologyNode } from './graph';

/** A DOT string literal: quotes and backslashes escaped, newlines as dot's centred line breaks. */
const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

const SHAPES: Record<TopologyNode['kind'], string> = {
  host: 'shape=box, style="rounded"',
  hosts: 'shape=box3d',
  lb: 'shape=hexagon, style=filled, fillcolor="#e8f0fe"',
  endpoint: 'shape=oval, style=dashed',
  client: 'shape=note',
  external: 'shape=box, style=dotted',
  deploy: 'shape=note, style=filled, fillcolor="#f4f4f4"',
};

/**
 * The topology as Graphviz DOT, left to right: clients, endpoints, balancers, hosts. Every element
 * carries its stable id as the SVG id and a class (host, lb, endpoint, client, rejected), for tests and styling.
 */
export function toDot(topology: Topology): string {
  const lines = [
    `digraph ${quote(topology.name)} {`,
    `  graph [rankdir=LR, fontname="Helvetica", fontsize=12, label=${quote(`${topology.name}: clients, endpoints, load balancers and hosts; red = refused by san-coverage`)}, labelloc=t];`,
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
  ];
  for (const cluster of topology.clusters) {
    lines.push(
      `  subgraph ${quote(`cluster_${cluster.id}`)} {`,
      `    id=${quote(`cluster:${cluster.id}`)}; label=${quote(cluster.label)}; style="rounded"; color="#999999";`,
    );
    for (const node of cluster.nodes)
      lines.push(`    ${quote(node.id)} [id=${quote(node.id)}, class=${quote(node.kind)}, label=${quote(node.label)}, ${SHAPES[node.kind]}];`);
    lines.push('  }');
  }
  for (const edge of topology.edges) {
    const attributes = [`id=${quote(edge.id)}`, `class=${quote(edge.rejected ? 'rejected' : 'route')}`];
    if (edge.label) attributes.push(`label=${quote(edge.label)}`);
    if (edge.rejected) attributes.push('color="red"', 'fontcolor="red"', 'penwidth=2', 'constraint=false');
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)} [${attributes.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
