/**
 * The real nginx (`nginx -t`, in a private network namespace: see tests/support/nginx.ts) judges
 * every nginx configuration the generators write, for every fixture:
 *  - hosts/<h>/etc/nginx/nginx.conf (static load balancers: apiserver stream, Harbor http)
 *  - hosts/<h>/etc/consul-template/nginx.conf.preview (what consul-template renders for the
 *    catalog the preview assumes)
 *  - the same ingress nginx.conf rendered with zero instances of every service (the fallback
 *    `server 127.0.0.1:65535 down;` keeps upstreams non-empty)
 *
 * Harbor's https balancer names its certificate and key on the shared storage (e.g.
 * /srv/nfs/harbor/data/cert/server.{crt,key}), which this machine does not have. For this test
 * only, those two paths are replaced textually by a throwaway openssl self-signed pair; nothing
 * else in the config is touched.
 */
import { declaredCatalog, ingressNginxConf, previewRenderer } from '@clusterspec/consul';
import { nginxTest } from '../support/nginx';
import { artifactsMatching, generatedSites, nginxTestWithCertificate, throwawayCertificate, tlsFilesOf } from '../support/generated-sites';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(120000));

let pair: ReturnType<typeof throwawayCertificate>;
beforeAll(() => {
  pair = throwawayCertificate();
});
afterAll(() => pair?.dispose());

const configs = artifactsMatching(/^hosts\/[^/]+\/etc\/(nginx\/nginx\.conf|consul-template\/nginx\.conf\.preview)$/);

describe('nginx -t accepts every generated nginx configuration', () => {
  it('finds static nginx.conf files and previews in the fixtures', () => {
    expect(configs.some(({ artifact }) => artifact.path.endsWith('/etc/nginx/nginx.conf'))).toBe(true);
    expect(configs.some(({ artifact }) => artifact.path.endsWith('/nginx.conf.preview'))).toBe(true);
  });

  it.each(configs.map(({ site, artifact }) => [site.spec, artifact.path, artifact.content] as const))('%s: %s', (_spec, _path, content) => {
    const verdict = nginxTestWithCertificate(content, pair);
    if (!verdict.ok) throw new Error(verdict.output);
    expect(verdict.output).toMatch(/test is successful/);
  });
});

describe('nginx -t accepts the ingress nginx.conf with zero instances of every service', () => {
  const cases = generatedSites().flatMap((site) =>
    (site.model.consul?.ingressHosts ?? [])
      .filter((host) => site.artifacts.some((artifact) => artifact.path === `hosts/${host.name}/etc/consul-template/nginx.conf.ctmpl`))
      // Every declared service registered, none with a healthy instance.
      .map(
        (host) =>
          [
            site.spec,
            host.name,
            ingressNginxConf(site.model, host, previewRenderer({ services: declaredCatalog(site.model).services, instances: () => [] })),
          ] as const,
      ),
  );

  it('has ingress hosts to render', () => expect(cases.length).toBeGreaterThan(0));

  it.each(cases)('%s: %s', (_spec, _host, config) => {
    expect(config).toContain('server 127.0.0.1:65535 down;');
    const verdict = nginxTestWithCertificate(config, pair);
    if (!verdict.ok) throw new Error(verdict.output);
  });
});

describe('the certificate substitution', () => {
  const withTls = configs.filter(({ artifact }) => tlsFilesOf(artifact.content).certs.length > 0);

  it('concerns one certificate and one key per config, and changes no other line', () => {
    expect(withTls.length).toBeGreaterThan(0);
    for (const { artifact } of withTls) {
      const { certs, keys } = tlsFilesOf(artifact.content);
      expect([certs.length, keys.length]).toEqual([1, 1]);
      const before = artifact.content.split('\n');
      const after = artifact.content.split(certs[0]).join(pair.cert).split(keys[0]).join(pair.key).split('\n');
      const changed = before.filter((line, index) => line !== after[index]);
      expect(changed.every((line) => /^\s*ssl_certificate(_key)?\s/.test(line))).toBe(true);
    }
  });

  it('is needed: without it nginx -t refuses the config, as the certificate is not on this machine', () => {
    const { artifact } = withTls[0];
    const verdict = nginxTest(artifact.content);
    expect(verdict.ok).toBe(false);
    expect(verdict.output).toMatch(/cannot load certificate/);
  });
});
