import { loadBalancerGenerators, NGINX_CONF_PATH } from '@clusterspec/loadbalancer';
import type { ClusterModel } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSpecs, loadFixture, variant } from '../../../tests/support/fixtures';
import { nginxTest } from '../../../tests/support/nginx';
import {
  declaredCatalog,
  discoveryRules,
  EMPTY_CATALOG,
  FALLBACK_SERVER,
  generateIngress,
  INSTANCE_PORT_PATTERN,
  instanceSkipReason,
  portRangePattern,
  previewRenderer,
  publishedPort,
  quoteToAscii,
  skipReason,
  templateRenderer,
  type Catalog,
  type Instance,
} from './ingress';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const modern = loadFixture('fixtures/modern/cluster.yaml');
const edge = loadFixture('fixtures/edge/cluster.yaml');

/** The same sites with the ingress publishing the declared services only (issue 14's `declared`). */
const declaredOf = (name: 'seed-ha' | 'modern', domain: string) =>
  variant(name, [[`ingress:\n      domain: ${domain}\n`, `ingress:\n      domain: ${domain}\n      discovery: declared\n`]]);
const seedDeclared = declaredOf('seed-ha', 'tonybai.com');
const modernDeclared = declaredOf('modern', 'apps.corp.example');
/** A catalog of the given services, each instance list given per service (both tags see the same). */
const catalogOf = (entries: Record<string, { tags?: string[]; instances?: Instance[] }>): Catalog => ({
  services: Object.entries(entries).map(([name, entry]) => ({ name, tags: entry.tags ?? [] })),
  instances: (name, tag) => (tag === undefined || (entries[name]?.tags ?? []).includes(tag) ? (entries[name]?.instances ?? []) : []),
});

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

