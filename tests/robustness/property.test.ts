/**
 * Hostile input, property-based (fast-check): thousands of random specs through the CLI's loader.
 *
 * (a) valid-ish specs built from arbitraries (host names, addresses, roles, supported versions, ports,
 *     services, optional harbor/consul/docker), as YAML or TOML;
 * (b) mutations of those: one field replaced by garbage (wrong types, huge numbers, unicode, `..`, `/`,
 *     quotes, `;`, `{`, `}`, `#`, newlines), a key dropped or an unknown one added;
 * (c) random text: YAML/TOML-looking lines and arbitrary characters.
 *
 * For every input: `clusterspec validate` (in-process main) returns 0 or 2, never throws, never prints a
 * stack trace. validate is the whole truth: for every spec it accepts (fuzzed, every fixture, every broken
 * fixture), `clusterspec generate` exits 0 and `clusterspec lint` exits 0 or 1, never 2, since every
 * check any command could refuse runs in the one validation phase. For every accepted fuzzed spec:
 * every path stays inside out/<cluster>, no accepted string carries a format metacharacter, YAML/JSON
 * artifacts parse, and for the first accepted specs every nginx config (nginx.conf and consul-template
 * previews) passes the real `nginx -t`, or the linter refuses the site.
 */
import TOML from '@iarna/toml';
import { lintSite, rules } from '@clusterspec/lint';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { loadAll, main } from '@clusterspec/cli';
import { generateArtifacts, generateSite } from '@clusterspec/generators';
import { ROOT } from '../support/fixtures';
import type { Untyped } from '../support/untyped';
import { acceptanceSpecs, nginxTestWithCertificate, throwawayCertificate } from '../support/generated-sites';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(240000));

const NGINX_SAMPLE = 50;
const GENERATE_SAMPLE = 60;
const SEED = Number(process.env.PROPERTY_SEED ?? 20240611);

let scratch: string;
let pair: ReturnType<typeof throwawayCertificate>;
let counter = 0;
const stats = { runs: 0, accepted: 0, nginxChecked: 0, nginxPassed: 0, nginxFailedButLintRefused: 0 };

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-property-'));
  pair = throwawayCertificate();
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  pair?.dispose();
  // The figures of this run, for the report.
  process.stdout.write(`property stats: ${JSON.stringify(stats)}\n`);
});

// ---------------------------------------------------------------- arbitraries: valid-ish specs

const ROLES = ['control-plane', 'worker', 'apiserver-lb', 'harbor', 'consul-server', 'consul-client', 'ingress'] as const;
const K8S_VERSIONS = ['1.6.2', '1.15.0', '1.20.5', '1.22.0', '1.24.3', '1.25.0', '1.31.1', '1.34.2'];
const HARBOR_VERSIONS = ['1.1.0', '2.0.0', '2.5.1', '2.9.3', '2.13.1', '2.15.0'];
const CONSUL_VERSIONS = ['1.0.0', '1.8.0', '1.9.0', '1.21.4'];
/** Severity overrides: real rule ids, and a typo that only the validation phase may refuse. */
const LINT_RULE_IDS = [...rules.map((rule) => rule.id), 'san-coverag'];

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const dnsName = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
const duration = fc.tuple(fc.integer({ min: 1, max: 900 }), fc.constantFrom('ms', 's', 'm', 'h')).map(([n, unit]) => `${n}${unit}`);
const secretRef = fc.oneof(
  fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/).map((name) => ({ fromEnv: name })),
  fc.stringMatching(/^\/[a-z0-9_.-]{1,10}(\/[a-z0-9_.-]{1,10}){0,2}$/).map((path) => ({ fromFile: path })),
);

