import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec, loadSpecText, SpecError, type ClusterModel, type Host, type SpecProblem } from './index';
import { MAX_NESTING_DEPTH, MAX_SPEC_BYTES } from './source';
import { derivedVirtualRouterId } from './normalize';

const FIXTURES = join(__dirname, '../../../fixtures');
const SEED_YAML_FILE = join(FIXTURES, 'seed-ha/cluster.yaml');
const SEED_TOML_FILE = join(FIXTURES, 'seed-ha-toml/cluster.toml');
const MODERN_FILE = join(FIXTURES, 'modern/cluster.yaml');

const seedYaml = readFileSync(SEED_YAML_FILE, 'utf8');
const seedToml = readFileSync(SEED_TOML_FILE, 'utf8');

/** Names the spec text in every case; the problems must carry it back. */
const YAML_NAME = 'sites/bad/cluster.yaml';
const TOML_NAME = 'sites/bad/cluster.toml';

/** Replaces one exact snippet; fails loudly if the fixture no longer contains it. */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture does not contain ${JSON.stringify(from)}`);
  return text.replace(from, to);
}
const yamlWith = (from: string, to: string) => edit(seedYaml, from, to);
const tomlWith = (from: string, to: string) => edit(seedToml, from, to);

/** The SpecError a spec text raises; anything else (success, another error) fails the test. */
function specErrorOf(file: string, text: string | Buffer): SpecError {
  try {
    loadSpecText(file, Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'));
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected a SpecError, but the spec loaded');
}

/** The model without what differs between two files of the same site. */
/** The site a model describes: not its name, file or lint settings (seed-ha-toml takes no part in fleet comparisons). */
function siteOf(model: ClusterModel): string {
  const { name: _name, file: _file, locate: _locate, lint: _lint, ...site } = model;
  return JSON.stringify(site);
}

/** A billion-laughs document: ten aliases per level, nine levels, 10^9 strings if expanded. */
function aliasBomb(): string {
  const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level < 9; level += 1) {
    const previous = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
  }
  return `${levels.join('\n')}\n`;
}

describe('loading the seed-ha spec', () => {
  const model = loadSpec(SEED_YAML_FILE);

  it('keeps the site as written', () => {
    expect(model.name).toBe('seed-ha');
    expect(model.file).toBe(SEED_YAML_FILE);
    expect(model.hosts.map((host) => host.name)).toEqual(['shaolin', 'wudang', 'emei', 'node1', 'node2', 'consul-1', 'consul-2', 'consul-3']);
    expect(model.kubernetes.version).toEqual({ major: 1, minor: 6, patch: 2, text: '1.6.2' });
    expect(model.kubernetes.controlPlaneEndpoint).toEqual({ host: 'kubernetes.default.svc', port: 8443, hostIsAddress: false });
    expect(model.kubernetes.controlPlaneHosts.map((host) => host.name)).toEqual(['shaolin', 'wudang', 'emei']);
    expect(model.kubernetes.loadBalancer.hosts.map((host) => host.name)).toEqual(['emei']);
    expect(model.kubernetes.loadBalancer.port).toBe(8443);
  });

  it('derives the apiserver Service IP and cluster DNS from serviceSubnet', () => {
    expect(model.kubernetes.networking.apiServerServiceIP).toBe('10.96.0.1');
    expect(model.kubernetes.networking.clusterDNS).toBe('10.96.0.10');
  });

  it('fills in the defaults the spec leaves out', () => {
    expect(model.kubernetes.bootstrapToken).toEqual({ fromEnv: 'KUBEADM_BOOTSTRAP_TOKEN' });
    expect(model.kubernetes.certificateKey).toEqual({ fromEnv: 'KUBEADM_CERTIFICATE_KEY' });
    expect(model.kubernetes.caCertHash).toEqual({ fromEnv: 'KUBEADM_CA_CERT_HASH' });
    expect(model.kubernetes.users).toEqual([{ name: 'kubernetes-admin', groups: ['system:masters'], clusterRole: 'view' }]);
    expect(model.kubernetes.loadBalancer.virtualIP).toBeUndefined();
    expect(model.kubernetes.workerHosts).toEqual([]);
    expect(model.kubernetes.nodes).toEqual(model.kubernetes.controlPlaneHosts);
  });

  it('locates fields in the source', () => {
    expect(model.locate(['spec', 'hosts', 2, 'address'])).toEqual({ file: SEED_YAML_FILE, line: 20, column: 16 });
    expect(model.locate(['spec', 'kubernetes', 'networking'], 'key')).toEqual({ file: SEED_YAML_FILE, line: 43, column: 5 });
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.hosts)).toBe(true);
    expect(Object.isFrozen(model.hosts[0])).toBe(true);
    expect(Object.isFrozen(model.hosts[0].roles)).toBe(true);
    expect(Object.isFrozen(model.kubernetes.networking)).toBe(true);
    expect(Object.isFrozen(model.kubernetes.users[0].groups)).toBe(true);
    expect(Object.isFrozen(model.harbor)).toBe(true);
    // Test modules run in strict mode, where writing to a frozen object throws.
    expect(() => {
      (model as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (model.hosts as Host[]).push(model.hosts[0]);
    }).toThrow(TypeError);
    expect(model.name).toBe('seed-ha');
  });
});

describe('defaults of a minimal spec', () => {
  const minimal = [
    'apiVersion: clusterspec/v1alpha1',
    'kind: Cluster',
    'metadata: {name: tiny}',
    'spec:',
    '  hosts:',
    '    - {name: one, address: 192.168.1.10, roles: [control-plane, worker]}',
    '  kubernetes:',
    '    version: "1.30.0"',
    '    controlPlaneEndpoint: 192.168.1.10:6443',
    '    networking: {serviceSubnet: 10.32.0.0/24, podSubnet: 10.200.0.0/16}',
    '',
  ].join('\n');
  const model = loadSpecText('tiny.yaml', Buffer.from(minimal));

  it('uses the schema defaults', () => {
    expect(model.kubernetes.networking).toEqual({
      serviceSubnet: '10.32.0.0/24',
      podSubnet: '10.200.0.0/16',
      dnsDomain: 'cluster.local',
      apiServerServiceIP: '10.32.0.1',
      clusterDNS: '10.32.0.10',
    });
    expect(model.kubernetes.apiServer).toEqual({ bindPort: 6443, certSANs: [] });
    expect(model.kubernetes.loadBalancer).toEqual({
      port: 6443,
      engine: 'haproxy',
      addToCertificates: true,
      mode: 'central',
      connectTimeout: '1s',
      proxyTimeout: '10m',
      hosts: [],
    });
    expect(model.kubernetes.schedulableControlPlane).toBe(false);
    // Left out, users is the admin kubeadm's admin.conf names (issue 11, item 16).
    expect(model.kubernetes.users).toEqual([{ name: 'kubernetes-admin', groups: ['system:masters'], clusterRole: 'view' }]);
    expect(model.kubernetes.controlPlaneEndpoint).toEqual({ host: '192.168.1.10', port: 6443, hostIsAddress: true });
    expect(model.harbor).toBeUndefined();
  });
});

describe('users', () => {
  it('an empty list means no user at all', () => {
    const text = [
      'apiVersion: clusterspec/v1alpha1',
      'kind: Cluster',
      'metadata: {name: tiny}',
      'spec:',
      '  hosts: [{name: one, address: 192.168.1.10, roles: [control-plane, worker]}]',
      '  kubernetes: {version: "1.30.0", controlPlaneEndpoint: "192.168.1.10:6443", networking: {serviceSubnet: 10.32.0.0/24, podSubnet: 10.200.0.0/16}, users: []}',
      '',
    ].join('\n');
    expect(loadSpecText('tiny.yaml', Buffer.from(text)).kubernetes.users).toEqual([]);
  });
});

describe('the TOML form of seed-ha', () => {
  const fromYaml = loadSpec(SEED_YAML_FILE);
  const fromToml = loadSpec(SEED_TOML_FILE);

  it('describes the same site as the YAML form', () => {
    expect(fromToml.name).toBe('seed-ha-toml');
    expect(siteOf(fromToml)).toBe(siteOf(fromYaml));
    expect(fromYaml.lint.rules).toEqual({});
    expect(fromToml.lint.rules).toEqual({ 'fleet-collision': 'off' });
  });

  it('locates fields on their TOML lines', () => {
    // The third [[spec.hosts]] table opens on line 24; its address is on line 26.
    expect(fromToml.locate(['spec', 'hosts', 2, 'address'])).toEqual({ file: SEED_TOML_FILE, line: 26, column: 1 });
    expect(fromToml.locate(['spec', 'hosts', 2])).toEqual({ file: SEED_TOML_FILE, line: 24, column: 3 });
    // Keys of an inline table resolve to the key that holds it.
    expect(fromToml.locate(['spec', 'harbor', 'database', 'password', 'fromEnv']).line).toBe(97);
  });
});

describe('the modern fixture', () => {
  const model = loadSpec(MODERN_FILE);

  it('loads the Kubernetes part of the site', () => {
    expect(model.name).toBe('modern');
    expect(model.kubernetes.version.text).toBe('1.34.2');
    expect(model.kubernetes.controlPlaneHosts.map((host) => host.name)).toEqual(['cp-1', 'cp-2', 'cp-3']);
    expect(model.kubernetes.workerHosts.map((host) => host.name)).toEqual(['worker-1', 'worker-2', 'worker-3', 'worker-4']);
    const balancers = model.hosts.filter((host) => host.roles.includes('apiserver-lb'));
    expect(model.kubernetes.loadBalancer).toEqual({
      port: 8443,
      engine: 'nginx',
      virtualIP: {
        address: '10.20.0.10',
        provider: 'keepalived',
        holders: balancers,
        interface: 'ens192',
        virtualRouterId: derivedVirtualRouterId('modern', '10.20.0.10'),
        password: { fromEnv: 'KEEPALIVED_AUTH_PASS' },
      },
      addToCertificates: true,
      mode: 'central',
      connectTimeout: '2s',
      proxyTimeout: '10m',
      hosts: [
        { name: 'lb-1', address: '10.20.0.11', roles: ['apiserver-lb', 'ingress', 'consul-client'] },
        { name: 'lb-2', address: '10.20.0.12', roles: ['apiserver-lb', 'ingress', 'consul-client'] },
      ],
    });
    expect(model.kubernetes.controlPlaneEndpoint).toEqual({ host: 'k8s-api.corp.example', port: 8443, hostIsAddress: false });
    expect(model.kubernetes.apiServer).toEqual({ bindPort: 6443, certSANs: ['kubernetes.corp.example'] });
    expect(model.kubernetes.users.map((user) => [user.name, user.groups, user.clusterRole])).toEqual([
      ['kubernetes-admin', ['system:masters'], 'view'],
      ['alice', ['platform-team'], 'cluster-admin'],
      ['bob', ['auditors'], 'view'],
    ]);
    expect(model.hosts.every((host) => host.address.startsWith('10.20.0.'))).toBe(true);
    expect(model.harbor?.instances.map((host) => host.name)).toEqual(['harbor-1', 'harbor-2']);
    expect(model.harbor?.endpoint).toEqual({ host: 'registry.corp.example', port: 443 });
    expect(model.consul?.servers.map((host) => host.name)).toEqual(['consul-1', 'consul-2', 'consul-3']);
    expect(model.consul?.clients).toHaveLength(11);
    expect(model.docker?.hosts.map((host) => host.name)).toEqual(['worker-1', 'worker-2', 'worker-3', 'worker-4', 'harbor-1', 'harbor-2']);
  });
});

interface BadCase {
  readonly name: string;
  /** The spec text; YAML unless file says .toml. */
  readonly text: () => string | Buffer;
  readonly file?: string;
  /** Picks the problem under test among all reported. */
  readonly message: RegExp;
  readonly line: number;
  readonly column?: number;
  readonly field?: string;
  readonly hint?: RegExp;
  /** Text that must appear nowhere in the error (secrets). */
  readonly never?: string;
}

// Line numbers refer to fixtures/seed-ha/cluster.yaml and fixtures/seed-ha-toml/cluster.toml.
// YAML problems point at the value (or, for key problems, the key); TOML ones at the key,
// since the TOML parser keeps no positions and lines are recovered from the text.
const badCases: BadCase[] = [
  {
    name: 'keepalived with no apiserver-lb host to run on',
    text: () =>
      yamlWith('      roles: [control-plane, apiserver-lb]', '      roles: [control-plane]').replace(
        '      port: 8443\n',
        '      port: 8443\n      virtualAddress: 10.27.52.9\n      provider: keepalived\n',
      ),
    message: /^keepalived moves the virtual address between apiserver-lb hosts, and no host has that role$/,
    hint: /provider kube-vip/,
    line: 53,
    column: 17,
    field: 'spec.kubernetes.loadBalancer.provider',
  },
  {
    name: 'kube-vip without kubeadm (Kubernetes 1.6)',
    text: () => yamlWith('      port: 8443\n', '      port: 8443\n      virtualAddress: 10.27.52.9\n      provider: kube-vip\n'),
    message: /^kube-vip runs as a static pod .* not set up by kubeadm/,
    hint: /provider keepalived/,
    line: 53,
    column: 17,
  },
  {
    name: 'a provider setting without a virtual address',
    text: () => yamlWith('      port: 8443\n', '      port: 8443\n      provider: keepalived\n'),
    message: /^provider has no effect without loadBalancer\.virtualAddress$/,
    line: 52,
    column: 17,
  },
  {
    name: 'per-node mode on a port the apiserver does not use',
    text: () => yamlWith('      port: 8443\n', '      port: 8443\n      mode: per-node\n'),
    message: /^per-node mode: kube-proxy's one configuration dials 127\.0\.0\.1:8443 .* bindPort 6443$/,
    hint: /set loadBalancer\.port to 6443/,
    line: 52,
    column: 13,
    field: 'spec.kubernetes.loadBalancer.mode',
  },
  // issue 14: the ingress's tcp ports and the Consul agent overrides.
  {
    name: 'consul.ingress.tcpPorts upside down',
    text: () => yamlWith('      domain: tonybai.com\n', '      domain: tonybai.com\n      tcpPorts: {from: 30000, to: 20000}\n'),
    message: /^from 30000 is above to 20000$/,
    field: 'spec.consul.ingress.tcpPorts',
    line: 88,
    column: 17,
  },
  {
    name: 'a declared tcp service outside the dynamic ingress port range',
    text: () => yamlWith('      domain: tonybai.com\n', '      domain: tonybai.com\n      tcpPorts: {from: 20000, to: 29999}\n'),
    message: /^service "tcpfront-9999" is published on port 9999, outside consul\.ingress\.tcpPorts \(20000-29999\), so the dynamic ingress would skip it$/,
    hint: /rename it to a port inside the range, or widen consul\.ingress\.tcpPorts/,
    field: 'spec.consul.services[2].name',
    line: 96,
  },
  {
    name: 'an agent override naming a host without an agent',
    text: () =>
      yamlWith(
        '    services:\n      - name: httpbackend',
        '    agentOverrides:\n      - host: emei\n        encrypt: false\n    services:\n      - name: httpbackend',
      ),
    message: /^host "emei" runs no Consul agent$/,
    field: 'spec.consul.agentOverrides[0].host',
    line: 91,
  },
  {
    name: 'an agent override naming no host of the spec',
    text: () =>
      yamlWith(
        '    services:\n      - name: httpbackend',
        '    agentOverrides:\n      - host: consul-9\n        encrypt: false\n    services:\n      - name: httpbackend',
      ),
    message: /^host "consul-9" is not defined$/,
    line: 91,
  },
  {
    name: 'bootstrapExpect on a host that is not a server',
    text: () =>
      yamlWith(
        '    services:\n      - name: httpbackend',
        '    agentOverrides:\n      - host: consul-2\n        bootstrapExpect: 3\n      - host: consul-2\n        datacenter: dc2\n    services:\n      - name: httpbackend',
      ).replace(
        '- name: consul-2\n      address: 192.168.0.130\n      roles: [consul-server, ingress]',
        '- name: consul-2\n      address: 192.168.0.130\n      roles: [consul-client, ingress]',
      ),
    message: /^host "consul-2" is not a Consul server: bootstrap_expect is a server setting$/,
    field: 'spec.consul.agentOverrides[0].bootstrapExpect',
    line: 92,
  },
  {
    name: 'two overrides for one agent',
    text: () =>
      yamlWith(
        '    services:\n      - name: httpbackend',
        '    agentOverrides:\n      - host: consul-2\n        encrypt: false\n      - host: consul-2\n        datacenter: dc2\n    services:\n      - name: httpbackend',
      ),
    message: /^host "consul-2" has two entries$/,
    field: 'spec.consul.agentOverrides[1].host',
    line: 93,
  },
  {
    name: 'Kubernetes version between the legacy and kubeadm flows',
    text: () => yamlWith('version: "1.6.2"', 'version: "1.10.0"'),
    message: /^Kubernetes 1\.10\.0 is not supported$/,
    hint: /1\.6\.x and 1\.15–1\.34: .*1\.15 and later are set up by kubeadm/,
    line: 39,
    column: 14,
  },
  {
    name: 'Kubernetes newer than the newest known release (1.43 typed for 1.34)',
    text: () => yamlWith('version: "1.6.2"', 'version: "1.43.0"'),
    message: /^Kubernetes 1\.43\.0 is not supported: it is newer than 1\.34, the newest release whose files were checked$/,
    hint: /use Kubernetes 1\.34 or an older supported release/,
    line: 39,
    column: 14,
  },
  {
    name: 'the consul DNS word without a consul section',
    text: () =>
      seedYaml
        .replaceAll('      roles: [consul-server, ingress]\n', '      roles: [worker]\n')
        .replace('      roles: [consul-server]\n', '      roles: [worker]\n')
        .replace(/\n {2}consul:\n[\s\S]*?\n\n {2}docker:/, '\n\n  docker:'),
    message: /^"consul" needs a spec\.consul section to answer DNS$/,
    field: 'spec.docker.dns[0]',
    line: 84,
  },
  {
    name: 'harbor hosts without a harbor section',
    text: () => yamlWith('\n  harbor:\n', '\n  unused:\n').replace(/\n {2}unused:\n[\s\S]*?\n\n {2}consul:/, '\n\n  consul:'),
    message: /^host "node1" has the harbor role but the spec has no harbor section$/,
    line: 24,
  },
  // --- reading the file
  { name: 'empty file', text: () => '', message: /^the file is empty$/, line: 1, column: 1 },
  // A file with nothing but blanks or comments is as empty as one of no bytes (issue 11, item 13).
  { name: 'whitespace-only file', text: () => ' \n\n   \n', message: /^the file is empty$/, hint: /only blank lines and comments/, line: 1, column: 1 },
  { name: 'comment-only file', text: () => '# the site, one day\n\n', message: /^the file is empty$/, line: 1, column: 1 },
  { name: 'a lone document marker', text: () => '---\n', message: /^the file is empty$/, line: 1, column: 1 },
  { name: 'whitespace-only TOML file', file: TOML_NAME, text: () => '  \n# nothing\n\n', message: /^the file is empty$/, line: 1, column: 1 },
  { name: 'a bare null', text: () => 'null\n', message: /^the spec must be a mapping of apiVersion, kind, metadata and spec, not null$/, line: 1, column: 1 },
  {
    name: 'a top-level list',
    text: () => '- a\n- b\n',
    message: /^the spec must be a mapping of apiVersion, kind, metadata and spec, not a list$/,
    line: 1,
    column: 1,
  },
  // Nesting deeper than any spec needs is refused before the parser recurses (issue 11, item 13).
  {
    name: '[ x 100,000',
    text: () => '['.repeat(100000),
    message: /^nested more than 64 levels deep$/,
    hint: /a cluster spec nests about 7 levels/,
    line: 1,
    column: 65,
  },
  {
    name: 'balanced flow lists 100 deep',
    text: () => `${'['.repeat(100)}${']'.repeat(100)}\n`,
    message: /^nested more than 64 levels deep$/,
    line: 1,
    column: 65,
  },
  { name: 'flow mappings 100,000 deep', text: () => '{a: '.repeat(100000), message: /^nested more than 64 levels deep$/, line: 1, column: 257 },
  {
    name: 'block mappings 1,000 deep',
    text: () => `${Array.from({ length: 1000 }, (_, depth) => `${' '.repeat(depth)}a:`).join('\n')} 1\n`,
    message: /^nested more than 64 levels deep$/,
    line: 65,
    column: 65,
  },
  {
    name: 'TOML arrays 100,000 deep',
    file: TOML_NAME,
    text: () => `a = ${'['.repeat(100000)}${']'.repeat(100000)}\n`,
    message: /^nested more than 64 levels deep$/,
    line: 1,
    column: 69,
  },
  {
    name: 'TOML inline tables 100 deep',
    file: TOML_NAME,
    text: () => `\na = ${'{a = '.repeat(100)}1${'}'.repeat(100)}\n`,
    message: /^nested more than 64 levels deep$/,
    line: 2,
    column: 325,
  },
  {
    name: 'TOML table header 10,000 keys deep',
    file: TOML_NAME,
    text: () => `[${Array(10000).fill('a').join('.')}]\n`,
    message: /^nested more than 64 levels deep$/,
    line: 1,
    column: 131,
  },
  // Ten inline tables of ten dotted keys each: no bracket or key alone is deep, the value is 102 levels down.
  {
    name: 'TOML dotted keys inside inline tables',
    file: TOML_NAME,
    text: () => `\na = ${'{b.b.b.b.b.b.b.b.b.b = '.repeat(10)}1${'}'.repeat(10)}\n`,
    message: /^nested more than 64 levels deep$/,
    line: 2,
    column: 1,
  },
  {
    name: 'TOML brackets inside strings and comments are not nesting',
    file: TOML_NAME,
    text: () => `a = "${'['.repeat(100)}" # ${'{'.repeat(100)}\nb = '''${'['.repeat(100)}'''\n`,
    message: /^missing required key "apiVersion"$/,
    line: 1,
    column: 1,
  },
  {
    name: 'bytes that are not UTF-8 (Latin-1 in a comment on line 3)',
    text: () =>
      Buffer.concat([Buffer.from('apiVersion: clusterspec/v1alpha1\nkind: Cluster\n# caf'), Buffer.from([0xe9]), Buffer.from('\nmetadata: {name: x}\n')]),
    message: /not valid UTF-8/,
    line: 3,
    column: 1,
  },
  {
    name: 'over-size file',
    text: () => Buffer.alloc(MAX_SPEC_BYTES + 1, 0x20),
    message: new RegExp(`is ${MAX_SPEC_BYTES + 1} bytes, over the ${MAX_SPEC_BYTES}-byte limit`),
    line: 1,
    column: 1,
  },

  // --- YAML and TOML syntax
  {
    name: 'YAML duplicate key',
    text: () => yamlWith('      port: 8443\n', '      port: 8443\n      port: 9443\n'),
    message: /^duplicate key "port": a key may appear only once/,
    line: 52,
    column: 7,
  },
  {
    name: 'YAML tab indentation',
    text: () => yamlWith('  name: seed-ha\n', '\tname: seed-ha\n'),
    message: /YAML syntax: Tabs are not allowed as indentation/,
    line: 10,
    column: 1,
  },
  { name: 'YAML unterminated quote', text: () => yamlWith('version: "1.6.2"', 'version: "1.6.2'), message: /YAML syntax: Missing closing "quote/, line: 39 },
  {
    name: 'YAML alias bomb',
    text: aliasBomb,
    message: /YAML aliases expand too far/,
    hint: /write the values out/,
    line: 1,
    column: 1,
  },
  { name: 'TOML duplicate key', file: TOML_NAME, text: () => tomlWith('port = 8443\n', 'port = 8443\nport = 9443\n'), message: /^duplicate key/, line: 71 },
  {
    name: 'TOML table defined twice',
    file: TOML_NAME,
    text: () => tomlWith('[spec.kubernetes.controlPlane]\n', '[spec.kubernetes.networking]\n'),
    message: /^duplicate key: a key or table may be defined only once/,
    line: 74,
  },
  {
    name: 'TOML syntax error (unquoted string)',
    file: TOML_NAME,
    text: () => tomlWith('dnsDomain = "cluster.local"', 'dnsDomain = cluster.local'),
    message: /^TOML syntax: Unexpected character/,
    line: 63,
    column: 13,
  },

  // --- schema: keys
  {
    name: 'unknown key in a host',
    text: () => yamlWith('      address: 10.24.138.208', '      adress: 10.24.138.208'),
    message: /^unknown key "adress"; did you mean "address"\?$/,
    hint: /allowed keys here: address, apiServerCertificateFrom, labels, name, roles, taints/,
    field: 'spec.hosts[1].adress',
    line: 17,
    column: 7,
  },
  {
    name: 'unknown key in kubernetes',
    text: () => yamlWith('    networking:\n', '    netwrking:\n'),
    message: /^unknown key "netwrking"; did you mean "networking"\?$/,
    field: 'spec.kubernetes.netwrking',
    line: 43,
    column: 5,
  },
  {
    name: 'unknown key at the top level',
    text: () => yamlWith('metadata:', 'metdata:'),
    message: /^unknown key "metdata"; did you mean "metadata"\?$/,
    field: 'metdata',
    line: 9,
    column: 1,
  },
  {
    name: 'unknown key named like one of its ancestors',
    text: () => yamlWith('    version: "1.6.2"\n', '    version: "1.6.2"\n    kubernetes: {}\n'),
    message: /^unknown key "kubernetes"$/,
    field: 'spec.kubernetes.kubernetes',
    line: 40,
    column: 5,
  },
  {
    name: 'missing required key',
    text: () => yamlWith('      podSubnet: 172.32.0.0/16\n', ''),
    message: /^missing required key "podSubnet"$/,
    field: 'spec.kubernetes.networking',
    line: 43,
    column: 5,
  },
  // The root mapping starts after the header comment, on line 7.
  { name: 'missing top-level key', text: () => yamlWith('kind: Cluster\n', ''), message: /^missing required key "kind"$/, line: 7, column: 1 },
  {
    name: 'wrong apiVersion',
    text: () => yamlWith('apiVersion: clusterspec/v1alpha1', 'apiVersion: clusterspec/v1'),
    message: /^"clusterspec\/v1" is not a shape of the spec this clusterspec reads \(clusterspec\/v1alpha1\)$/,
    hint: /a spec written for a newer clusterspec needs that version of @clusterspec\/cli \(npm install\); otherwise write "clusterspec\/v1alpha1"/,
    line: 7,
    column: 13,
  },

  // --- schema: values
  {
    name: 'invalid IPv4 address',
    text: () => yamlWith('address: 10.28.61.30', 'address: 10.0.0.300'),
    message: /^"10\.0\.0\.300" is not a valid ipv4 address$/,
    field: 'spec.hosts[4].address',
    line: 26,
    column: 16,
  },
  {
    name: 'unknown role',
    text: () => yamlWith('      roles: [harbor]\n    - name: node2', '      roles: [harbour]\n    - name: node2'),
    message: /^"harbour" is not allowed$/,
    hint: /^use one of: control-plane, worker, apiserver-lb, harbor, consul-server, consul-client, ingress$/,
    field: 'spec.hosts[3].roles[0]',
    line: 24,
    column: 15,
  },
  {
    name: 'secret written as a plain value',
    text: () => yamlWith('password: {fromEnv: HARBOR_DB_PASSWORD}', 'password: Tr0ub4dor-and-3'),
    message: /^a secret must be given by reference, not as a value \(load\/secret-by-reference\)$/,
    field: 'spec.harbor.database.password',
    line: 73,
    column: 17,
    never: 'Tr0ub4dor',
  },
  // A bad reference says what is wrong with it, never echoing it (issue 11, item 10).
  {
    name: 'secret file path climbing out with ..',
    text: () => yamlWith('password: {fromEnv: HARBOR_DB_PASSWORD}', 'password: {fromFile: ../../etc/shadow}'),
    message: /^the path has a "\.\." segment$/,
    hint: /without "\." or "\.\." segments/,
    field: 'spec.harbor.database.password.fromFile',
    line: 73,
    column: 28,
    never: 'shadow',
  },
  {
    name: 'secret file path starting with ./',
    text: () => yamlWith('password: {fromEnv: HARBOR_DB_PASSWORD}', 'password: {fromFile: ./x}'),
    message: /^the path has a "\." segment$/,
    hint: /without "\." or "\.\." segments/,
    field: 'spec.harbor.database.password.fromFile',
    line: 73,
  },
  {
    name: 'secret file path with a blank',
    text: () => yamlWith('password: {fromEnv: HARBOR_DB_PASSWORD}', 'password: {fromFile: "/run/my secret"}'),
    message: /^character 8 of the path is a blank$/,
    hint: /^allowed: names of letters, digits, "_", "\." and "-" joined by "\/"/,
    field: 'spec.harbor.database.password.fromFile',
    line: 73,
  },
  {
    name: 'secret environment variable name with a blank',
    text: () => yamlWith('password: {fromEnv: HARBOR_DB_PASSWORD}', 'password: {fromEnv: "A B"}'),
    message: /^character 2 of the name is a blank$/,
    hint: /for example HARBOR_DB_PASSWORD/,
    field: 'spec.harbor.database.password.fromEnv',
    line: 73,
    column: 27,
  },
  {
    name: 'secret environment variable name starting with a digit',
    text: () => yamlWith('password: {fromEnv: HARBOR_DB_PASSWORD}', 'password: {fromEnv: 1PASSWORD}'),
    message: /^the name starts with a digit$/,
    hint: /not starting with a digit/,
    line: 73,
  },
  {
    name: 'secret reference with both sources',
    text: () => yamlWith('password: {fromEnv: HARBOR_DB_PASSWORD}', 'password: {fromFile: /x, fromEnv: Y}'),
    message: /^a secret reference names one source, fromEnv or fromFile, not both$/,
    hint: /keep one/,
    field: 'spec.harbor.database.password',
    line: 73,
    column: 17,
  },
  {
    name: 'secret reference with an unknown source',
    text: () => yamlWith('password: {fromEnv: HARBOR_DB_PASSWORD}', 'password: {from_env: DB}'),
    message: /^a secret reference takes fromEnv or fromFile, not "from_env"; did you mean "fromEnv"\?$/,
    line: 73,
  },
  {
    name: 'secret reference with no source',
    text: () => yamlWith('password: {fromEnv: HARBOR_DB_PASSWORD}', 'password: {}'),
    message: /^a secret reference needs fromEnv or fromFile$/,
    line: 73,
  },
  {
    name: 'TOML secret file path climbing out with ..',
    file: TOML_NAME,
    text: () => tomlWith('password = { fromEnv = "HARBOR_DB_PASSWORD" }', 'password = { fromFile = "../../etc/shadow" }'),
    message: /^the path has a "\.\." segment$/,
    line: 97,
  },
  // A value out of form is told the allowed form and an example, not the field's description (issue 11, item 11).
  {
    name: 'user name with a blank',
    text: () => yamlWith('- name: kubernetes-admin', '- name: "adm in"'),
    message: /^"adm in" is not in the expected form$/,
    hint: /^allowed: lower-case letters, digits, "\.", ":" and "-", starting and ending with a letter or digit, at most 63 characters; for example kubernetes-admin$/,
    field: 'spec.kubernetes.users[0].name',
    line: 57,
  },
  {
    name: 'group written as a certificate subject',
    text: () => yamlWith('groups: [system:masters]', 'groups: ["O=evil,CN=x"]'),
    message: /^"O=evil,CN=x" is not in the expected form$/,
    hint: /^allowed: .*; for example system:masters$/,
    field: 'spec.kubernetes.users[0].groups[0]',
    line: 58,
  },
  {
    name: 'controlPlaneEndpoint without a port',
    text: () => yamlWith('controlPlaneEndpoint: kubernetes.default.svc:8443', 'controlPlaneEndpoint: kubernetes.default.svc'),
    message: /^"kubernetes\.default\.svc" is not in the expected form$/,
    hint: /host:port/,
    line: 42,
    column: 27,
  },
  {
    name: 'port out of range (bindPort)',
    text: () => yamlWith('bindPort: 6443', 'bindPort: 70000'),
    message: /^70000 must be <= 65535$/,
    field: 'spec.kubernetes.apiServer.bindPort',
    line: 48,
    column: 17,
  },
  {
    name: 'port given as a string',
    text: () => yamlWith('      port: 8443\n', '      port: "8443"\n'),
    message: /^"8443" must be integer$/,
    line: 51,
    column: 13,
  },

  // --- semantic checks
  {
    name: 'controlPlaneEndpoint with a bad address',
    text: () => yamlWith('controlPlaneEndpoint: kubernetes.default.svc:8443', 'controlPlaneEndpoint: 300.1.1.1:6443'),
    message: /^"300\.1\.1\.1" is not a valid IPv4 address$/,
    field: 'spec.kubernetes.controlPlaneEndpoint',
    line: 42,
    column: 27,
  },
  {
    name: 'controlPlaneEndpoint port out of range',
    text: () => yamlWith('controlPlaneEndpoint: kubernetes.default.svc:8443', 'controlPlaneEndpoint: kubernetes.default.svc:99999'),
    message: /^port 99999 is out of range$/,
    line: 42,
    column: 27,
  },
  {
    name: 'duplicate host name',
    text: () => yamlWith('    - name: node2', '    - name: node1'),
    message: /^host name "node1" is already used by the host on line 22$/,
    field: 'spec.hosts[4].name',
    line: 25,
    column: 13,
  },
  {
    name: 'duplicate address',
    text: () => yamlWith('address: 10.28.61.30', 'address: 10.47.217.91'),
    message: /^address 10\.47\.217\.91 is already used by host "node1" \(line 23\)$/,
    line: 26,
    column: 16,
  },
  {
    name: 'CIDR that is not a CIDR',
    text: () => yamlWith('podSubnet: 172.32.0.0/16', 'podSubnet: 172.32.0.0'),
    message: /^"172\.32\.0\.0" is not an IPv4 CIDR/,
    line: 45,
    column: 18,
  },
  {
    name: 'CIDR with host bits set',
    text: () => yamlWith('podSubnet: 172.32.0.0/16', 'podSubnet: 172.32.0.1/16'),
    message: /^"172\.32\.0\.1\/16" has host bits set; the network address is 172\.32\.0\.0\/16$/,
    line: 45,
    column: 18,
  },
  {
    name: 'podSubnet overlapping serviceSubnet',
    text: () => yamlWith('podSubnet: 172.32.0.0/16', 'podSubnet: 10.100.0.0/16'),
    message: /^"10\.100\.0\.0\/16" overlaps serviceSubnet "10\.96\.0\.0\/12"$/,
    field: 'spec.kubernetes.networking.podSubnet',
    line: 45,
    column: 18,
  },
  {
    name: 'serviceSubnet too small',
    text: () => yamlWith('serviceSubnet: 10.96.0.0/12', 'serviceSubnet: 10.96.0.0/29'),
    message: /^"10\.96\.0\.0\/29" holds fewer than 16 addresses/,
    line: 44,
    column: 22,
  },
  {
    name: 'host address inside serviceSubnet',
    text: () => yamlWith('address: 10.28.61.30', 'address: 10.96.0.5'),
    message: /^address 10\.96\.0\.5 lies inside serviceSubnet 10\.96\.0\.0\/12$/,
    line: 26,
    column: 16,
  },
  {
    name: 'undefined host in harbor.loadBalancer.hosts',
    text: () => yamlWith('hosts: [consul-1, consul-2]', 'hosts: [consul-1, consul-9]'),
    message: /^host "consul-9" is not defined in spec\.hosts$/,
    field: 'spec.harbor.loadBalancer.hosts[1]',
    line: 65,
    column: 25,
  },
  {
    name: 'undefined host in docker.hosts',
    text: () => yamlWith('    hosts: all', '    hosts: [node1, node3]'),
    message: /^host "node3" is not defined in spec\.hosts$/,
    hint: /use one of: shaolin, wudang, emei, node1, node2, consul-1, consul-2, consul-3/,
    field: 'spec.docker.hosts[1]',
    line: 99,
    column: 20,
  },
  {
    name: 'no control-plane host',
    text: () =>
      yamlWith('      roles: [control-plane]\n    - name: wudang', '      roles: [worker]\n    - name: wudang')
        .replace('      roles: [control-plane]\n    - name: emei', '      roles: [worker]\n    - name: emei')
        .replace('roles: [control-plane, apiserver-lb]', 'roles: [apiserver-lb]'),
    message: /^no host has the control-plane role$/,
    field: 'spec.hosts',
    line: 13,
    column: 5,
  },
  {
    name: 'duplicate user',
    text: () => yamlWith('        groups: [system:masters]\n', '        groups: [system:masters]\n      - name: kubernetes-admin\n        groups: [ops]\n'),
    message: /^user "kubernetes-admin" is defined twice$/,
    field: 'spec.kubernetes.users[1].name',
    line: 59,
    column: 15,
  },
  {
    name: 'group bound to two ClusterRoles',
    text: () =>
      yamlWith(
        '        groups: [system:masters]\n',
        '        groups: [system:masters]\n      - name: alice\n        groups: [ops]\n        clusterRole: edit\n      - name: bob\n        groups: [ops]\n        clusterRole: view\n',
      ),
    message: /^group "ops" is bound to "edit" by user "alice" and to "view" here$/,
    field: 'spec.kubernetes.users[2].clusterRole',
    line: 64,
    column: 22,
  },

  // --- TOML: validation problems land on the line of the key
  {
    name: 'TOML bad address in the third [[spec.hosts]]',
    file: TOML_NAME,
    text: () => tomlWith('address = "10.27.52.72"', 'address = "10.27.52.720"'),
    message: /^"10\.27\.52\.720" is not a valid ipv4 address$/,
    field: 'spec.hosts[2].address',
    line: 26,
    column: 1,
  },
  {
    name: 'TOML unknown key in the third [[spec.hosts]]',
    file: TOML_NAME,
    text: () => tomlWith('address = "10.27.52.72"', 'adress = "10.27.52.72"'),
    message: /^unknown key "adress"; did you mean "address"\?$/,
    line: 26,
    column: 1,
  },
  {
    name: 'TOML missing key reported at the table header',
    file: TOML_NAME,
    text: () => tomlWith('address = "10.27.52.72"\n', ''),
    message: /^missing required key "address"$/,
    field: 'spec.hosts[2]',
    line: 24,
    column: 3,
  },
  {
    name: 'TOML duplicate host name',
    file: TOML_NAME,
    text: () => tomlWith('name = "node2"', 'name = "wudang"'),
    message: /^host name "wudang" is already used by the host on line 20$/,
    line: 35,
    column: 1,
  },
  {
    name: 'TOML secret written as a plain value',
    file: TOML_NAME,
    text: () => tomlWith('password = { fromEnv = "HARBOR_DB_PASSWORD" }', 'password = "correct-horse-battery"'),
    message: /^a secret must be given by reference, not as a value \(load\/secret-by-reference\)$/,
    line: 97,
    column: 1,
    never: 'correct-horse',
  },
  {
    name: 'TOML group bound to two ClusterRoles, the second by default',
    file: TOML_NAME,
    text: () =>
      tomlWith(
        'groups = ["system:masters"]\n',
        'groups = ["system:masters"]\n\n[[spec.kubernetes.users]]\nname = "alice"\ngroups = ["ops"]\nclusterRole = "edit"\n\n[[spec.kubernetes.users]]\nname = "bob"\ngroups = ["ops"]\n',
      ),
    message: /^group "ops" is bound to "edit" by user "alice" and to "view" here$/,
    // bob has no clusterRole line: the problem falls back to his [[spec.kubernetes.users]] header.
    line: 86,
    column: 3,
  },
];

