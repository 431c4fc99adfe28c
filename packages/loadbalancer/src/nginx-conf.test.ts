import { nginxTest } from '../../../tests/support/nginx';
import { EDGE_ENGINE_LINE, fixtureSpecs, loadFixture, variant } from '../../../tests/support/fixtures';
import { generateLoadBalancerNginx as generateApiServerLoadBalancer, NGINX_CONF_PATH } from './nginx-conf';

/** The edge site with engine nginx (the fixture itself balances with haproxy, the default). */
const edgeWithNginx = () => variant('edge', [[EDGE_ENGINE_LINE, '      engine: nginx\n']]);

describe('apiserver load balancer nginx.conf', () => {
  const seed = generateApiServerLoadBalancer(loadFixture('fixtures/seed-ha/cluster.yaml'));

  it('is written on every load-balancer host that is not an ingress host (consul-template owns nginx.conf there)', () => {
    expect(seed.map((file) => file.path)).toEqual([`hosts/emei${NGINX_CONF_PATH}`]);
    expect(generateApiServerLoadBalancer(loadFixture('fixtures/modern/cluster.yaml'))).toEqual([]);
    const edge = generateApiServerLoadBalancer(edgeWithNginx());
    expect(edge.map((file) => file.path)).toEqual([`hosts/lb${NGINX_CONF_PATH}`, `hosts/hlb${NGINX_CONF_PATH}`]);
  });

  it('puts the Harbor balancer in http and loads the stream module only where a stream section exists', () => {
    const [apiServer, harbor] = generateApiServerLoadBalancer(edgeWithNginx()).map((file) => file.content);
    expect(apiServer).toMatch(/^stream \{$/m);
    expect(apiServer).not.toMatch(/^http \{$/m);
    expect(harbor).toMatch(/^http \{$/m);
    expect(harbor).not.toContain('load_module');
    expect(harbor).toMatch(/^\s+client_max_body_size 0;$/m);
    expect([...harbor.matchAll(/^\s+server (\S+) /gm)].map((match) => match[1])).toEqual(['172.16.2.11:8080', '172.16.2.12:8080', '172.16.2.13:8080']);
  });

  it('balances over every control-plane apiserver at bindPort and listens on the LB port with the spec timeouts', () => {
    const conf = seed[0].content;
    const upstreams = [...conf.matchAll(/^\s+server (\S+) /gm)].map((match) => match[1]);
    expect(upstreams).toEqual(['10.27.53.32:6443', '10.24.138.208:6443', '10.27.52.72:6443']);
    expect(conf).toMatch(/^\s+listen 8443;$/m);
    expect(conf).toMatch(/^\s+proxy_connect_timeout 1s;$/m);
    expect(conf).toMatch(/^\s+proxy_timeout 10m;$/m);
    expect(conf).toMatch(/^load_module \/usr\/lib\/nginx\/modules\/ngx_stream_module\.so;$/m);
  });

  it("follows the hosts' OS family: Debian's module path and www-data by default, RHEL's lib64 path and user nginx", () => {
    const debian = seed[0].content;
    expect(debian).toMatch(/^load_module \/usr\/lib\/nginx\/modules\/ngx_stream_module\.so;$/m);
    expect(debian).toMatch(/^user www-data;$/m);
    const rhel = generateApiServerLoadBalancer(variant('seed-ha', [['spec:\n  hosts:', 'spec:\n  osFamily: rhel\n  hosts:']]))[0].content;
    expect(rhel).toMatch(/^load_module \/usr\/lib64\/nginx\/modules\/ngx_stream_module\.so;$/m);
    expect(rhel).toMatch(/^user nginx;$/m);
    // Nothing else differs: the same balancer on the other family's paths.
    expect(rhel.replace('/usr/lib64/', '/usr/lib/').replace('user nginx;', 'user www-data;')).toBe(debian);
  });

  it('follows the spec: another bindPort and timeouts change the config', () => {
    const model = variant('seed-ha', [
      ['bindPort: 6443', 'bindPort: 6444'],
      ['proxyTimeout: 10m', 'proxyTimeout: 30m'],
    ]);
    const conf = generateApiServerLoadBalancer(model)[0].content;
    expect(conf).toContain('server 10.27.53.32:6444 ');
    expect(conf).toMatch(/proxy_timeout 30m;/);
  });

  it.each(fixtureSpecs())('passes nginx -t for every load balancer of %s', (file) => {
    for (const artifact of generateApiServerLoadBalancer(loadFixture(file))) {
      const verdict = nginxTest(artifact.content);
      expect(verdict.output).toContain('syntax is ok');
      expect(verdict.ok).toBe(true);
    }
  });

  it('is judged by a real nginx that does reject a broken config', () => {
    const broken = seed[0].content.replace('proxy_pass kube_apiserver;', 'proxy_pass kube_apiserver');
    const verdict = nginxTest(broken);
    expect(verdict.ok).toBe(false);
    expect(verdict.output).toMatch(/emerg/);
  });
});