const validishSpec = fc
  .record({
    name: label,
    hosts: fc.uniqueArray(label, { minLength: 1, maxLength: 8 }),
    roleSets: fc.array(fc.subarray([...ROLES], { minLength: 1 }), { minLength: 8, maxLength: 8 }),
    k8sVersion: fc.constantFrom(...K8S_VERSIONS),
    endpointByName: fc.boolean(),
    endpointName: dnsName,
    lbPort: fc.integer({ min: 6000, max: 6999 }),
    bindPort: fc.option(fc.integer({ min: 7000, max: 7999 }), { nil: undefined }),
    connectTimeout: fc.option(duration, { nil: undefined }),
    proxyTimeout: fc.option(duration, { nil: undefined }),
    virtualAddress: fc.option(fc.constant('10.9.9.9'), { nil: undefined }),
    schedulable: fc.option(fc.boolean(), { nil: undefined }),
    certSANs: fc.option(fc.uniqueArray(dnsName, { maxLength: 3 }), { nil: undefined }),
    users: fc.option(
      fc.uniqueArray(fc.record({ name: label, groups: fc.uniqueArray(fc.constantFrom('system:masters', 'ops', 'dev'), { maxLength: 2 }) }), {
        selector: (user) => user.name,
        maxLength: 3,
      }),
      { nil: undefined },
    ),
    harbor: fc.option(
      fc.record({
        version: fc.constantFrom(...HARBOR_VERSIONS),
        https: fc.boolean(),
        host: dnsName,
        port: fc.option(fc.integer({ min: 8000, max: 8999 }), { nil: undefined }),
        httpPort: fc.option(fc.integer({ min: 9000, max: 9999 }), { nil: undefined }),
        lbCount: fc.integer({ min: 1, max: 2 }),
        lbPort: fc.integer({ min: 10000, max: 10999 }),
        sharedPath: fc.stringMatching(/^(\/[a-z0-9_.-]{1,8}){1,3}$/).filter((path) => !/\/\.\.?(\/|$)/.test(path)),
        embedded: fc.boolean(),
        password: secretRef,
        redisPassword: fc.option(secretRef, { nil: undefined }),
        admin: secretRef,
      }),
      { nil: undefined },
    ),
    consul: fc.option(
      fc.record({
        version: fc.constantFrom(...CONSUL_VERSIONS),
        datacenter: label,
        dnsPort: fc.option(fc.constantFrom(53, 8600), { nil: undefined }),
        encrypt: secretRef,
        recursors: fc.option(fc.constantFrom(['10.0.0.2'], ['10.0.0.2', '8.8.8.8']), { nil: undefined }),
        domain: fc.option(dnsName, { nil: undefined }),
        services: fc.uniqueArray(
          fc.oneof(
            fc.record({ name: label, port: fc.integer({ min: 11000, max: 11999 }), tags: fc.constant(['http']) }),
            fc.integer({ min: 12000, max: 12999 }).chain((port) => label.map((name) => ({ name: `${name}-${port}`, port, tags: ['tcp'] }))),
            fc.record({ name: label }),
          ),
          { selector: (service) => service.name, maxLength: 4 },
        ),
      }),
      { nil: undefined },
    ),
    docker: fc.option(
      fc.record({
        all: fc.boolean(),
        dns: fc.subarray(['consul', '10.0.0.53', '8.8.8.8']),
        mirrors: fc.subarray(['https://mirror.example', 'http://10.1.1.1:5000/']),
      }),
      { nil: undefined },
    ),
    lintRules: fc.option(fc.dictionary(fc.constantFrom(...LINT_RULE_IDS), fc.constantFrom('off', 'info', 'warning', 'error'), { maxKeys: 2 }), {
      nil: undefined,
    }),
    toml: fc.boolean(),
  })
  .map((draw) => {
    const hosts = draw.hosts.map((name, index) => ({
      name,
      address: `10.1.${Math.floor(index / 200)}.${(index % 200) + 1}`,
      roles: index === 0 ? [...new Set(['control-plane', ...draw.roleSets[index]])] : draw.roleSets[index],
    }));
    const spec: Record<string, unknown> = {
      hosts,
      kubernetes: {
        version: draw.k8sVersion,
        controlPlaneEndpoint: `${draw.endpointByName ? draw.endpointName : hosts[0].address}:${draw.lbPort}`,
        networking: { serviceSubnet: '172.20.0.0/16', podSubnet: '172.24.0.0/13' },
        ...(draw.bindPort || draw.certSANs
          ? { apiServer: { ...(draw.bindPort ? { bindPort: draw.bindPort } : {}), ...(draw.certSANs ? { certSANs: draw.certSANs } : {}) } }
          : {}),
        loadBalancer: {
          port: draw.lbPort,
          ...(draw.virtualAddress ? { virtualAddress: draw.virtualAddress } : {}),
          ...(draw.connectTimeout ? { connectTimeout: draw.connectTimeout } : {}),
          ...(draw.proxyTimeout ? { proxyTimeout: draw.proxyTimeout } : {}),
        },
        ...(draw.schedulable === undefined ? {} : { controlPlane: { schedulable: draw.schedulable } }),
        ...(draw.users ? { users: draw.users } : {}),
      },
    };
    if (draw.harbor) {
      const h = draw.harbor;
      spec.harbor = {
        version: h.version,
        externalURL: `${h.https ? 'https' : 'http'}://${h.host}${h.port ? `:${h.port}` : ''}`,
        ...(h.httpPort ? { httpPort: h.httpPort } : {}),
        loadBalancer: { hosts: hosts.slice(0, h.lbCount).map((host) => host.name), port: h.lbPort },
        storage: { sharedPath: h.sharedPath },
        database: h.embedded ? { embedded: true, password: h.password } : { host: '10.2.0.1', port: 5432, user: 'harbor', password: h.password },
        redis: { host: '10.2.0.2', port: 6379, ...(h.redisPassword ? { password: h.redisPassword } : {}) },
        adminPassword: h.admin,
      };
    }
    if (draw.consul) {
      const c = draw.consul;
      spec.consul = {
        version: c.version,
        datacenter: c.datacenter,
        ...(c.dnsPort ? { dnsPort: c.dnsPort } : {}),
        encrypt: c.encrypt,
        ...(c.recursors ? { recursors: c.recursors } : {}),
        ...(c.domain ? { ingress: { domain: c.domain } } : {}),
        services: c.services,
      };
    }
    if (draw.docker) {
      spec.docker = {
        hosts: draw.docker.all ? 'all' : hosts.slice(0, 2).map((host) => host.name),
        dns: draw.docker.dns,
        registryMirrors: draw.docker.mirrors,
      };
    }
    if (draw.lintRules) spec.lint = { rules: draw.lintRules };
    return { document: { apiVersion: 'clusterspec/v1alpha1', kind: 'Cluster', metadata: { name: draw.name }, spec }, toml: draw.toml };
  });

