/**
 * Go's own text/template (tests/go/render, standard library only, with stand-ins for the
 * consul-template functions the templates use) renders every generated nginx.conf.ctmpl:
 *  - over the catalog the preview assumes (each declared service with a port running once on every
 *    Docker host, registered by that host's registrator with the host's address, on the agent the
 *    host talks to), the output must equal the generated nginx.conf.preview byte for byte and pass
 *    nginx -t. The catalog is handed over unsorted and with an unhealthy instance of every service:
 *    ordering (by node, then service ID) and health filtering are the Go program's job, as they are
 *    consul-template's;
 *  - over an empty catalog, the output must pass nginx -t (every upstream falls back to a down server);
 *  - over hostile catalogs (issue 14): names with spaces, braces, semicolons, quotes, newlines, dots,
 *    capitals and unicode; tcp names without a port, with port 0, 70000, a leading zero, a port the
 *    host uses, a port taken twice; zero, one and many instances; 200 services. Every render must pass
 *    nginx -t, equal what previewRenderer gives for the same catalog, and (dynamic templates) carry
 *    exactly the skip comments the rules call for, stated here case by case.
 * Harbor certificate paths are replaced by a throwaway pair for nginx -t only (see nginx.test.ts).
 */
import { agentFor, discoveryRules, EMPTY_CATALOG, ingressNginxConf, previewRenderer, type Catalog, type Instance } from '@clusterspec/consul';
import type { ClusterModel, Host } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedSites, hostOf, nginxTestWithCertificate, throwawayCertificate } from '../support/generated-sites';
import { deadline } from '../support/deadline';
import { buildRenderer, type CatalogEntry } from '../support/go-render';

jest.setTimeout(deadline(180000));

/**
 * The registrations behind the preview, plus one critical instance per service that `service` must
 * drop (it also puts a declared service without a port in the catalog, with no healthy instance: the
 * preview takes every declared service to be registered).
 */
function catalogOf(model: ClusterModel): CatalogEntry[] {
  const consul = model.consul!;
  const entries: CatalogEntry[] = [];
  for (const service of consul.services) {
    for (const host of service.port === undefined ? [] : (model.docker?.hosts ?? [])) {
      const agent = agentFor(consul, host).host;
      entries.push({
        Node: agent.name,
        NodeAddress: agent.address,
        ID: `${host.name}:${service.name}:${service.port}`,
        Name: service.name,
        Tags: [...service.tags],
        Address: host.address,
        Port: service.port!,
        Status: 'passing',
      });
    }
    // Sorts first by node: it would be the first server line if health were not filtered.
    entries.push({
      Node: '0-unhealthy',
      NodeAddress: '192.0.2.1',
      ID: `0-unhealthy:${service.name}`,
      Name: service.name,
      Tags: [...service.tags],
      Address: '192.0.2.1',
      Port: 1,
      Status: 'critical',
    });
  }
  return entries.reverse();
}

let workdir: string;
let binary: string;
let pair: ReturnType<typeof throwawayCertificate>;

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'clusterspec-go-'));
  binary = buildRenderer(workdir);
  pair = throwawayCertificate();
});

afterAll(() => {
  if (workdir) rmSync(workdir, { recursive: true, force: true });
  pair?.dispose();
});

function render(template: string, catalog: readonly CatalogEntry[]): string {
  const file = join(workdir, `template-${process.hrtime.bigint()}.ctmpl`);
  writeFileSync(file, template);
  try {
    const result = spawnSync(binary, [file], { input: JSON.stringify({ services: catalog }), encoding: 'utf8', timeout: deadline(20000) });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`render failed: ${result.stderr}`);
    return result.stdout;
  } finally {
    rmSync(file, { force: true });
  }
}

const cases = generatedSites().flatMap((site) =>
  site.artifacts
    .filter((artifact) => artifact.path.endsWith('/etc/consul-template/nginx.conf.ctmpl'))
    .map((template) => {
      const host = hostOf(template.path);
      const preview = site.artifacts.find((artifact) => artifact.path === `hosts/${host}/etc/consul-template/nginx.conf.preview`);
      return { spec: site.spec, host, model: site.model, template: template.content, preview: preview?.content };
    }),
);

