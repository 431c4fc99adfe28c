import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EDGE_ENGINE_LINE, loadFixture, variant } from '../../../tests/support/fixtures';
import { deadline } from '../../../tests/support/deadline';
import { generatedSites } from '../../../tests/support/generated-sites';
import { generateHaproxy, HAPROXY_CFG_PATH } from './haproxy';
import { generateLoadBalancerNginx } from './nginx-conf';

/** The real haproxy's verdict (`haproxy -c`, Debian's 2.6) on a haproxy.cfg. */
function haproxyCheck(config: string): { ok: boolean; output: string } {
  const directory = mkdtempSync(join(tmpdir(), 'clusterspec-haproxy-'));
  try {
    const file = join(directory, 'haproxy.cfg');
    writeFileSync(file, config);
    const result = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', timeout: deadline(20000) });
    if (result.error) throw result.error;
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The edge site with the engine left to its default (the fixture writes the default out). */
const withDefaultEngine = () => variant('edge', [[EDGE_ENGINE_LINE, '']]);
const modernHaproxy = () => variant('modern', [['      engine: nginx ', '      engine: haproxy ']]);

describe('haproxy as the apiserver balancer', () => {
  it('is the default engine: a site that does not name one gets haproxy.cfg and no apiserver stream in nginx', () => {
    const model = withDefaultEngine();
    expect(model.kubernetes.loadBalancer.engine).toBe('haproxy');
    expect(generateHaproxy(model).map((file) => file.path)).toEqual([`hosts/lb${HAPROXY_CFG_PATH}`]);
    expect(generateLoadBalancerNginx(model).map((file) => file.path)).toEqual(['hosts/hlb/etc/nginx/nginx.conf']);
  });

  it('is not written where the spec keeps nginx (the seed site)', () => {
    expect(generateHaproxy(loadFixture('fixtures/seed-ha/cluster.yaml'))).toEqual([]);
    expect(generateHaproxy(loadFixture('fixtures/seed-ha-toml/cluster.toml'))).toEqual([]);
  });

  it("probes every apiserver's /healthz over TLS as kubeadm's HA guide does, on the same listener, with the spec's timeouts", () => {
    const files = generateHaproxy(modernHaproxy());
    expect(files.map((file) => file.path)).toEqual([`hosts/lb-1${HAPROXY_CFG_PATH}`, `hosts/lb-2${HAPROXY_CFG_PATH}`]);
    const conf = files[0].content;
    expect(conf).toMatch(/^\s+bind \*:8443$/m);
    expect(conf).toMatch(/^\s+mode tcp$/m);
    expect(conf).toMatch(/^\s+option httpchk GET \/healthz$/m);
    expect(conf).toMatch(/^\s+http-check expect status 200$/m);
    expect(conf).toMatch(/^\s+default-server inter 2s fall 3 rise 2$/m);
    expect([...conf.matchAll(/^\s+server (\S+) (\S+) check check-ssl verify none$/gm)].map((match) => `${match[1]} ${match[2]}`)).toEqual([
      'cp-1 10.20.0.21:6443',
      'cp-2 10.20.0.22:6443',
      'cp-3 10.20.0.23:6443',
    ]);
    expect(conf).toMatch(/^\s+timeout connect 2s$/m);
    expect(conf).toMatch(/^\s+timeout client 10m$/m);
    expect(conf).toMatch(/^\s+timeout server 10m$/m);
    const longer = generateHaproxy(
      variant('modern', [
        ['      engine: nginx ', '      engine: haproxy '],
        ['proxyTimeout: 10m', 'proxyTimeout: 1h'],
      ]),
    )[0].content;
    expect(longer).toMatch(/^\s+timeout server 1h$/m);
  });

  it('passes haproxy -c for every generated haproxy.cfg and for the default-engine variants', () => {
    const files = [...generatedSites().flatMap((site) => site.artifacts), ...generateHaproxy(withDefaultEngine()), ...generateHaproxy(modernHaproxy())].filter(
      (file) => file.path.endsWith(HAPROXY_CFG_PATH),
    );
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const verdict = haproxyCheck(file.content);
      expect(verdict.output).toContain('Configuration file is valid');
      expect(verdict.ok).toBe(true);
    }
  });

  it('is judged by a real haproxy that does reject a broken config', () => {
    const verdict = haproxyCheck(generateHaproxy(modernHaproxy())[0].content.replace('http-check expect status 200', 'http-check expect stat 200'));
    expect(verdict.ok).toBe(false);
    expect(verdict.output).toMatch(/ALERT/);
  });
});