// ---------------------------------------------------------------- arbitraries: garbage

const HOSTILE_STRINGS = [
  '..',
  '../../etc/passwd',
  '/',
  '/etc/shadow',
  'a;b',
  '{',
  '}',
  '#',
  '"',
  "'",
  'a"b',
  'x\ny',
  'x\r\ny',
  '$(reboot)',
  '${HOME}',
  '%{x}',
  'a b',
  '',
  ' ',
  '\u0000',
  'é',
  '日本',
  '🙂',
  'a'.repeat(300),
  'consul',
  'all',
  '10.0.0.1\n',
  '1.2.3.4.5',
  'http://a:99999',
  'https://a:0',
  'http://1.2.3',
  'http://0x1',
  'http://999.1.1.1',
  'a..b:80',
  'x:99999',
  '1.99999999999999999999.0',
  '999999999999.0.0',
  '0.0.0',
];
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('a', '.', '/', ';', '{', '}', '#', '"', '\n', ':', '-', '1', ' ', '$', '\\'), maxLength: 12 }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(0, -1, 65536, 1e21, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 0.5, -0, true, false, null),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 2 }),
);

/** Every path to a value in a document. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => paths(item, [...prefix, index]))];
  if (value && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))];
  return here;
}

function mutate(document: Record<string, unknown>, pick: number, kind: number, replacement: unknown, key: string): Record<string, unknown> {
  const copy = structuredClone(document);
  const all = paths(copy).filter((path) => path.length > 0);
  const path = all[pick % all.length];
  const parent = path.slice(0, -1).reduce<Untyped>((node, segment) => node[segment], copy);
  const last = path[path.length - 1];
  if (kind === 0 && !Array.isArray(parent)) delete parent[last];
  else if (kind === 1 && parent && typeof parent === 'object' && !Array.isArray(parent)) parent[key] = replacement;
  else parent[last] = replacement;
  return copy;
}

const mutatedSpec = fc
  .record({
    base: validishSpec,
    pick: fc.nat(),
    kind: fc.integer({ min: 0, max: 5 }),
    replacement: hostileValue,
    key: hostileString,
    count: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ base, pick, kind, replacement, key, count }) => {
    let document: Record<string, unknown> = base.document;
    for (let round = 0; round < count; round += 1) document = mutate(document, pick + round * 7919, round === 0 ? kind : 5, replacement, key);
    return { document, toml: base.toml };
  });

const yamlishLine = fc.oneof(
  fc.tuple(hostileString, hostileString).map(([key, value]) => `${key}: ${value}`),
  fc.tuple(fc.nat({ max: 6 }), hostileString).map(([indent, value]) => `${' '.repeat(indent)}- ${value}`),
  fc.constantFrom(
    'apiVersion: clusterspec/v1alpha1',
    'kind: Cluster',
    'metadata:',
    '  name: x',
    'spec:',
    '  hosts:',
    '&a [*a, *a]',
    '<<: *b',
    '---',
    '...',
    '[table]',
    '[[spec.hosts]]',
    'name = "x"',
    'a = 1979-05-27',
    'x = inf',
    'b = 9223372036854775807',
    '!!binary aGk=',
    '? complex',
    '%YAML 1.2',
    'k: !!js/function "x"',
    '__proto__: {polluted: 1}',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const randomText = fc
  .record({ lines: fc.array(yamlishLine, { maxLength: 15 }), toml: fc.boolean() })
  .map(({ lines, toml }) => ({ text: lines.join('\n'), toml }));

/**
 * (d) Near misses: one value of a real fixture (every field: string leaves, numbers, keys) with a hostile
 * fragment appended or prepended, or replaced outright: what a typo or an attack looks like.
 */