describe('Go text/template renders each nginx.conf.ctmpl to its preview', () => {
  it('has templates to render', () => expect(cases.length).toBeGreaterThan(0));

  it.each(cases.map((each) => [each.spec, each.host, each] as const))('%s: %s', (_spec, _host, each) => {
    expect(each.preview).toBeDefined();
    const output = render(each.template, catalogOf(each.model));
    expect(output).toBe(each.preview);
    const verdict = nginxTestWithCertificate(output, pair);
    if (!verdict.ok) throw new Error(verdict.output);
  });
});

describe('Go text/template with an empty catalog', () => {
  it.each(cases.map((each) => [each.spec, each.host, each] as const))('%s: %s passes nginx -t', (_spec, host, each) => {
    const output = render(each.template, []);
    const ingressHost = each.model.hosts.find((candidate) => candidate.name === host)!;
    expect(output).toBe(ingressNginxConf(each.model, ingressHost, previewRenderer(EMPTY_CATALOG)));
    const verdict = nginxTestWithCertificate(output, pair);
    if (!verdict.ok) throw new Error(verdict.output);
  });
});

describe('the Go renderer itself', () => {
  it('refuses a function consul-template templates here do not use (no silent stand-in)', () => {
    expect(() => render('{{ key "x" }}', [])).toThrow(/function "key" not defined/);
  });

  it('orders instances by node, then service ID, and keeps only passing ones', () => {
    const entry = (Node: string, ID: string, Address: string, Status = 'passing') => ({
      Node,
      NodeAddress: Address,
      ID,
      Name: 'web',
      Tags: [],
      Address,
      Port: 80,
      Status,
    });
    const catalog = [entry('b', '1', '10.0.0.3'), entry('a', '2', '10.0.0.2'), entry('a', '1', '10.0.0.1'), entry('0', '0', '10.0.0.9', 'critical')];
    expect(render('{{ range service "web" }}{{ .Address }} {{ end }}', catalog)).toBe('10.0.0.1 10.0.0.2 10.0.0.3 ');
  });
});

const compareBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * The same catalog as previewRenderer reads it, with consul-template's documented semantics written
 * out here rather than taken from the Go program: `services` lists every name once with the union of
 * its tags; `service "<tag>.<name>"` keeps the passing instances carrying the tag, by node, then ID.
 */
function previewCatalog(entries: readonly CatalogEntry[]): Catalog {
  const names = [...new Set(entries.map((entry) => entry.Name))];
  return {
    services: names.map((name) => ({ name, tags: [...new Set(entries.filter((entry) => entry.Name === name).flatMap((entry) => entry.Tags))] })),
    instances: (name, tag) =>
      entries
        .filter((entry) => entry.Name === name && entry.Status === 'passing' && (tag === undefined || entry.Tags.includes(tag)))
        .sort((a, b) => compareBytes(a.Node, b.Node) || compareBytes(a.ID, b.ID))
        // consul-template's HealthService: a service registered without an address takes its node's.
        .map((entry): Instance => ({ address: entry.Address || entry.NodeAddress, port: entry.Port })),
  };
}

/** One hostile registration and what the rules say of it: `published`, or the reason in its skip comment. */
interface HostileCase {
  readonly name: string;
  readonly tags: readonly string[];
  /** Passing instances (each service also gets one critical instance, which `service` must drop). */
  readonly instances: number;
  readonly http?: string;
  readonly tcp?: string;
}

const PUBLISHED = 'published';