describe('bad specs', () => {
  it('has enough cases', () => {
    expect(badCases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(badCases)('$name', (bad) => {
    const file = bad.file ?? YAML_NAME;
    const error = specErrorOf(file, bad.text());
    const problem: SpecProblem | undefined = error.problems.find((candidate) => bad.message.test(candidate.message));
    if (!problem) throw new Error(`no problem matches ${bad.message}; got:\n${error.message}`);
    expect(problem.file).toBe(file);
    expect(problem.line).toBe(bad.line);
    if (bad.column !== undefined) expect(problem.column).toBe(bad.column);
    if (bad.field !== undefined) expect(problem.field).toBe(bad.field);
    if (bad.hint) expect(problem.hint).toMatch(bad.hint);
    if (bad.never) expect(error.message).not.toContain(bad.never);
    // The formatted error leads with file:line:column, as compilers do.
    expect(error.message).toContain(`${file}:${problem.line}:${problem.column}: error: `);
  });

  it('accepts nesting of exactly MAX_NESTING_DEPTH levels as far as depth goes', () => {
    const messages = (file: string, text: string) => specErrorOf(file, text).problems.map((problem) => problem.message);
    expect(messages(YAML_NAME, `${'['.repeat(MAX_NESTING_DEPTH)}${']'.repeat(MAX_NESTING_DEPTH)}\n`)).toEqual([
      'the spec must be a mapping of apiVersion, kind, metadata and spec, not a list',
    ]);
    // The root table is one level, the array under a the second.
    expect(messages(TOML_NAME, `a = ${'['.repeat(MAX_NESTING_DEPTH - 1)}${']'.repeat(MAX_NESTING_DEPTH - 1)}\n`)).not.toContain(
      `nested more than ${MAX_NESTING_DEPTH} levels deep`,
    );
    expect(messages(TOML_NAME, `a = ${'['.repeat(MAX_NESTING_DEPTH)}${']'.repeat(MAX_NESTING_DEPTH)}\n`)).toContain(
      `nested more than ${MAX_NESTING_DEPTH} levels deep`,
    );
  });

  it('stops an alias bomb quickly', () => {
    const started = Date.now();
    expect(() => loadSpecText(YAML_NAME, Buffer.from(aliasBomb()))).toThrow(/YAML aliases expand too far/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('accepts a file of exactly MAX_SPEC_BYTES', () => {
    const padding = MAX_SPEC_BYTES - Buffer.byteLength(seedYaml) - 2;
    const text = `${seedYaml}#${'x'.repeat(padding)}\n`;
    expect(Buffer.byteLength(text)).toBe(MAX_SPEC_BYTES);
    expect(loadSpecText(YAML_NAME, Buffer.from(text)).name).toBe('seed-ha');
  });

  it('reports every problem of a spec at once, in file order', () => {
    const text = yamlWith('address: 10.28.61.30', 'address: 10.0.0.300').replace('bindPort: 6443', 'bindPort: 0');
    const lines = specErrorOf(YAML_NAME, text).problems.map((problem) => problem.line);
    expect(lines).toEqual([26, 48]);
  });
});

describe('built-in groups', () => {
  it('never conflict: Kubernetes binds them itself, so users may share them with any clusterRole', () => {
    const text = seedYaml.replace(
      '        groups: [system:masters]\n',
      '        groups: [system:masters]\n      - name: second-admin\n        groups: [system:masters]\n        clusterRole: cluster-admin\n',
    );
    expect(text).not.toBe(seedYaml);
    expect(loadSpecText('built-in.yaml', Buffer.from(text)).kubernetes.users.map((user) => user.name)).toEqual(['kubernetes-admin', 'second-admin']);
  });
});

describe('certificate validity (kubernetes.certificates)', () => {
  const modernYaml = readFileSync(MODERN_FILE, 'utf8');
  const withCertificates = (text: string, anchor: string, block: string) => edit(text, anchor, `${anchor}    certificates:\n${block}`);

  it("defaults to kubeadm's one year, ten-year CA and a 30-day warning, set by nothing", () => {
    expect(loadSpec(SEED_YAML_FILE).kubernetes.certificates).toEqual({ validityDays: 365, caValidityDays: 3650, expiryWarningDays: 30, setInSpec: [] });
  });

  it('takes validity on 1.31+ (kubeadm v1beta4) and in the legacy flow (sign.sh -days)', () => {
    const modern = loadSpecText(
      YAML_NAME,
      Buffer.from(withCertificates(modernYaml, '  kubernetes:\n', '      validityDays: 90\n      caValidityDays: 1825\n      expiryWarningDays: 14\n')),
    );
    expect(modern.kubernetes.certificates).toEqual({
      validityDays: 90,
      caValidityDays: 1825,
      expiryWarningDays: 14,
      setInSpec: ['validityDays', 'caValidityDays'],
    });
    const seed = loadSpecText(YAML_NAME, Buffer.from(withCertificates(seedYaml, '  kubernetes:\n', '      validityDays: 180\n')));
    expect(seed.kubernetes.certificates.validityDays).toBe(180);
  });

  it('refuses validity on kubeadm before 1.31, which fixes it, at the field', () => {
    const text = withCertificates(modernYaml.replace('version: "1.34.2"', 'version: "1.30.4"'), '  kubernetes:\n', '      caValidityDays: 1825\n');
    const [problem] = specErrorOf(YAML_NAME, text).problems;
    expect(problem.message).toBe(
      'kubeadm before 1.31 cannot set certificate validity (certificateValidityPeriod came with config v1beta4): Kubernetes 1.30.4 issues certificates for one year and its CA for ten',
    );
    expect(problem.field).toBe('spec.kubernetes.certificates.caValidityDays');
    expect(problem.line).toBe(text.split('\n').findIndex((line) => line.includes('caValidityDays: 1825')) + 1);
  });
});
