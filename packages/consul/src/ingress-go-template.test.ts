import type { ClusterModel } from '@clusterspec/spec';
import { loadFixture, variant } from '../../../tests/support/fixtures';
import { generateIngress } from './consul-template';
import { templateRenderer } from './ingress-go-template';
import { EMPTY_CATALOG, INSTANCE_PORT_PATTERN, portRangePattern, publishedPort, type Catalog, type Instance } from './ingress-nginx';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const modern = loadFixture('fixtures/modern/cluster.yaml');
const edge = loadFixture('fixtures/edge/cluster.yaml');
/** The same sites with the ingress publishing the declared services only (issue 14's `declared`). */
const declaredOf = (name: 'seed-ha' | 'modern', domain: string) =>
  variant(name, [[`ingress:\n      domain: ${domain}\n`, `ingress:\n      domain: ${domain}\n      discovery: declared\n`]]);

const seedDeclared = declaredOf('seed-ha', 'tonybai.com');
const modernDeclared = declaredOf('modern', 'apps.corp.example');
const file = (model: ClusterModel, host: string, path: string) => {
  const found = generateIngress(model).find((each) => each.path === `hosts/${host}${path}`);
  if (!found) throw new Error(`no ${path} on ${host}`);
  return found.content;
};

const templateOf = (model: ClusterModel, host: string) => file(model, host, '/etc/consul-template/nginx.conf.ctmpl');
/**
 * The part of Go's text/template that the generated template uses, evaluated the way consul-template
 * would: text, `{{- ` / ` -}}` trimming, `range service "<name>"` with `else`, `.Address`, `.Port`
 * and string literals. Anything else is an error, so a template using more fails here.
 */