const FIXTURE_DOCUMENTS = ['fixtures/modern/cluster.yaml', 'fixtures/seed-ha/cluster.yaml', 'fixtures/edge/cluster.yaml'].map(
  (file) => parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'))[0].toJS() as Record<string, unknown>,
);
const FRAGMENTS = [
  ':99999',
  ':0',
  ':65536',
  ':-1',
  '..',
  '.',
  '-',
  '/..',
  '/',
  '\n',
  '\nx: 1',
  ';',
  '{',
  '}',
  '#',
  '"',
  "'",
  ' ',
  '$',
  '${x}',
  '%{x}',
  '0',
  '999',
  '.999',
  '\u00e9',
  '\u0000',
  '\\',
  '`',
  ',',
  '*',
  '/../../etc',
];
const nearMiss = fc
  .record({
    base: fc.nat({ max: FIXTURE_DOCUMENTS.length - 1 }),
    pick: fc.nat(),
    how: fc.integer({ min: 0, max: 3 }),
    fragment: fc.constantFrom(...FRAGMENTS),
    replacement: hostileValue,
    toml: fc.boolean(),
  })
  .map(({ base, pick, how, fragment, replacement, toml }) => {
    const document = structuredClone(FIXTURE_DOCUMENTS[base]);
    const leaves = paths(document).filter((path) => path.length > 0);
    const path = leaves[pick % leaves.length];
    const parent = path.slice(0, -1).reduce<Untyped>((node, segment) => node[segment], document);
    const last = path[path.length - 1];
    const value = parent[last];
    const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    parent[last] =
      how === 0
        ? `${text}${fragment}`
        : how === 1
          ? `${fragment}${text}`
          : how === 2
            ? replacement
            : typeof value === 'number'
              ? Number(`${value}${fragment.replace(/[^0-9]/g, '') || '0'}`)
              : `${text}${fragment}`;
    return { document, toml };
  });

// ---------------------------------------------------------------- the checks

async function validate(text: string, toml: boolean): Promise<{ code: number; file: string; output: string }> {
  counter += 1;
  const file = join(scratch, `spec-${counter}.${toml ? 'toml' : 'yaml'}`);
  writeFileSync(file, text);
  const lines: string[] = [];
  const code = await main(['validate', file], { out: (line) => lines.push(line), err: (line) => lines.push(line), colour: false });
  return { code, file, output: lines.join('\n') };
}

