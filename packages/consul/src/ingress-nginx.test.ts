import type { ClusterModel } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSpecs, loadFixture, variant } from '../../../tests/support/fixtures';
import { nginxTest } from '../../../tests/support/nginx';
import { generateIngress } from './consul-template';
import {
  declaredCatalog,
  discoveryRules,
  FALLBACK_SERVER,
  instanceSkipReason,
  portRangePattern,
  previewRenderer,
  quoteToAscii,
  skipReason,
  type Catalog,
  type Instance,
} from './ingress-nginx';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const modern = loadFixture('fixtures/modern/cluster.yaml');
const edge = loadFixture('fixtures/edge/cluster.yaml');
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

const previewOf = (model: ClusterModel, host: string) => file(model, host, '/etc/consul-template/nginx.conf.preview');
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

describe('the ingress nginx.conf: discovery rules, server lines, and the preview nginx -t judges', () => {
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
});