function renderGoTemplate(template: string, catalog: Catalog): string {
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
        const instances = catalog.instances(range[1]);
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

describe('the ingress nginx.conf template consul-template renders (Go text/template)', () => {
  it('keeps the static load balancers of the host inside its template (Harbor http, apiserver stream)', () => {
    expect(templateOf(seed, 'consul-1')).toContain('upstream harbor {');
    expect(templateOf(seed, 'consul-1')).not.toContain('kube_apiserver');
    expect(templateOf(modern, 'lb-1')).toContain('upstream harbor {');
    expect(templateOf(modern, 'lb-1')).toContain('proxy_pass kube_apiserver;');
    expect(templateOf(edge, 'c3')).not.toContain('harbor');
    const emeiIngress = variant('seed-ha', [['roles: [control-plane, apiserver-lb]', 'roles: [control-plane, apiserver-lb, ingress]']]);
    expect(templateOf(emeiIngress, 'emei')).toContain('proxy_pass kube_apiserver;');
  });

  it('discovery is dynamic unless the spec says declared', () => {
    expect(modern.consul!.ingressDiscovery).toBe('dynamic');
    expect(modernDeclared.consul!.ingressDiscovery).toBe('declared');
    expect(edge.consul!.ingressDiscovery).toBe('declared');
    expect(templateOf(modern, 'lb-1')).toContain('{{- range services }}');
    expect(templateOf(modernDeclared, 'lb-1')).not.toContain('range services');
  });

  it('declared http services: a sized zone, the instances of the declared service or the fallback, server_name <service>.<domain> on 80', () => {
    const template = templateOf(modernDeclared, 'lb-1');
    for (const name of ['web', 'api']) {
      const upstream = template.slice(
        template.indexOf(`upstream consul_${name} {`),
        template.indexOf('\n    }', template.indexOf(`upstream consul_${name} {`)),
      );
      expect(upstream).toMatch(
        new RegExp(
          `^upstream consul_${name} \\{\\n\\s+zone consul_http_${name} 64k;\\n\\s+\\{\\{- \\$written := false \\}\\}\\n\\s+\\{\\{- range service "${name}" \\}\\}\\n`,
        ),
      );
      // Only an instance with a port of 1-65535 and a plain address is written (IPv6 bracketed); none written gives the fallback.
      expect(upstream).toContain(`{{- if not (regexMatch "${INSTANCE_PORT_PATTERN}" (print .Port)) }}`);
      expect(upstream).toContain(
        'server {{ if regexMatch ":" .Address }}[{{ .Address }}]{{ else }}{{ .Address }}{{ end }}:{{ .Port }} max_fails=3 fail_timeout=60s weight=1;',
      );
      expect(upstream).toMatch(/\{\{- if not \$written \}\}\n\s+server 127\.0\.0\.1:65535 down;\n\s+\{\{- end \}\}$/);
      expect(template).toMatch(
        new RegExp(`listen 80;\\n\\s+server_name ${name}\\.apps\\.corp\\.example;\\n\\n\\s+location / \\{\\n\\s+proxy_pass http://consul_${name};`),
      );
    }
    expect(template).not.toContain('range service "postgres-5433" }}\n        server {{ .Address }}:{{ .Port }} max_fails=3 fail_timeout=60s');
    expect(templateOf(seedDeclared, 'consul-1')).toContain('server_name httpfront.tonybai.com;');
    expect(templateOf(seedDeclared, 'consul-1')).not.toContain('httpbackend');
  });

  it('dynamic http: every catalog service tagged http whose name is a DNS label, its http-tagged instances, server_name <name>.<domain>', () => {
    const template = templateOf(modern, 'lb-1');
    const http = template.slice(template.indexOf('# Consul services tagged http'), template.indexOf('stream {'));
    expect(http).toContain('{{- range services }}{{- if in .Tags "http" }}');
    expect(http).toContain(
      '{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" .Name) }}\n    # skipped http service {{ printf "%+q" .Name }}: its name is not a DNS label',
    );
    expect(http).toMatch(
      /upstream consul_\{\{ \.Name \}\} \{\n\s+zone consul_http_\{\{ \.Name \}\} 64k;\n\s+\{\{- \$written := false \}\}\n\s+\{\{- range service \(print "http\." \.Name\) \}\}/,
    );
    expect(http).toContain('server_name {{ .Name }}.apps.corp.example;');
    // No declared name is written into the dynamic template: a new service needs no regeneration.
    expect(http).not.toMatch(/\b(web|api)\b/);
  });

  it('dynamic tcp: the port rules in order, the ports this host uses as a literal set, each port once (scratch)', () => {
    const template = templateOf(modern, 'lb-1');
    const stream = template.slice(template.indexOf('# Consul services tagged tcp'));
    const checks = [...stream.matchAll(/\{\{- (?:else )?if (.*?) \}\}\n\s+# skipped tcp service .*?: (.*)/g)].map((match) => [match[1], match[2]]);
    expect(checks).toEqual([
      ['not (regexMatch "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" .Name)', 'its name is not a DNS label'],
      ['not (regexMatch "-[0-9]+$" .Name)', 'its name does not end in -<port>'],
      [`not (regexMatch "-(${portRangePattern(1024, 32767)})$" .Name)`, 'port {{ $port }} is outside 1024-32767'],
      ['in (split "," "53,80,443,8301,8302,8443,8500") $port', 'port {{ $port }} is used on this host'],
      ['in (split "," "web,api") .Name', 'declared service {{ .Name }} is not tagged tcp'],
      ['and (eq $port "5433") (ne .Name "postgres-5433")', 'port 5433 belongs to declared service postgres-5433'],
      ['scratch.Key (print "tcp-port-" $port)', 'port {{ $port }} is published already, by {{ scratch.Get (print "tcp-port-" $port) }}'],
    ]);
    expect(stream).toMatch(/\{\{- scratch\.Set \(print "tcp-port-" \$port\) \.Name \}\}\n\n\s+upstream consul_\{\{ \.Name \}\}/);
    expect(stream).toMatch(/listen \{\{ \$port \}\};\n\s+proxy_pass consul_\{\{ \.Name \}\};/);
  });

  it('declared tcp services named <name>-<port>: least_conn stream upstream, listen on <port>', () => {
    const template = templateOf(seedDeclared, 'consul-2');
    const stream = template.slice(template.indexOf('stream {'));
    expect(stream).toMatch(
      /upstream consul_tcpfront-9999 \{\n\s+zone consul_tcp_tcpfront-9999 64k;\n\s+least_conn;\n\s+\{\{- \$written := false \}\}\n\s+\{\{- range service "tcpfront-9999" \}\}/,
    );
    expect(stream).toMatch(/server \{\n\s+listen 9999;\n\s+proxy_pass consul_tcpfront-9999;\n\s+\}/);
    expect(templateOf(edge, 'c4')).toMatch(/listen 1883;\n\s+proxy_pass consul_mqtt-1883;/);
    expect(publishedPort({ name: 'tcp-front-9999', tags: ['tcp'] })).toBe(9999);
    expect(() => publishedPort({ name: 'tcpfront', tags: ['tcp'] })).toThrow(/does not end in -<port>/);
    expect(() => publishedPort({ name: 'tcpfront-70000', tags: ['tcp'] })).toThrow(/does not end in -<port>/);
  });

  // Every template, declared and dynamic, is rendered by Go's own text/template and compared with its
  // preview in tests/acceptance/go-template.test.ts (also over other catalogs, hostile ones included).
  it('escapes {{ in static text so consul-template writes it unchanged', () => {
    const escaped = templateRenderer.literal('log_format x "{{not an action}}";');
    expect(escaped).not.toContain('{{not');
    expect(renderGoTemplate(escaped, EMPTY_CATALOG)).toBe('log_format x "{{not an action}}";');
  });
});