/** Issue 14's hostile catalog for one ingress host: what each name must come to, stated by hand. */
function hostileCases(model: ClusterModel, host: Host): HostileCase[] {
  const rules = discoveryRules(model, host);
  const { from, to } = rules.tcpPorts;
  const notLabel = (tag: string, quoted: string) => `skipped ${tag} service ${quoted}: its name is not a DNS label`;
  const outside = (name: string, port: string) => `skipped tcp service ${name}: port ${port} is outside ${from}-${to}`;
  const owner5433 = rules.declaredTcpPorts.find((declared) => declared.port === 5433)?.name;
  const reserved = (name: string, owner: string) => `skipped tcp service ${name}: port 5433 belongs to declared service ${owner}`;
  return [
    { name: 'web', tags: ['http'], instances: 50, http: PUBLISHED },
    { name: 'single', tags: ['http'], instances: 1, http: PUBLISHED },
    { name: 'nohealthy', tags: ['http'], instances: 0, http: PUBLISHED },
    { name: 'a'.repeat(63), tags: ['http'], instances: 1, http: PUBLISHED },
    { name: 'a'.repeat(64), tags: ['http'], instances: 1, http: notLabel('http', `"${'a'.repeat(64)}"`) },
    { name: 'we b', tags: ['http'], instances: 1, http: notLabel('http', '"we b"') },
    { name: 'brace{}', tags: ['http'], instances: 1, http: notLabel('http', '"brace{}"') },
    { name: 'semi;colon', tags: ['http'], instances: 1, http: notLabel('http', '"semi;colon"') },
    { name: 'Capital', tags: ['http'], instances: 1, http: notLabel('http', '"Capital"') },
    { name: 'dotted.name', tags: ['http'], instances: 1, http: notLabel('http', '"dotted.name"') },
    { name: 'ünïcode', tags: ['http'], instances: 1, http: notLabel('http', '"\\u00fcn\\u00efcode"') },
    { name: 'new\nline', tags: ['http'], instances: 1, http: notLabel('http', '"new\\nline"') },
    { name: 'quo"te}}', tags: ['http'], instances: 1, http: notLabel('http', '"quo\\"te}}"') },
    { name: 'untagged', tags: ['udp'], instances: 1 },
    // Where 5433 is a declared service's port (modern's postgres-5433) neither takes it, whatever the order (issue 24, item 3).
    { name: 'db-5433', tags: ['tcp'], instances: 2, tcp: owner5433 ? reserved('db-5433', owner5433) : PUBLISHED },
    {
      name: 'pg-5433',
      tags: ['tcp'],
      instances: 1,
      tcp: owner5433 ? reserved('pg-5433', owner5433) : 'skipped tcp service pg-5433: port 5433 is published already, by db-5433',
    },
    { name: 'empty-7100', tags: ['tcp'], instances: 0, tcp: PUBLISHED },
    { name: 'both-7000', tags: ['http', 'tcp'], instances: 3, http: PUBLISHED, tcp: PUBLISHED },
    { name: 'mqtt', tags: ['tcp'], instances: 1, tcp: 'skipped tcp service mqtt: its name does not end in -<port>' },
    { name: 'zero-0', tags: ['tcp'], instances: 1, tcp: outside('zero-0', '0') },
    { name: 'big-70000', tags: ['tcp'], instances: 1, tcp: outside('big-70000', '70000') },
    { name: 'lead-05433', tags: ['tcp'], instances: 1, tcp: outside('lead-05433', '05433') },
    { name: `low-${from - 1}`, tags: ['tcp'], instances: 1, tcp: outside(`low-${from - 1}`, String(from - 1)) },
    { name: `high-${to + 1}`, tags: ['tcp'], instances: 1, tcp: outside(`high-${to + 1}`, String(to + 1)) },
    { name: 'sp ace-6000', tags: ['tcp'], instances: 1, tcp: notLabel('tcp', '"sp ace-6000"') },
    { name: 'brace}}-6001', tags: ['tcp'], instances: 1, tcp: notLabel('tcp', '"brace}}-6001"') },
    { name: 'ünï-6002', tags: ['tcp'], instances: 1, tcp: notLabel('tcp', '"\\u00fcn\\u00ef-6002"') },
    // Every port the host uses for itself, and 80 (outside the range: it says so first).
    ...rules.takenPorts.map((port): HostileCase => {
      const name = `taken-${port}`;
      return {
        name,
        tags: ['tcp'],
        instances: 1,
        tcp: port >= from && port <= to ? `skipped tcp service ${name}: port ${port} is used on this host` : outside(name, String(port)),
      };
    }),
  ];
}

