import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpecText, parseImageReference, SpecError, siteImage, siteRepository, type ImagesModel } from './index';

const NONE: ImagesModel = { mirrors: {}, airgapped: false };
const SITE: ImagesModel = { registry: 'registry.corp.example/k8s', mirrors: { 'docker.io': 'registry.corp.example/dockerhub' }, airgapped: true };

describe('image references', () => {
  it.each([
    ['nginx:1.28.0-alpine', 'docker.io', 'library/nginx', ':1.28.0-alpine'],
    ['gliderlabs/registrator:v7', 'docker.io', 'gliderlabs/registrator', ':v7'],
    ['registry.k8s.io/coredns/coredns:v1.12.1', 'registry.k8s.io', 'coredns/coredns', ':v1.12.1'],
    ['10.0.0.1:5000/k8s/pause:3.10', '10.0.0.1:5000', 'k8s/pause', ':3.10'],
    ['localhost/x@sha256:abc', 'localhost', 'x', '@sha256:abc'],
  ])('%s: registry %s, path %s, reference %s', (text, registry, path, reference) => {
    expect(parseImageReference(text)).toEqual({ registry, path, reference });
  });

  it('keeps every name as written when the spec moves nothing', () => {
    expect(siteImage(NONE, 'gliderlabs/registrator:v7')).toBe('gliderlabs/registrator:v7');
    expect(siteRepository(NONE, 'registry.k8s.io')).toBe('registry.k8s.io');
  });

  it("moves by the source registry's mirror first, then by registry, keeping the path", () => {
    expect(siteImage(SITE, 'nginx:1.28.0-alpine')).toBe('registry.corp.example/dockerhub/library/nginx:1.28.0-alpine');
    expect(siteImage(SITE, 'ghcr.io/kube-vip/kube-vip:v1.0.1')).toBe('registry.corp.example/k8s/kube-vip/kube-vip:v1.0.1');
    expect(siteRepository(SITE, 'registry.k8s.io')).toBe('registry.corp.example/k8s');
    expect(siteRepository(SITE, 'gcr.io/google_containers')).toBe('registry.corp.example/k8s/google_containers');
  });
});

describe('spec.images', () => {
  const modern = readFileSync(join(__dirname, '../../../fixtures/modern/cluster.yaml'), 'utf8');
  const withImages = (lines: string) => Buffer.from(modern.replace('\n  kubernetes:\n', `\n  images:\n${lines}  kubernetes:\n`));

  it('defaults to nothing moved, not air-gapped', () => {
    expect(loadSpecText('modern.yaml', Buffer.from(modern)).images).toEqual({ mirrors: {}, airgapped: false });
  });

  it('refuses a registry written as a URL, at its line, saying what is allowed', () => {
    try {
      loadSpecText('modern.yaml', withImages('    registry: https://registry.corp.example/k8s\n'));
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(SpecError);
      const [problem] = (error as SpecError).problems;
      expect(problem).toMatchObject({ field: 'spec.images.registry', line: 64, column: 15 });
      expect(problem.hint).toMatch(/no scheme; for example registry.corp.example\/k8s/);
    }
  });
});
