import { loadFixture, variant } from '../../../tests/support/fixtures';
import { generateConsulAgents } from './agent';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const modern = loadFixture('fixtures/modern/cluster.yaml');
const edge = loadFixture('fixtures/edge/cluster.yaml');

const files = (model = seed) => new Map(generateConsulAgents(model).map((file) => [file.path, file]));
const config = (model: typeof seed, host: string) => {
  const file = files(model).get(`hosts/${host}/etc/consul.d/consul.hcl`);
  if (!file) throw new Error(`no consul.hcl for ${host}`);
  return file.content;
};
const unit = (model: typeof seed, host: string) => files(model).get(`hosts/${host}/etc/systemd/system/consul.service`)!.content;
const setting = (hcl: string, key: string) => new RegExp(`^${key}\\s*=\\s*(.+)$`, 'm').exec(hcl)?.[1];
const list = (hcl: string, key: string) => JSON.parse(setting(hcl, key) ?? 'null') as string[] | null;

/** Enough of HCL's shape to catch a broken template: `key = value` lines and balanced blocks. */
function hclShapeProblems(hcl: string): string[] {
  let depth = 0;
  const problems: string[] = [];
  for (const [index, raw] of hcl.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^[a-z_]+ \{$/.test(line)) depth++;
    else if (line === '}') depth--;
    else if (!/^[a-z_]+\s*=\s*("[^"]*"|\d+|true|false|\[("[^"]*"(, )?)*\])$/.test(line)) problems.push(`line ${index + 1}: ${line}`);
    if (depth < 0) problems.push(`line ${index + 1}: unbalanced }`);
  }
  if (depth !== 0) problems.push('unclosed block');
  return problems;
}

