import { lintSite } from '@clusterspec/lint';
import { loadSpec } from '@clusterspec/spec';
import { join } from 'node:path';
import { generateArtifacts } from '@clusterspec/generators';
import { renderTopology } from './index';

const ROOT = join(__dirname, '..', '..', '..');

/** A small XML reader, enough for Graphviz's SVG: elements with attributes and children, text ignored. */
interface Element {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: Element[];
}
function parseXml(text: string): Element {
  const root: Element = { name: '#document', attributes: {}, children: [] };
  const stack = [root];
  const body = text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[\s\S]*?>/g, '');
  for (const match of body.matchAll(/<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/g)) {
    const [, closing, name, attributeText, selfClosing] = match;
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`malformed XML: </${name}> closes <${open?.name}>`);
      continue;
    }
    const attributes = Object.fromEntries(
      [...attributeText.matchAll(/([\w:.-]+)="([^"]*)"/g)].map((pair) => [
        pair[1],
        pair[2].replace(/&#45;/g, '-').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&'),
      ]),
    );
    const element: Element = { name, attributes, children: [] };
    stack[stack.length - 1].children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`malformed XML: <${stack[stack.length - 1].name}> never closed`);
  return root;
}
const all = (element: Element): Element[] => [element, ...element.children.flatMap(all)];
const groups = (svg: Element, kind: string) => all(svg).filter((element) => element.name === 'g' && (element.attributes.class ?? '').split(' ').includes(kind));

async function picture(spec: string) {
  const model = loadSpec(join(ROOT, spec));
  const artifacts = generateArtifacts(model);
  const svg = await renderTopology(model, artifacts);
  return { model, artifacts, svg, xml: parseXml(svg) };
}

/** (endpoint, route) of every san-coverage finding, read from the linter's own messages. */
function sanCoverageRoutes(model: ReturnType<typeof loadSpec>, artifacts: ReturnType<typeof generateArtifacts>): string[] {
  const routes = lintSite(model, artifacts)
    // Its info findings name balancer-path addresses no client dials: the picture draws clients' routes only.
    .filter((diagnostic) => diagnostic.ruleId === 'san-coverage' && diagnostic.severity !== 'info')
    .map((diagnostic) => {
      const match = /dials (\S+):([0-9]+), which reaches (?:([^\s:]+) → ([^\s:]+)|([^\s:]+) directly)/.exec(diagnostic.message);
      if (!match) throw new Error(`unexpected san-coverage message: ${diagnostic.message}`);
      return `rejected:${match[1]}:${match[2]}:${match[3] ?? 'direct'}:${match[4] ?? match[5]}`;
    });
  return [...new Set(routes)].sort();
}

describe('topology.svg', () => {
  it('draws the seed: every host, grouped by role, the balancers and what they front, no red edge, the deploy folder', async () => {
    const { model, xml, svg } = await picture('fixtures/seed-ha/cluster.yaml');
    expect(xml.children.map((element) => element.name)).toEqual(['svg']);
    const hosts = groups(xml, 'host').map((element) => element.attributes.id);
    expect(hosts.sort()).toEqual(model.hosts.map((host) => `host:${host.name}`).sort());
    const balancers = groups(xml, 'lb').map((element) => element.attributes.id);
    expect(balancers).toEqual(expect.arrayContaining(['lb:emei:8443', 'lb:consul-1:8989', 'lb:consul-2:8989']));
    const clusters = groups(xml, 'cluster').map((element) => element.attributes.id);
    expect(clusters).toEqual(
      expect.arrayContaining([
        'cluster:role:control-plane',
        'cluster:role:harbor',
        'cluster:role:consul-server',
        'cluster:balancers',
        'cluster:endpoints',
        'cluster:clients',
      ]),
    );
    // What the apiserver balancer fronts: an edge to each control-plane host.
    const edgeIds = groups(xml, 'edge').map((element) => element.attributes.id);
    for (const host of ['shaolin', 'wudang', 'emei']) expect(edgeIds).toContain(`lb:emei:8443->host:${host}:6443`);
    // kube-proxy on every node is one client node, dialling the endpoint through emei.
    expect(edgeIds).toContain('client:kube-proxy:kubernetes.default.svc:8443->endpoint:kubernetes.default.svc:8443');
    expect(edgeIds).toContain('endpoint:kubernetes.default.svc:8443->lb:emei:8443');
    expect(groups(xml, 'rejected')).toEqual([]);
    expect(all(xml).filter((element) => element.attributes.stroke === 'red')).toEqual([]);
    // The deploy folder: the playbook's order (control plane serial, then the rest) and the inventory.
    expect(
      groups(xml, 'deploy')
        .map((element) => element.attributes.id)
        .sort(),
    ).toEqual(['deploy:inventory', 'deploy:playbook']);
    expect(clusters).toContain('cluster:deploy');
    for (const line of [
      'deploy/site.yml',
      '1. control_plane: one host at a time (serial: 1),',
      'health check before the next',
      '2. every other host',
      'deploy/inventory.yml',
      '8 hosts, a group per role',
    ]) {
      expect(svg).toContain(`>${line}</text>`);
    }
  });

  it('draws in red exactly the routes san-coverage refuses on broken/admin-kubeconfig-lb-ip', async () => {
    const { model, artifacts, xml } = await picture('fixtures/broken/admin-kubeconfig-lb-ip/cluster.yaml');
    const expected = sanCoverageRoutes(model, artifacts);
    expect(expected).toEqual(['rejected:10.27.52.72:8443:emei:shaolin', 'rejected:10.27.52.72:8443:emei:wudang']);
    const red = all(xml)
      .filter((element) => element.name === 'g' && element.children.some((child) => child.name === 'path' && child.attributes.stroke === 'red'))
      .map((element) => element.attributes.id)
      .sort();
    expect(red).toEqual(expected);
    expect(
      groups(xml, 'rejected')
        .map((element) => element.attributes.id)
        .sort(),
    ).toEqual(expected);
  });

  it.each(['fixtures/seed-ha/cluster.yaml', 'fixtures/modern/cluster.yaml', 'fixtures/edge/cluster.yaml'])(
    '%s: red edges are san-coverage findings (none)',
    async (spec) => {
      const { model, artifacts, xml } = await picture(spec);
      expect(
        groups(xml, 'rejected')
          .map((element) => element.attributes.id)
          .sort(),
      ).toEqual(sanCoverageRoutes(model, artifacts));
    },
  );

  it('is byte-identical across runs, with no random ids or timestamps', async () => {
    const first = (await picture('fixtures/modern/cluster.yaml')).svg;
    const second = (await picture('fixtures/modern/cluster.yaml')).svg;
    expect(second).toBe(first);
    expect(first).not.toMatch(/\b20[0-9]{2}-[0-9]{2}-[0-9]{2}T/);
  });
});
