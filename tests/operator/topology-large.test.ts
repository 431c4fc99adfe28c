/**
 * The topology picture of a 5,000-worker site made by `clusterspec init`: the workers collapse into one node.
 * Here rather than beside the topology package because the site comes from the CLI's init answers, and no
 * package's test imports the CLI (tests/architecture.test.ts).
 */
import { initData, INIT_DEFAULTS } from '@clusterspec/cli';
import { generateArtifacts } from '@clusterspec/generators';
import { loadSpecText } from '@clusterspec/spec';
import { buildTopology, renderTopology } from '@clusterspec/topology';
import { stringify } from 'yaml';

describe('the topology of a 5,000-worker site', () => {
  it('collapses 5,000 workers into one node and stays fast', async () => {
    const text = stringify(initData({ ...INIT_DEFAULTS, name: 'big', workers: 5000 }));
    const model = loadSpecText('big.yaml', Buffer.from(text));
    const artifacts = generateArtifacts(model);
    const topology = buildTopology(model, new Map(artifacts.map((item) => [item.path, item])));
    const nodes = topology.clusters.flatMap((cluster) => cluster.nodes);
    expect(nodes.length).toBeLessThan(20);
    expect(nodes.find((node) => node.kind === 'hosts')?.label).toMatch(/^5,000 hosts\nworker-1 … worker-5000\nworker$/);
    expect(nodes.filter((node) => node.kind === 'client').map((node) => node.label)).toEqual(
      expect.arrayContaining([expect.stringMatching(/5,003 node hosts|5,000 worker hosts/)]),
    );
    const started = Date.now();
    const svg = await renderTopology(model, artifacts);
    expect(Date.now() - started).toBeLessThan(10000);
    // The document's root element, after the XML declaration, comments and doctype Graphviz writes before it.
    expect(svg.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[\s\S]*?>/g, '').trimStart()).toMatch(/^<svg\b/);
  });
});