describe('Consul agent configuration', () => {
  it('is written on every agent host and nowhere else', () => {
    expect([...files(seed).keys()]).toEqual(
      ['consul-1', 'consul-2', 'consul-3'].flatMap((host) => [`hosts/${host}/etc/consul.d/consul.hcl`, `hosts/${host}/etc/systemd/system/consul.service`]),
    );
    const modernHosts = new Set([...files(modern).keys()].map((path) => path.split('/')[1]));
    expect(modernHosts).toEqual(new Set(modern.consul!.agents.map((host) => host.name)));
    expect(modernHosts.has('worker-1') && !modernHosts.has('harbor-3')).toBe(true);
  });

  it.each([
    ['seed-ha', seed, 'consul-1'],
    ['modern', modern, 'worker-1'],
    ['edge', edge, 'c5'],
  ] as const)('%s: has the shape of HCL (%s)', (_name, model, host) => {
    expect(hclShapeProblems(config(model, host))).toEqual([]);
  });

  it.each`
    fixture      | model     | expected
    ${'seed-ha'} | ${seed}   | ${3}
    ${'modern'}  | ${modern} | ${3}
    ${'edge'}    | ${edge}   | ${5}
  `('$fixture: servers expect $expected servers', ({ model, expected }) => {
    for (const server of model.consul.servers) {
      const hcl = config(model, server.name);
      expect(setting(hcl, 'server')).toBe('true');
      expect(setting(hcl, 'bootstrap_expect')).toBe(String(expected));
    }
  });

  it('every agent, server or client, retries joining every server', () => {
    for (const model of [seed, modern, edge]) {
      const servers = model.consul!.servers.map((server) => server.address);
      for (const agent of model.consul!.agents) expect(list(config(model, agent.name), 'retry_join')).toEqual(servers);
    }
    expect(list(config(edge, 'k1'), 'retry_join')).toEqual(['172.16.3.11', '172.16.3.12', '172.16.3.13', '172.16.3.14', '172.16.3.15']);
    expect(config(seed, 'consul-2')).not.toMatch(/^\s*(start_)?join\b/m);
  });

  it('clients are clients: server = false, no bootstrap_expect, no UI', () => {
    const hcl = config(modern, 'worker-1');
    expect(setting(hcl, 'server')).toBe('false');
    expect(hcl).not.toMatch(/bootstrap_expect|^ui|ui_config/m);
    expect(unit(modern, 'worker-1')).toMatch(/^Description=Consul client agent/m);
  });

  it.each`
    fixture      | model     | host          | form
    ${'seed-ha'} | ${seed}   | ${'consul-1'} | ${'ui = true'}
    ${'edge'}    | ${edge}   | ${'c1'}       | ${'ui = true'}
    ${'modern'}  | ${modern} | ${'consul-1'} | ${'ui_config {\n  enabled = true\n}'}
  `('$fixture ($host): the UI is turned on with the form of its Consul version', ({ model, host, form }) => {
    const hcl = config(model, host);
    expect(hcl).toContain(`\n${form}\n`);
    expect((hcl.match(/^ui(_config)?\b/gm) ?? []).length).toBe(1);
  });

  it('binds gossip to the host address and serves HTTP and DNS on loopback and the host address', () => {
    for (const model of [seed, modern, edge]) {
      for (const agent of model.consul!.agents) {
        const hcl = config(model, agent.name);
        expect(setting(hcl, 'bind_addr')).toBe(`"${agent.address}"`);
        expect(setting(hcl, 'client_addr')).toBe(`"127.0.0.1 ${agent.address}"`);
        expect(setting(hcl, 'node_name')).toBe(`"${agent.name}"`);
        expect(setting(hcl, 'datacenter')).toBe(`"${model.consul!.datacenter}"`);
      }
    }
  });

  it('follows the spec: DNS port, recursors and datacenter', () => {
    const hcl = config(seed, 'consul-3');
    expect(hcl).toMatch(/^ports \{\n {2}dns = 53\n\}$/m);
    expect(list(hcl, 'recursors')).toEqual(['100.100.2.136', '100.100.2.138']);
    const changed = variant('seed-ha', [
      ['dnsPort: 53', 'dnsPort: 8600'],
      ['datacenter: dc1', 'datacenter: dc9'],
      ['recursors: [100.100.2.136, 100.100.2.138]', 'recursors: [1.1.1.1]'],
    ]);
    const other = config(changed, 'consul-3');
    expect(other).toMatch(/^ {2}dns = 8600$/m);
    expect(setting(other, 'datacenter')).toBe('"dc9"');
    expect(list(other, 'recursors')).toEqual(['1.1.1.1']);
  });

  it('DNS on port 53 gets CAP_NET_BIND_SERVICE, a high port does not', () => {
    const low = unit(seed, 'consul-1');
    expect(low).toMatch(/^User=consul$/m);
    expect(low).toMatch(/^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
    const high = unit(variant('seed-ha', [['dnsPort: 53', 'dnsPort: 8600']]), 'consul-1');
    expect(high).not.toContain('AmbientCapabilities');
    expect(high).toMatch(/^ExecStart=\/usr\/local\/bin\/consul agent -config-dir=\/etc\/consul\.d\/$/m);
    expect(high).toMatch(/^Type=notify$/m);
  });

  it('writes the gossip key only as a placeholder, in a file others cannot read', () => {
    expect(setting(config(seed, 'consul-1'), 'encrypt')).toBe('"{{secret:env:CONSUL_GOSSIP_KEY}}"');
    expect(setting(config(edge, 'k2'), 'encrypt')).toBe('"{{secret:file:/etc/clusterspec/secrets/consul-gossip}}"');
    for (const file of generateConsulAgents(modern)) {
      expect(file.content).not.toMatch(/[A-Za-z0-9+/]{43}=/);
      if (file.path.endsWith('consul.hcl')) expect(file.mode).toBe(0o640);
    }
    const renamed = variant('seed-ha', [['{fromEnv: CONSUL_GOSSIP_KEY}', '{fromEnv: SITE_GOSSIP}']]);
    expect(setting(config(renamed, 'consul-1'), 'encrypt')).toBe('"{{secret:env:SITE_GOSSIP}}"');
  });

  it('a Consul too old for HCL config files is refused when the spec loads', () => {
    expect(() => variant('seed-ha', [['version: "1.1.0"\n    datacenter', 'version: "0.9.3"\n    datacenter']])).toThrow(
      /Consul 0\.9\.3 reads no HCL configuration files/,
    );
  });
});

describe('spec.consul.agentOverrides: a hand-made agent reproduced (the Consul lint rules refuse it)', () => {
  const overridden = variant('seed-ha', [
    [
      '    services:\n      - name: httpbackend',
      '    agentOverrides:\n      - host: consul-2\n        retryJoin: [192.168.0.129]\n        datacenter: dc2\n        encrypt: false\n      - host: consul-3\n        bootstrapExpect: 1\n        retryJoin: []\n    services:\n      - name: httpbackend',
    ],
  ]);

  it('replaces exactly the overridden values on exactly that host', () => {
    const consul2 = config(overridden, 'consul-2');
    expect(list(consul2, 'retry_join')).toEqual(['192.168.0.129']);
    expect(setting(consul2, 'datacenter')).toBe('"dc2"');
    expect(setting(consul2, 'encrypt')).toBeUndefined();
    expect(consul2).not.toContain('Gossip encryption key');
    expect(setting(consul2, 'bootstrap_expect')).toBe('3');
    const consul3 = config(overridden, 'consul-3');
    expect(setting(consul3, 'bootstrap_expect')).toBe('1');
    expect(setting(consul3, 'retry_join')).toBeUndefined();
    expect(setting(consul3, 'encrypt')).toBe('"{{secret:env:CONSUL_GOSSIP_KEY}}"');
    expect(config(overridden, 'consul-1')).toBe(config(seed, 'consul-1'));
  });
});