/** nginx -t of a config whose TLS certificate paths are swapped for a throwaway self-signed pair. */
function nginxTestWithThrowawayCert(config: string) {
  if (!/ssl_certificate /.test(config)) return nginxTest(config);
  const directory = mkdtempSync(join(tmpdir(), 'clusterspec-cert-'));
  try {
    const cert = join(directory, 'server.crt');
    const key = join(directory, 'server.key');
    const made = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=clusterspec-test', '-keyout', key, '-out', cert],
      { encoding: 'utf8' },
    );
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
    expect(
      generateIngress(seed)
        .filter((each) => each.path.startsWith('hosts/consul-1/'))
        .map((each) => each.path),
    ).toEqual([
      'hosts/consul-1/etc/consul-template/config.hcl',
      'hosts/consul-1/etc/consul-template/nginx.conf.ctmpl',
      'hosts/consul-1/etc/consul-template/nginx.conf.preview',
      'hosts/consul-1/etc/consul-template/reload-nginx.sh',
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

  it('config.hcl: perms is the string "0644", a backup of the previous file, the reload script as command, the template renders to nginx.conf', () => {
    const hcl = configOf(seed, 'consul-1');
    expect(hcl).toMatch(/^\s*perms\s*=\s*"0644"$/m);
    expect(hcl).not.toMatch(/perms\s*=\s*0?644\b/);
    expect(hcl).toMatch(/^\s*backup\s*=\s*true$/m);
    expect(/^\s*command\s*=\s*"(.*)"$/m.exec(hcl)![1]).toBe('/etc/consul-template/reload-nginx.sh');
    expect(hcl).toMatch(/^\s*command_timeout\s*=\s*"30s"$/m);
    expect(hcl).toMatch(/^\s*source\s*=\s*"\/etc\/consul-template\/nginx\.conf\.ctmpl"$/m);
    expect(hcl).toMatch(/^\s*destination\s*=\s*"\/etc\/nginx\/nginx\.conf"$/m);
    expect(hcl).toMatch(/wait \{\n\s+min = "2s"\n\s+max = "10s"\n\s+\}/);
  });

  it('config.hcl: signals as the unit sends them, stale reads from any server, de-duplication from five ingress hosts on', () => {
    const hcl = configOf(modern, 'lb-1');
    expect(hcl).toMatch(/^reload_signal = "SIGHUP"$/m);
    expect(hcl).toMatch(/^kill_signal\s+= "SIGINT"$/m);
    const unit = file(modern, 'lb-1', '/etc/systemd/system/consul-template.service');
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    expect(unit).toMatch(/^KillSignal=SIGINT$/m);
    expect(hcl).toMatch(/^max_stale = "10s"$/m);
    expect(hcl).not.toContain('deduplicate {');
    // Five ingress hosts: three workers become ingress hosts too.
    const four = variant(
      'modern',
      [0, 1].map(() => ['roles: [worker, consul-client]', 'roles: [worker, ingress, consul-client]'] as [string, string]),
    );
    expect(four.consul!.ingressHosts.length).toBe(4);
    expect(configOf(four, 'lb-1')).not.toContain('deduplicate {');
    const five = variant(
      'modern',
      [0, 1, 2].map(() => ['roles: [worker, consul-client]', 'roles: [worker, ingress, consul-client]'] as [string, string]),
    );
    expect(five.consul!.ingressHosts.length).toBe(5);
    expect(configOf(five, 'lb-1')).toMatch(/deduplicate \{\n\s+enabled = true\n\s+prefix\s+= "consul-template\/dedup\/"\n\}/);
  });

  describe('reload-nginx.sh, with a stand-in nginx whose -t refuses files holding BROKEN', () => {
    const script = file(seed, 'consul-1', '/etc/consul-template/reload-nginx.sh');
    let directory: string;
    let conf: string;
    const run = () => {
      const fake = join(directory, 'bin', 'nginx');
      const body = `#!/bin/sh\nif [ "$1" = -t ]; then ! grep -q BROKEN "$4"; exit $?; fi\necho "$@" >> ${directory}/reloads\n`;
      spawnSync('mkdir', ['-p', join(directory, 'bin')]);
      writeFileSync(fake, body);
      chmodSync(fake, 0o755);
      const local = join(directory, 'reload-nginx.sh');
      writeFileSync(local, script.split('/etc/nginx/nginx.conf').join(conf));
      return spawnSync('sh', [local], { encoding: 'utf8', env: { PATH: `${join(directory, 'bin')}:/usr/bin:/bin` } });
    };
    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), 'clusterspec-reload-'));
      conf = join(directory, 'nginx.conf');
    });
    afterEach(() => rmSync(directory, { recursive: true, force: true }));

    it('is the file consul-template runs, executable', () => {
      const artifact = generateIngress(seed).find((each) => each.path === 'hosts/consul-1/etc/consul-template/reload-nginx.sh')!;
      expect(artifact.mode).toBe(0o755);
      expect(artifact.content.startsWith('#!/bin/sh\n')).toBe(true);
    });

    it('with no nginx master running, keeps the accepted file for nginx to load when it starts, and says so', () => {
      writeFileSync(conf, 'good new\n');
      writeFileSync(`${conf}.bak`, 'good old\n');
      const result = run();
      expect(result.status).toBe(0);
      expect(readFileSync(conf, 'utf8')).toBe('good new\n');
      expect(result.stderr).toMatch(/no nginx master runs \(no live pid in \/run\/nginx\.pid\)/);
    });

    it('puts the previous file back, keeps the refused one aside, does not reload, and exits 0 so consul-template keeps running', () => {
      writeFileSync(conf, 'BROKEN new\n');
      writeFileSync(`${conf}.bak`, 'good old\n');
      const result = run();
      expect(result.status).toBe(0);
      expect(existsSync(join(directory, 'reloads'))).toBe(false);
      expect(readFileSync(conf, 'utf8')).toBe('good old\n');
      expect(readFileSync(`${conf}.refused`, 'utf8')).toBe('BROKEN new\n');
      expect(result.stderr).toMatch(/nginx -t refused the new .*nginx\.conf \(kept as .*nginx\.conf\.refused\); the previous file is back/);
    });

    it('reports the same refused render once: the next identical one is put back without a word, a different one is reported', () => {
      writeFileSync(`${conf}.bak`, 'good old\n');
      writeFileSync(conf, 'BROKEN new\n');
      expect(run().stderr).toMatch(/nginx -t refused/);
      writeFileSync(conf, 'BROKEN new\n');
      const again = run();
      expect(again.status).toBe(0);
      expect(again.stderr).toBe('');
      expect(readFileSync(conf, 'utf8')).toBe('good old\n');
      writeFileSync(conf, 'BROKEN other\n');
      expect(run().stderr).toMatch(/nginx -t refused/);
      expect(readFileSync(`${conf}.refused`, 'utf8')).toBe('BROKEN other\n');
    });

    it('without a backup, leaves the refused file in place and says so', () => {
      writeFileSync(conf, 'BROKEN new\n');
      const result = run();
      expect(result.status).toBe(0);
      expect(existsSync(join(directory, 'reloads'))).toBe(false);
      expect(result.stderr).toMatch(/there is no .*nginx\.conf\.bak to put back/);
    });
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

  it('the ports a discovered tcp service may not take: 80, 443 and every port of the listener table port-conflict judges', () => {
    const lb1 = modern.hosts.find((host) => host.name === 'lb-1')!;
    // lb-1: apiserver balancer 8443, Harbor balancer 443, a Consul client (8301, 8302, 8500, DNS on 53).
    expect(discoveryRules(modern, lb1).takenPorts).toEqual([53, 80, 443, 8301, 8302, 8443, 8500]);
    const consul2 = seed.hosts.find((host) => host.name === 'consul-2')!;
    // consul-2 is a Docker host too: httpbackend's container publishes 8081 there (issue 24, item 1).
    expect(discoveryRules(seed, consul2).takenPorts).toEqual([53, 80, 443, 8081, 8300, 8301, 8302, 8500, 8989]);
    expect(discoveryRules(modern, lb1).tcpPorts).toEqual({ from: 1024, to: 32767 });
  });

  it('portRangePattern matches exactly the numbers of its range, written without leading zeros', () => {
    for (const [from, to] of [
      [1024, 32767],
      [1, 65535],
      [30000, 30999],
      [9, 11],
      [5433, 5433],
      [1000, 1999],
    ]) {
      const pattern = new RegExp(`^(${portRangePattern(from, to)})$`);
      for (let port = 0; port <= 70000; port++) expect([port, pattern.test(String(port))]).toEqual([port, port >= from && port <= to]);
      expect(pattern.test(`0${from}`)).toBe(false);
    }
  });

  it('skipReason: the rules the dynamic template applies, in its order', () => {
    const lb1 = modern.hosts.find((host) => host.name === 'lb-1')!;
    const rules = discoveryRules(modern, lb1);
    const taken = new Map([['5434', 'db-5434']]);
    expect(skipReason('http', 'web', rules, taken)).toBeUndefined();
    expect(skipReason('http', 'We b', rules, taken)).toBe('skipped http service "We b": its name is not a DNS label');
    expect(skipReason('tcp', 'a\nb-5000', rules, taken)).toBe('skipped tcp service "a\\nb-5000": its name is not a DNS label');
    expect(skipReason('tcp', 'mqtt', rules, taken)).toBe('skipped tcp service mqtt: its name does not end in -<port>');
    expect(skipReason('tcp', 'x-0', rules, taken)).toBe('skipped tcp service x-0: port 0 is outside 1024-32767');
    expect(skipReason('tcp', 'x-70000', rules, taken)).toBe('skipped tcp service x-70000: port 70000 is outside 1024-32767');
    expect(skipReason('tcp', 'x-8443', rules, taken)).toBe('skipped tcp service x-8443: port 8443 is used on this host');
    // A declared service's port is its own, whatever the order of names: evil-5433 sorts before postgres-5433.
    expect(skipReason('tcp', 'evil-5433', rules, taken)).toBe('skipped tcp service evil-5433: port 5433 belongs to declared service postgres-5433');
    expect(skipReason('tcp', 'postgres-5433', rules, taken)).toBeUndefined();
    // A declared name is the declared service's, under its own tags only.
    expect(skipReason('tcp', 'web', rules, taken)).toBe('skipped tcp service web: its name does not end in -<port>');
    expect(skipReason('http', 'postgres-5433', rules, taken)).toBe('skipped http service postgres-5433: declared service postgres-5433 is not tagged http');
    expect(skipReason('tcp', 'pg-5434', rules, taken)).toBe('skipped tcp service pg-5434: port 5434 is published already, by db-5434');
    expect(skipReason('tcp', 'pg-5435', rules, taken)).toBeUndefined();
  });

  it('instanceSkipReason: a port of 1-65535 and a plain IPv4, IPv6 or DNS name address, else one comment line that nginx cannot misread', () => {
    for (const address of ['10.0.0.1', 'fd00::5', '::1', '2001:db8::192.0.2.1', '::ffff:10.0.0.1', 'localhost', 'db-1.example.com', 'a'.repeat(63)])
      expect([address, instanceSkipReason({ address, port: 8080 })]).toEqual([address, undefined]);
    for (const port of [0, 65536, 70000, -1])
      expect(instanceSkipReason({ address: '10.0.0.1', port })).toBe(`skipped instance "10.0.0.1":${port}: its port is outside 1-65535`);
    for (const address of [
      '',
      '10.0.0.1; include /etc/passwd',
      '10.0.0.256',
      'fd00::5:8080:1:2:3:4:5:6',
      'a b',
      'x}',
      'ünï.example',
      'new\nline',
      '[fd00::5]',
      '1.2.3',
      `${'a'.repeat(64)}.example`,
      `${'a.'.repeat(127)}ab`,
    ])
      expect([address, instanceSkipReason({ address, port: 8080 })]).toEqual([
        address,
        `skipped instance ${quoteToAscii(address)}:8080: its address is not an IPv4 or IPv6 address or a DNS name`,
      ]);
    const preview = previewRenderer(
      catalogOf({
        x: {
          instances: [
            { address: 'fd00::5', port: 8080 },
            { address: '1.2.3.4;evil', port: 80 },
          ],
        },
      }),
    ).servers('x', 'p=1');
    expect(preview).toBe('    server [fd00::5]:8080 p=1;\n    # skipped instance "1.2.3.4;evil":80: its address is not an IPv4 or IPv6 address or a DNS name');
    const none = previewRenderer(catalogOf({ x: { instances: [{ address: '10.0.0.1', port: 0 }] } })).servers('x', 'p=1');
    expect(none).toBe(`    # skipped instance "10.0.0.1":0: its port is outside 1-65535\n    ${FALLBACK_SERVER}`);
  });

  it("quoteToAscii is Go's %+q: escapes, non-ASCII as \\u/\\U, so a name cannot leave its comment line", () => {
    expect(quoteToAscii('a b;{}')).toBe('"a b;{}"');
    expect(quoteToAscii('x\ny"z\\')).toBe('"x\\ny\\"z\\\\"');
    expect(quoteToAscii('ünï\u0000\u007f😀')).toBe('"\\u00fcn\\u00ef\\x00\\x7f\\U0001f600"');
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

  it('http services without an ingress domain are refused when the spec loads', () => {
    expect(() => variant('seed-ha', [['    ingress:\n      domain: tonybai.com\n', '']])).toThrow(/tagged http but consul\.ingress\.domain is not set/);
  });

  it('the preview lists one instance per Docker host, in consul-template order (agent node, then service ID)', () => {
    const web = declaredCatalog(modern).instances('web');
    expect(web.map((instance) => `${instance.address}:${instance.port}`)).toEqual(
      ['10.20.0.41', '10.20.0.42', '10.20.0.31', '10.20.0.32', '10.20.0.33', '10.20.0.34'].map((address) => `${address}:8081`),
    );
    // edge: h1..h3 run no agent, so their registrator registers through c1 (node "c1" sorts first).
    expect(
      declaredCatalog(edge)
        .instances('dashboard')
        .map((instance) => instance.address),
    ).toEqual(['172.16.2.11', '172.16.2.12', '172.16.2.13', '172.16.1.11', '172.16.1.12', '172.16.1.13', '172.16.1.21', '172.16.1.22']);
    expect(declaredCatalog(seed).instances('httpfront')).toEqual([]);
    // `service "<tag>.<name>"` sees the instances only under the service's own tags.
    expect(declaredCatalog(modern).instances('web', 'http')).toEqual(web);
    expect(declaredCatalog(modern).instances('web', 'tcp')).toEqual([]);
    const preview = previewOf(modern, 'lb-2');
    expect(preview).toContain('        server 10.20.0.41:5433 max_fails=3 fail_timeout=30s weight=1;\n');
    expect(preview).not.toContain('{{');
  });

  // Every template, declared and dynamic, is rendered by Go's own text/template and compared with its
  // preview in tests/acceptance/go-template.test.ts (also over other catalogs, hostile ones included).
  it('escapes {{ in static text so consul-template writes it unchanged', () => {
    const escaped = templateRenderer.literal('log_format x "{{not an action}}";');
    expect(escaped).not.toContain('{{not');
    expect(renderGoTemplate(escaped, EMPTY_CATALOG)).toBe('log_format x "{{not an action}}";');
  });

  // Consul is optional: fixtures without it (vip-pernode) have no ingress to judge.
  it.each(fixtureSpecs().filter((spec) => loadFixture(spec).consul))('%s: every ingress preview passes nginx -t', (spec) => {
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
