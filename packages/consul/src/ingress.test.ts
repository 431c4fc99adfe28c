import { loadBalancerGenerators, NGINX_CONF_PATH } from '@clusterspec/loadbalancer';
import type { ClusterModel } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSpecs, loadFixture, variant } from '../../../tests/support/fixtures';
import { nginxTest } from '../../../tests/support/nginx';
import { declaredCatalog, FALLBACK_SERVER, generateIngress, ingressNginxConf, previewRenderer, publishedPort, templateRenderer, type Instance } from './ingress';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const modern = loadFixture('fixtures/modern/cluster.yaml');
const edge = loadFixture('fixtures/edge/cluster.yaml');

const file = (model: ClusterModel, host: string, path: string) => {
  const found = generateIngress(model).find((each) => each.path === `hosts/${host}${path}`);
  if (!found) throw new Error(`no ${path} on ${host}`);
  return found.content;
};
const configOf = (model: ClusterModel, host: string) => file(model, host, '/etc/consul-template/config.hcl');
const templateOf = (model: ClusterModel, host: string) => file(model, host, '/etc/consul-template/nginx.conf.ctmpl');
const previewOf = (model: ClusterModel, host: string) => file(model, host, '/etc/consul-template/nginx.conf.preview');

/**
 * The part of Go's text/template that the generated template uses, evaluated the way consul-template
 * would: text, `{{- ` / ` -}}` trimming, `range service "<name>"` with `else`, `.Address`, `.Port`
 * and string literals. Anything else is an error, so a template using more fails here.
 */
function renderGoTemplate(template: string, catalog: ReadonlyMap<string, readonly Instance[]>): string {
  type Token = { text: string } | { action: string };
  const tokens: Token[] = [];
  const pattern = /\{\{(- )?(.*?)( -)?\}\}/gs;
  let last = 0;
  let trimNext = false;
  for (const match of template.matchAll(pattern)) {
    let text = template.slice(last, match.index);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (match[1]) text = text.replace(/[ \t\r\n]+$/, '');
    tokens.push({ text }, { action: match[2].trim() });
    trimNext = Boolean(match[3]);
    last = match.index + match[0].length;
  }
  tokens.push({ text: trimNext ? template.slice(last).replace(/^[ \t\r\n]+/, '') : template.slice(last) });

  let position = 0;
  const evaluate = (dot: Instance | undefined, stopAt: readonly string[]): string => {
    let out = '';
    while (position < tokens.length) {
      const token = tokens[position];
      if ('text' in token) {
        out += token.text;
        position++;
        continue;
      }
      const action = token.action;
      if (stopAt.includes(action)) return out;
      position++;
      const range = /^range service "([^"]+)"$/.exec(action);
      if (range) {
        const instances = catalog.get(range[1]) ?? [];
        const start = position;
        let body = '';
        for (const instance of instances) {
          position = start;
          body += evaluate(instance, ['else', 'end']);
        }
        if (instances.length === 0) evaluate(undefined, ['else', 'end']);
        if ((tokens[position] as { action: string }).action === 'else') {
          position++;
          const otherwise = evaluate(undefined, ['end']);
          if (instances.length === 0) body = otherwise;
        }
        position++;
        out += body;
      } else if (action === '.Address' || action === '.Port') {
        if (dot) out += action === '.Address' ? dot.address : String(dot.port);
      } else if (/^"[^"]*"$/.test(action)) {
        out += JSON.parse(action);
      } else throw new Error(`unsupported template action {{${action}}}`);
    }
    if (stopAt.length > 0) throw new Error(`missing {{${stopAt.join('}} or {{')}}}`);
    return out;
  };
  return evaluate(undefined, []);
}