function serialise(document: Record<string, unknown>, toml: boolean): string {
  if (toml) {
    try {
      return TOML.stringify(document as TOML.JsonMap);
    } catch {
      // Not representable in TOML (null, mixed arrays): fall back to YAML.
    }
  }
  return stringify(document, { lineWidth: 0 });
}

/** Every string in a document, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
  return [];
}

// eslint-disable-next-line no-control-regex -- NUL is one of the characters a shell or a config file must never receive
const METACHARACTERS = /[\n\r\u0000;{}"'#$`\\<>|&!%@\s]/;

/**
 * What validate accepted, generate writes (exit 0) and lint judges (exit 0 or 1): no command refuses it later.
 * The generate binary's writer and Graphviz cost about a quarter second a site, so past a sample the fuzzed
 * specs go through generate's own loading and generation in-process (loadAll and generateSite, the same
 * functions, minus writing the files), which is all of generate that reads the spec.
 */
async function expectEveryCommandAccepts(file: string, runGenerateBinary: boolean): Promise<void> {
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line), colour: false };
  if (runGenerateBinary) {
    const out = join(scratch, `out-${counter}`);
    const generated = await main(['generate', file, '--out', out, '--quiet'], io);
    rmSync(out, { recursive: true, force: true });
    expect({ command: 'generate', code: generated, output: lines.join('\n') }).toEqual({ command: 'generate', code: 0, output: '' });
  } else {
    await generateSite(loadAll([file])[0]);
  }
  const linted = await main(['lint', file, '--format', 'json'], io);
  expect({ command: 'lint', file, output: linted === 2 ? lines.join('\n') : '' }).toEqual({ command: 'lint', file, output: '' });
  expect([0, 1]).toContain(linted);
}