/** Registrations for the cases: passing instances on distinct nodes and addresses, and one critical instance each. */
function entriesOf(cases: readonly HostileCase[]): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  cases.forEach((each, index) => {
    for (let instance = 0; instance < each.instances; instance++) {
      const address = `10.${100 + (index % 100)}.${Math.floor(instance / 250)}.${(instance % 250) + 1}`;
      entries.push({
        Node: `node-${String(instance).padStart(3, '0')}`,
        NodeAddress: address,
        ID: `${each.name}:${instance}`,
        Name: each.name,
        Tags: [...each.tags],
        Address: address,
        Port: 30000 + instance,
        Status: 'passing',
      });
    }
    entries.push({
      Node: '0-unhealthy',
      NodeAddress: '192.0.2.1',
      ID: `${each.name}:x`,
      Name: each.name,
      Tags: [...each.tags],
      Address: '192.0.2.1',
      Port: 1,
      Status: 'critical',
    });
  });
  return entries.reverse();
}

/** The skip comments and published upstreams of one context (http or stream) of a rendered nginx.conf. */
function outcomes(config: string, context: 'http' | 'stream'): { skipped: string[]; published: string[] } {
  const start = config.indexOf(`\n${context} {\n`);
  const body = start < 0 ? '' : config.slice(start, config.indexOf('\n}\n', start));
  const dynamic = body.slice(body.indexOf('# Consul services tagged'));
  return {
    skipped: [...dynamic.matchAll(/^ {4}# (skipped .*)$/gm)].map((match) => match[1]),
    published: [...dynamic.matchAll(/^ {4}upstream consul_(\S+) \{$/gm)].map((match) => match[1]),
  };
}

const fixtureCases = cases.filter((each) => !each.spec.startsWith('fixtures/broken/'));

describe('Go text/template over hostile catalogs (issue 14)', () => {
  it('has dynamic and declared templates among the fixtures', () => {
    expect(fixtureCases.some((each) => each.model.consul!.ingressDiscovery === 'dynamic')).toBe(true);
    expect(fixtureCases.some((each) => each.model.consul!.ingressDiscovery === 'declared')).toBe(true);
  });

  it.each(fixtureCases.map((each) => [each.spec, each.host, each] as const))('%s: %s: hostile names, ports and instance counts', (_spec, host, each) => {
    const ingressHost = each.model.hosts.find((candidate) => candidate.name === host)!;
    const hostile = hostileCases(each.model, ingressHost);
    const entries = entriesOf(hostile);
    const output = render(each.template, entries);
    expect(output).toBe(ingressNginxConf(each.model, ingressHost, previewRenderer(previewCatalog(entries))));
    const verdict = nginxTestWithCertificate(output, pair);
    if (!verdict.ok) throw new Error(verdict.output);
    if (each.model.consul!.ingressDiscovery !== 'dynamic') {
      // Declared: nothing of the catalog beyond the declared names reaches nginx.conf.
      expect(output).not.toContain('upstream consul_web ');
      expect(output).not.toContain('# skipped');
      return;
    }
    for (const [context, tag] of [
      ['http', 'http'],
      ['stream', 'tcp'],
    ] as const) {
      const expected = hostile.filter((entry) => entry[tag] !== undefined).sort((a, b) => compareBytes(a.name, b.name));
      const found = outcomes(output, context);
      expect(found.published).toEqual(expected.filter((entry) => entry[tag] === PUBLISHED).map((entry) => entry.name));
      expect(found.skipped).toEqual(expected.filter((entry) => entry[tag] !== PUBLISHED).map((entry) => entry[tag]));
    }
    // Fifty instances of web, none of them the critical one; the empty ones fall back to a down server.
    expect(output.match(/server 10\.100\.\d+\.\d+:\d+ max_fails=3 fail_timeout=60s weight=1;/g)).toHaveLength(50);
    expect(output).not.toContain('192.0.2.1');
    expect(output).toMatch(/upstream consul_empty-7100 \{\n\s+zone consul_tcp_empty-7100 64k;\n\s+least_conn;\n\s+server 127\.0\.0\.1:65535 down;\n\s+\}/);
  });

  it.each(fixtureCases.filter((each) => each.model.consul!.ingressDiscovery === 'dynamic').map((each) => [each.spec, each.host, each] as const))(
    '%s: %s: 200 services, two instances each',
    (_spec, host, each) => {
      const ingressHost = each.model.hosts.find((candidate) => candidate.name === host)!;
      const many: HostileCase[] = Array.from({ length: 200 }, (_, index) =>
        index % 2 === 0
          ? { name: `h${index}`, tags: ['http'], instances: 2, http: PUBLISHED }
          : { name: `t${index}-${20000 + index}`, tags: ['tcp'], instances: 2, tcp: PUBLISHED },
      );
      const entries = entriesOf(many);
      const output = render(each.template, entries);
      expect(output).toBe(ingressNginxConf(each.model, ingressHost, previewRenderer(previewCatalog(entries))));
      expect(outcomes(output, 'http').published).toHaveLength(100);
      expect(outcomes(output, 'stream').published).toHaveLength(100);
      expect(output).not.toContain('# skipped');
      const verdict = nginxTestWithCertificate(output, pair);
      if (!verdict.ok) throw new Error(verdict.output);
    },
  );
});

describe("the Go renderer's consul-template functions", () => {
  const entry = (Name: string, Tags: string[], Node = 'n', Status = 'passing', Address = '10.0.0.1') => ({
    Node,
    NodeAddress: Address,
    ID: `${Name}-${Node}`,
    Name,
    Tags,
    Address,
    Port: 80,
    Status,
  });

  it('services: every name once, sorted byte-wise, with the sorted union of its tags', () => {
    const catalog = [entry('b', ['y']), entry('b', ['x', 'y'], 'm'), entry('B', []), entry('a', ['z'])];
    expect(render('{{ range services }}{{ .Name }}:{{ join "," .Tags }} {{ end }}', catalog)).toBe('B: a:z b:x,y ');
  });

  it('service: passing instances by default, "<tag>.<name>" filters by tag, a status filter widens, a name outside [[:word:]-] is an error', () => {
    const catalog = [entry('web', ['http'], 'a'), entry('web', [], 'b'), entry('web', ['http'], 'c', 'critical')];
    expect(render('{{ range service "web" }}{{ .Node }}{{ end }}', catalog)).toBe('ab');
    expect(render('{{ range service "http.web" }}{{ .Node }}{{ end }}', catalog)).toBe('a');
    expect(render('{{ range service "web" "any" }}{{ .Node }}{{ end }}', catalog)).toBe('abc');
    expect(render('{{ range service "" }}x{{ else }}none{{ end }}', catalog)).toBe('none');
    expect(() => render('{{ range service "we b" }}{{ end }}', catalog)).toThrow(/invalid format: "we b"/);
    expect(() => render('{{ range service "web" "bogus" }}{{ end }}', catalog)).toThrow(/invalid filter/);
  });

  it('in, contains: membership in a list, substring of a string', () => {
    expect(render('{{ in (split "," "80,443") "443" }} {{ in (split "," "80,443") "44" }} {{ in "abc" "b" }} {{ "abc" | contains "x" }}', [])).toBe(
      'true false true false',
    );
    expect(render('{{ (split "," "80,443") | contains "80" }}', [])).toBe('true');
  });

  it('split (trims, empty gives no element), index, toLower, regexMatch (unanchored), regexReplaceAll', () => {
    expect(render('{{ len (split "," "  ") }} {{ index (split "-" "a-b-c") 2 }} {{ toLower "AbC" }}', [])).toBe('0 c abc');
    expect(render('{{ regexMatch "b" "abc" }} {{ regexMatch "^b" "abc" }} {{ regexReplaceAll "^.*-" "" "x-y-5433" }}', [])).toBe('true false 5433');
  });

  it('scratch: Key, Get, Set and SetX last for one render', () => {
    expect(render('{{ scratch.Key "k" }}{{ scratch.Set "k" "v" }}{{ scratch.Key "k" }}{{ scratch.SetX "k" "w" }}{{ scratch.Get "k" }}', [])).toBe('falsetruev');
  });
});

describe('Go text/template over hostile instances (issue 24, item 3)', () => {
  const instance = (Address: string, Port: number, index: number): CatalogEntry => ({
    Node: `node-${index}`,
    NodeAddress: '10.9.9.9',
    ID: `hostile:${index}`,
    Name: 'hostile',
    Tags: ['http', 'tcp'],
    Address,
    Port,
    Status: 'passing',
  });
  const hostile: readonly [string, number, 'written' | 'port' | 'address'][] = [
    ['10.0.0.1', 0, 'port'],
    ['10.0.0.2', 70000, 'port'],
    ['fd00::5', 8080, 'written'],
    ['10.0.0.3; include /etc/passwd', 80, 'address'],
    ['10.0.0.4:80 backup', 80, 'address'],
    ['localhost', 8081, 'written'],
    ['', 8082, 'written'],
    ['ünï.example', 80, 'address'],
    ['new\nline}', 80, 'address'],
    ['{{ evil }}', 80, 'address'],
    ['10.0.0.5', 8083, 'written'],
  ];
  const entries = hostile.map(([address, port], index) => instance(address, port, index));
  const only = (kind: string) => hostile.filter((each) => each[2] === kind);

  it.each(fixtureCases.filter((each) => each.model.consul!.ingressDiscovery === 'dynamic').map((each) => [each.spec, each.host, each] as const))(
    '%s: %s: each instance is written (IPv6 bracketed) or skipped with one comment line, and nginx -t passes',
    (_spec, host, each) => {
      const ingressHost = each.model.hosts.find((candidate) => candidate.name === host)!;
      const named = entries.map((entry) => ({ ...entry, Name: 'hostile-7300' }));
      const output = render(each.template, named);
      expect(output).toBe(ingressNginxConf(each.model, ingressHost, previewRenderer(previewCatalog(named))));
      const verdict = nginxTestWithCertificate(output, pair);
      if (!verdict.ok) throw new Error(verdict.output);
      for (const context of ['http', 'stream'] as const) {
        const start = output.indexOf(`upstream consul_hostile-7300 {`, output.indexOf(`\n${context} {\n`));
        const upstream = output.slice(start, output.indexOf('\n    }', start));
        expect(upstream.match(/^ +server /gm)).toHaveLength(only('written').length);
        expect(upstream).toMatch(/server \[fd00::5\]:8080 /);
        expect(upstream).toMatch(/server localhost:8081 /);
        expect(upstream).toMatch(/server 10\.9\.9\.9:8082 /);
        expect(upstream.match(/^ +# skipped instance .*: its port is outside 1-65535$/gm)).toHaveLength(only('port').length);
        expect(upstream.match(/^ +# skipped instance .*: its address is not an IPv4 or IPv6 address or a DNS name$/gm)).toHaveLength(only('address').length);
        expect(upstream).not.toContain('include /etc/passwd;');
      }
    },
  );

  it('an upstream whose every instance is skipped gets the fallback server, and nginx -t passes', () => {
    const each = fixtureCases.find((candidate) => candidate.model.consul!.ingressDiscovery === 'dynamic')!;
    const bad = [instance('10.0.0.1', 0, 0), instance('fd00::5:8080:1:2:3:4:5:6', 1, 1), instance('a;b', 80, 2)].map((entry) => ({ ...entry, Name: 'allbad' }));
    const output = render(each.template, bad);
    expect(output).toMatch(/upstream consul_allbad \{\n\s+zone consul_http_allbad 64k;\n(\s+# skipped instance .*\n){3}\s+server 127\.0\.0\.1:65535 down;\n/);
    const verdict = nginxTestWithCertificate(output, pair);
    if (!verdict.ok) throw new Error(verdict.output);
  });
});