/** nginx -t of a config whose TLS certificate paths are swapped for a throwaway self-signed pair. */
function nginxTestWithThrowawayCert(config: string) {
  if (!/ssl_certificate /.test(config)) return nginxTest(config);
  const directory = mkdtempSync(join(tmpdir(), 'clusterspec-cert-'));
  try {
    const cert = join(directory, 'server.crt');
    const key = join(directory, 'server.key');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=clusterspec-test', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    const swapped = config.replace(/ssl_certificate \S+;/g, `ssl_certificate ${cert};`).replace(/ssl_certificate_key \S+;/g, `ssl_certificate_key ${key};`);
    return nginxTest(swapped);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe('consul-template on the ingress hosts', () => {
  it('writes config, unit, template and preview on every ingress host and nowhere else', () => {
    const hosts = (model: ClusterModel) => [...new Set(generateIngress(model).map((each) => each.path.split('/')[1]))];
    expect(hosts(seed)).toEqual(['consul-1', 'consul-2']);
    expect(hosts(modern)).toEqual(['lb-1', 'lb-2']);
    expect(hosts(edge)).toEqual(['c3', 'c4']);
    expect(generateIngress(seed).filter((each) => each.path.startsWith('hosts/consul-1/')).map((each) => each.path)).toEqual([
      'hosts/consul-1/etc/consul-template/config.hcl',
      'hosts/consul-1/etc/consul-template/nginx.conf.ctmpl',
      'hosts/consul-1/etc/consul-template/nginx.conf.preview',
      'hosts/consul-1/etc/systemd/system/consul-template.service',
    ]);
  });

  it('owns nginx.conf where the load balancer package does not write it, and never writes it itself', () => {
    for (const model of [seed, modern, edge]) {
      const written = new Set(loadBalancerGenerators.flatMap((generate) => generate(model)).map((each) => each.path));
      for (const host of model.consul!.ingressHosts) expect(written.has(`hosts/${host.name}${NGINX_CONF_PATH}`)).toBe(false);
      expect(generateIngress(model).some((each) => each.path.endsWith(NGINX_CONF_PATH))).toBe(false);
    }
  });

  it('config.hcl: perms is the string "0644", nginx -t runs before the reload, the template renders to nginx.conf', () => {
    const hcl = configOf(seed, 'consul-1');
    expect(hcl).toMatch(/^\s*perms\s*=\s*"0644"$/m);
    expect(hcl).not.toMatch(/perms\s*=\s*0?644\b/);
    const command = /^\s*command\s*=\s*"(.*)"$/m.exec(hcl)![1];
    expect(command).toBe("sh -c 'nginx -t && nginx -s reload'");
    expect(command.indexOf('nginx -t &&')).toBeLessThan(command.indexOf('nginx -s reload'));
    expect(hcl).toMatch(/^\s*source\s*=\s*"\/etc\/consul-template\/nginx\.conf\.ctmpl"$/m);
    expect(hcl).toMatch(/^\s*destination\s*=\s*"\/etc\/nginx\/nginx\.conf"$/m);
    expect(hcl).toMatch(/wait \{\n\s+min = "2s"\n\s+max = "10s"\n\s+\}/);
  });

  it('asks its own agent where it runs one, else the first server', () => {
    expect(configOf(seed, 'consul-2')).toMatch(/^\s*address = "127\.0\.0\.1:8500"$/m);
    expect(configOf(modern, 'lb-1')).toMatch(/^\s*address = "127\.0\.0\.1:8500"$/m);
    const emeiIngress = variant('seed-ha', [['roles: [control-plane, apiserver-lb]', 'roles: [control-plane, apiserver-lb, ingress]']]);
    expect(configOf(emeiIngress, 'emei')).toMatch(/^\s*address = "192\.168\.0\.129:8500"$/m);
    const unit = file(emeiIngress, 'emei', '/etc/systemd/system/consul-template.service');
    expect(unit).not.toContain('consul.service');
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/bin\/consul-template -config=\/etc\/consul-template\/config\.hcl$/m);
    expect(file(seed, 'consul-1', '/etc/systemd/system/consul-template.service')).toMatch(/^After=network-online\.target nginx\.service consul\.service$/m);
  });

  it('keeps the static load balancers of the host inside its template (Harbor http, apiserver stream)', () => {
    expect(templateOf(seed, 'consul-1')).toContain('upstream harbor {');
    expect(templateOf(seed, 'consul-1')).not.toContain('kube_apiserver');
    expect(templateOf(modern, 'lb-1')).toContain('upstream harbor {');
    expect(templateOf(modern, 'lb-1')).toContain('proxy_pass kube_apiserver;');
    expect(templateOf(edge, 'c3')).not.toContain('harbor');
    const emeiIngress = variant('seed-ha', [['roles: [control-plane, apiserver-lb]', 'roles: [control-plane, apiserver-lb, ingress]']]);
    expect(templateOf(emeiIngress, 'emei')).toContain('proxy_pass kube_apiserver;');
  });

  it('http services: a sized zone, the instances of the declared service or the fallback, server_name <service>.<domain> on 80', () => {
    const template = templateOf(modern, 'lb-1');
    for (const name of ['web', 'api']) {
      const upstream = new RegExp(`upstream consul_${name} \\{\\n\\s+zone consul_http_${name} 64k;\\n\\s+\\{\\{- range service "${name}" \\}\\}\\n\\s+server \\{\\{ \\.Address \\}\\}:\\{\\{ \\.Port \\}\\} max_fails=3 fail_timeout=60s weight=1;\\n\\s+\\{\\{- else \\}\\}\\n\\s+server 127\\.0\\.0\\.1:65535 down;\\n\\s+\\{\\{- end \\}\\}\\n\\s+\\}`);
      expect(template).toMatch(upstream);
      expect(template).toMatch(new RegExp(`listen 80;\\n\\s+server_name ${name}\\.apps\\.corp\\.example;\\n\\n\\s+location / \\{\\n\\s+proxy_pass http://consul_${name};`));
    }
    expect(template).not.toContain('range service "postgres-5433" }}\n        server {{ .Address }}:{{ .Port }} max_fails=3 fail_timeout=60s');
    expect(templateOf(seed, 'consul-1')).toContain('server_name httpfront.tonybai.com;');
    expect(templateOf(seed, 'consul-1')).not.toContain('httpbackend');
  });

  it('tcp services named <name>-<port>: least_conn stream upstream, listen on <port>', () => {
    const template = templateOf(seed, 'consul-2');
    const stream = template.slice(template.indexOf('stream {'));
    expect(stream).toMatch(/upstream consul_tcpfront-9999 \{\n\s+zone consul_tcp_tcpfront-9999 64k;\n\s+least_conn;\n\s+\{\{- range service "tcpfront-9999" \}\}/);
    expect(stream).toMatch(/server \{\n\s+listen 9999;\n\s+proxy_pass consul_tcpfront-9999;\n\s+\}/);
    expect(templateOf(edge, 'c4')).toMatch(/listen 1883;\n\s+proxy_pass consul_mqtt-1883;/);
    expect(publishedPort({ name: 'tcp-front-9999', tags: ['tcp'] })).toBe(9999);
    expect(() => publishedPort({ name: 'tcpfront', tags: ['tcp'] })).toThrow(/does not end in -<port>/);
    expect(() => publishedPort({ name: 'tcpfront-70000', tags: ['tcp'] })).toThrow(/does not end in -<port>/);
  });

  it('http services without an ingress domain are refused when the spec loads', () => {
    expect(() => variant('seed-ha', [['    ingress:\n      domain: tonybai.com\n', '']])).toThrow(/tagged http but consul\.ingress\.domain is not set/);
  });

  it('the preview lists one instance per Docker host, in consul-template order (agent node, then service ID)', () => {
    const web = declaredCatalog(modern).get('web')!;
    expect(web.map((instance) => `${instance.address}:${instance.port}`)).toEqual(
      ['10.20.0.41', '10.20.0.42', '10.20.0.31', '10.20.0.32', '10.20.0.33', '10.20.0.34'].map((address) => `${address}:8081`),
    );
    // edge: h1..h3 run no agent, so their registrator registers through c1 (node "c1" sorts first).
    expect(declaredCatalog(edge).get('dashboard')!.map((instance) => instance.address)).toEqual(['172.16.2.11', '172.16.2.12', '172.16.2.13', '172.16.1.11', '172.16.1.12', '172.16.1.13', '172.16.1.21', '172.16.1.22']);
    expect(declaredCatalog(seed).get('httpfront')).toEqual([]);
    const preview = previewOf(modern, 'lb-2');
    expect(preview).toContain('        server 10.20.0.41:5433 max_fails=3 fail_timeout=30s weight=1;\n');
    expect(preview).not.toContain('{{');
  });

  it.each([
    ['seed-ha', seed],
    ['modern', modern],
    ['edge', edge],
  ] as const)('%s: the preview is exactly what the template renders for the declared catalog', (_name, model) => {
    const catalog = declaredCatalog(model);
    for (const host of model.consul!.ingressHosts) {
      expect(renderGoTemplate(templateOf(model, host.name), catalog)).toBe(previewOf(model, host.name));
    }
  });

  it('the template and its renderer check can disagree: another catalog gives another text', () => {
    const catalog = new Map<string, Instance[]>([['httpfront', [{ address: '10.0.0.1', port: 32769 }]]]);
    const rendered = renderGoTemplate(templateOf(seed, 'consul-1'), catalog);
    expect(rendered).not.toBe(previewOf(seed, 'consul-1'));
    expect(rendered).toBe(ingressNginxConf(seed, seed.hosts.find((host) => host.name === 'consul-1')!, previewRenderer(catalog)));
    expect(rendered).toContain('server 10.0.0.1:32769 max_fails=3 fail_timeout=60s weight=1;');
  });

  it('escapes {{ in static text so consul-template writes it unchanged', () => {
    const escaped = templateRenderer.literal('log_format x "{{not an action}}";');
    expect(escaped).not.toContain('{{not');
    expect(renderGoTemplate(escaped, new Map())).toBe('log_format x "{{not an action}}";');
  });

  it.each(fixtureSpecs())('%s: every ingress preview passes nginx -t', (spec) => {
    const model = loadFixture(spec);
    expect(model.consul!.ingressHosts.length).toBeGreaterThan(0);
    for (const host of model.consul!.ingressHosts) {
      const verdict = nginxTestWithThrowawayCert(previewOf(model, host.name));
      expect(verdict.output).toContain('syntax is ok');
      expect(verdict.ok).toBe(true);
    }
  });

  it('a preview with services that have zero instances passes nginx -t thanks to the fallback', () => {
    const preview = previewOf(seed, 'consul-1');
    expect(preview.match(new RegExp(FALLBACK_SERVER.replace(/\./g, '\\.'), 'g'))).toHaveLength(2);
    const verdict = nginxTest(preview);
    expect(verdict.output).toContain('syntax is ok');
    expect(verdict.ok).toBe(true);
  });

  it('without the fallback the same preview is refused by nginx', () => {
    const broken = previewOf(seed, 'consul-1').split(`\n        ${FALLBACK_SERVER}`).join('');
    expect(broken).not.toContain(FALLBACK_SERVER);
    const verdict = nginxTest(broken);
    expect(verdict.ok).toBe(false);
    expect(verdict.output).toMatch(/no servers are inside upstream/);
  });

  it('is deterministic', () => {
    expect(generateIngress(loadFixture('fixtures/modern/cluster.yaml'))).toEqual(generateIngress(modern));
  });
});