async function checkInput(text: string, toml: boolean): Promise<void> {
  stats.runs += 1;
  const { code, file, output } = await validate(text, toml);
  expect([0, 2]).toContain(code);
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toMatch(/internal error|TypeError|RangeError|ReferenceError/);
  if (code !== 0) return;
  stats.accepted += 1;
  await expectEveryCommandAccepts(file, stats.accepted <= GENERATE_SAMPLE);
  const [model] = loadAll([file]);
  const artifacts = generateArtifacts(model);
  // Paths: relative, inside out/<cluster>, no empty, '.' or '..' segment, no odd characters.
  for (const { path } of artifacts) {
    expect(path).toMatch(/^[A-Za-z0-9._:/-]+$/);
    expect(path.startsWith('/')).toBe(false);
    expect(path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')).toBe(true);
  }
  // Whatever the loader accepted carries no format metacharacter: the schema and the loader admit none.
  const document = toml ? (TOML.parse(text) as unknown) : parseAllDocuments(text)[0].toJS();
  for (const value of strings(document)) expect(value).not.toMatch(METACHARACTERS);
  // Structured artifacts still parse; no artifact holds a NUL or a CR.
  for (const item of artifacts) {
    // eslint-disable-next-line no-control-regex -- the NUL this test must never find
    expect(item.content).not.toMatch(/[\u0000\r]/);
    if (/\.ya?ml$/.test(item.path)) expect(parseAllDocuments(item.content).flatMap((doc) => ('errors' in doc ? doc.errors : []))).toEqual([]);
    if (/\.json$/.test(item.path)) expect(() => JSON.parse(item.content)).not.toThrow();
  }
  const diagnostics = lintSite(model, artifacts);
  if (stats.nginxChecked < NGINX_SAMPLE) {
    const configs = artifacts.filter((item) => /^hosts\/[^/]+\/etc\/(nginx\/nginx\.conf|consul-template\/nginx\.conf\.preview)$/.test(item.path));
    if (configs.length === 0) return;
    stats.nginxChecked += 1;
    const failures = configs.map((item) => ({ item, verdict: nginxTestWithCertificate(item.content, pair) })).filter(({ verdict }) => !verdict.ok);
    if (failures.length === 0) {
      stats.nginxPassed += 1;
      return;
    }
    // A config nginx refuses is acceptable only on a site the linter refuses too (e.g. a port conflict).
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    if (errors.length === 0) throw new Error(`nginx -t refused ${failures[0].item.path} of a site lint accepts:\n${failures[0].verdict.output}\n${text}`);
    stats.nginxFailedButLintRefused += 1;
  }
}

describe('hostile input: the loader refuses cleanly, what it accepts generates safely', () => {
  it('valid-ish specs (YAML and TOML)', async () => {
    await fc.assert(
      fc.asyncProperty(validishSpec, ({ document, toml }) => checkInput(serialise(document, toml), toml)),
      { numRuns: 600, seed: SEED },
    );
  });

  it('mutated specs: garbage in every field, keys dropped and added', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSpec, ({ document, toml }) => checkInput(serialise(document, toml), toml)),
      { numRuns: 600, seed: SEED + 1 },
    );
  });

  it('near misses: one field of a real fixture with a hostile fragment', async () => {
    await fc.assert(
      fc.asyncProperty(nearMiss, ({ document, toml }) => checkInput(serialise(document, toml), toml)),
      { numRuns: 1000, seed: SEED + 3 },
    );
  });

  it('random YAML/TOML-looking text and arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(randomText, ({ text, toml }) => checkInput(text, toml)),
      { numRuns: 300, seed: SEED + 2 },
    );
  });

  // Inputs that crashed the loader (URL parsing threw, TOML BigInt) or were silently rewritten, before the fixes.
  it.each([
    [['spec', 'harbor', 'externalURL'], 'http://registry.corp.example:99999'],
    [['spec', 'harbor', 'externalURL'], 'http://999.1.1.1'],
    [['spec', 'harbor', 'externalURL'], 'http://1.2.3'],
    [['spec', 'harbor', 'externalURL'], 'http://a..b:80'],
    [['spec', 'harbor', 'externalURL'], 'https://registry.corp.example:0'],
    [['spec', 'kubernetes', 'controlPlaneEndpoint'], 'a..b:8443'],
    [['spec', 'kubernetes', 'users', 0, 'server'], 'https://k8s.example:99999'],
    [['spec', 'docker', 'registrator'], { consul: 'consul.example:99999' }],
    [['spec', 'kubernetes', 'apiServer', 'certSANs'], ['a..b']],
  ] as const)('refuses %j = %j cleanly (exit 2)', async (path, value) => {
    const document = structuredClone(FIXTURE_DOCUMENTS[0]);
    const parent = path.slice(0, -1).reduce<Untyped>((node, segment) => node[segment], document);
    parent[path[path.length - 1]] = value;
    const { code, output } = await validate(stringify(document), false);
    expect(output).not.toMatch(/^\s+at /m);
    expect(code).toBe(2);
  });

  it('refuses a TOML integer beyond 64 bits cleanly (exit 2)', async () => {
    const { code, output } = await validate(`apiVersion = "clusterspec/v1alpha1"\nkind = "Cluster"\nport = 99999999999999999999\n`, true);
    expect(output).not.toMatch(/^\s+at /m);
    expect(code).toBe(2);
  });

  // Each passed validate (exit 0) and then failed a later command before the validation phase held every check.
  it.each([
    [['spec', 'lint'], { rules: { 'san-coverag': 'off' } }],
    [['spec', 'kubernetes', 'version'], '1.99.0'],
    [['spec', 'kubernetes', 'version'], '1.43.0'],
  ] as const)('validate refuses %j = %j (exit 2), as every other command would', async (path, value) => {
    const document = structuredClone(FIXTURE_DOCUMENTS[0]);
    const parent = path.slice(0, -1).reduce<Untyped>((node, segment) => node[segment], document);
    parent[path[path.length - 1]] = value;
    const { code, output } = await validate(stringify(document), false);
    expect(output).toMatch(/^\S+:\d+:\d+: error: spec\./m);
    expect(code).toBe(2);
  });

  it.each(acceptanceSpecs())('%s: validate accepts it, so generate exits 0 and lint does not exit 2', async (spec) => {
    const { code, output } = await validate(readFileSync(join(ROOT, spec), 'utf8'), spec.endsWith('.toml'));
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    await expectEveryCommandAccepts(join(ROOT, spec), true);
  });

  it('checked a sample of nginx configs with the real nginx', () => {
    expect(stats.nginxChecked).toBeGreaterThanOrEqual(20);
    expect(stats.nginxPassed).toBeGreaterThan(0);
  });
});
