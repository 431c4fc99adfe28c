/**
 * Go's own text/template (tests/go/render, standard library only, with stand-ins for the
 * consul-template functions the templates use) renders every generated nginx.conf.ctmpl:
 *  - over the catalog the preview assumes (each declared service with a port running once on every
 *    Docker host, registered by that host's registrator with the host's address, on the agent the
 *    host talks to), the output must equal the generated nginx.conf.preview byte for byte and pass
 *    nginx -t. The catalog is handed over unsorted and with an unhealthy instance of every service:
 *    ordering (by node, then service ID) and health filtering are the Go program's job, as they are
 *    consul-template's;
 *  - over an empty catalog, the output must pass nginx -t (every upstream falls back to a down server).
 * Harbor certificate paths are replaced by a throwaway pair for nginx -t only (see nginx.test.ts).
 */
import { ingressNginxConf, previewRenderer, agentFor } from '@clusterspec/consul';
import type { ClusterModel } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';
import { generatedSites, hostOf, nginxTestWithCertificate, throwawayCertificate } from '../support/generated-sites';

jest.setTimeout(180000);

interface CatalogEntry {
  Node: string;
  NodeAddress: string;
  ID: string;
  Name: string;
  Tags: string[];
  Address: string;
  Port: number;
  Status: string;
}

/** The registrations behind the preview, plus one critical instance per service that `service` must drop. */
function catalogOf(model: ClusterModel): CatalogEntry[] {
  const consul = model.consul!;
  const entries: CatalogEntry[] = [];
  for (const service of consul.services) {
    if (service.port === undefined) continue;
    for (const host of model.docker?.hosts ?? []) {
      const agent = agentFor(consul, host).host;
      entries.push({ Node: agent.name, NodeAddress: agent.address, ID: `${host.name}:${service.name}:${service.port}`, Name: service.name, Tags: [...service.tags], Address: host.address, Port: service.port, Status: 'passing' });
    }
    // Sorts first by node: it would be the first server line if health were not filtered.
    entries.push({ Node: '0-unhealthy', NodeAddress: '192.0.2.1', ID: `0-unhealthy:${service.name}`, Name: service.name, Tags: [...service.tags], Address: '192.0.2.1', Port: 1, Status: 'critical' });
  }
  return entries.reverse();
}

let workdir: string;
let binary: string;
let pair: ReturnType<typeof throwawayCertificate>;

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'clusterspec-go-'));
  binary = join(workdir, 'render');
  pair = throwawayCertificate();
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: workdir,
    GOCACHE: join(workdir, 'gocache'),
    GOPATH: join(workdir, 'gopath'),
    GOENV: 'off',
    GOFLAGS: '',
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    GO111MODULE: 'on',
    CGO_ENABLED: '0',
  };
  const built = spawnSync('go', ['build', '-o', binary, '.'], { cwd: join(ROOT, 'tests', 'go', 'render'), env, encoding: 'utf8', timeout: 150000 });
  if (built.error) throw new Error(`go build could not run (is Go installed? \`which go\`): ${built.error.message}`);
  if (built.status !== 0) throw new Error(`go build failed:\n${built.stdout}${built.stderr}`);
});

afterAll(() => {
  if (workdir) rmSync(workdir, { recursive: true, force: true });
  pair?.dispose();
});

function render(template: string, catalog: readonly CatalogEntry[]): string {
  const file = join(workdir, `template-${process.hrtime.bigint()}.ctmpl`);
  writeFileSync(file, template);
  try {
    const result = spawnSync(binary, [file], { input: JSON.stringify({ services: catalog }), encoding: 'utf8', timeout: 20000 });
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
    expect(output).toBe(ingressNginxConf(each.model, ingressHost, previewRenderer(new Map())));
    const verdict = nginxTestWithCertificate(output, pair);
    if (!verdict.ok) throw new Error(verdict.output);
  });
});

describe('the Go renderer itself', () => {
  it('refuses a function consul-template templates here do not use (no silent stand-in)', () => {
    expect(() => render('{{ key "x" }}', [])).toThrow(/function "key" not defined/);
  });

  it('orders instances by node, then service ID, and keeps only passing ones', () => {
    const entry = (Node: string, ID: string, Address: string, Status = 'passing') => ({ Node, NodeAddress: Address, ID, Name: 'web', Tags: [], Address, Port: 80, Status });
    const catalog = [entry('b', '1', '10.0.0.3'), entry('a', '2', '10.0.0.2'), entry('a', '1', '10.0.0.1'), entry('0', '0', '10.0.0.9', 'critical')];
    expect(render('{{ range service "web" }}{{ .Address }} {{ end }}', catalog)).toBe('10.0.0.1 10.0.0.2 10.0.0.3 ');
  });
});
