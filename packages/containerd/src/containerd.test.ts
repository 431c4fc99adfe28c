import { hostGenerators } from '@clusterspec/host';
import { kubernetesGenerators } from '@clusterspec/kubernetes';
import { parse as parseToml } from '@iarna/toml';
import { parseAllDocuments } from 'yaml';
import { artifactsByPath, contentOf } from '../../../tests/support/artifacts';
import { ROOT, variantOfFile } from '../../../tests/support/fixtures';
import type { Untyped } from '../../../tests/support/untyped';
import { join } from 'node:path';
import { containerdGenerators } from './index';

const EDGE = join(ROOT, 'fixtures/edge/cluster.yaml');
const MODERN = join(ROOT, 'fixtures/modern/cluster.yaml');
const edge = (replacements: readonly (readonly [string, string])[] = []) => variantOfFile(EDGE, replacements);
const modern = (replacements: readonly (readonly [string, string])[] = []) => variantOfFile(MODERN, replacements);
const files = (model: ReturnType<typeof edge>) => artifactsByPath(containerdGenerators, model);
const toml = (text: string) => parseToml(text) as Untyped;
const withContainerd = (version: string): [string, string] => ['  docker:\n', `  containerd:\n    version: "${version}"\n  docker:\n`];

describe('config.toml', () => {
  it('is config version 2 for containerd 1.x (the 1.24 site implies 1.6), in the grpc.v1.cri tables', () => {
    const config = toml(contentOf(files(edge()), 'hosts/w1/etc/containerd/config.toml'));
    expect(config.version).toBe(2);
    const cri = config.plugins['io.containerd.grpc.v1.cri'];
    expect(cri.registry).toEqual({ config_path: '/etc/containerd/certs.d' });
    expect(cri.containerd.runtimes.runc).toEqual({ runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } });
  });

  it('is config version 3 from containerd 2.0 (1.34 implies 2.1), in the images and runtime plugins', () => {
    const config = toml(contentOf(files(modern()), 'hosts/cp-1/etc/containerd/config.toml'));
    expect(config.version).toBe(3);
    expect(config.plugins['io.containerd.cri.v1.images'].registry.config_path).toBe('/etc/containerd/certs.d');
    expect(config.plugins['io.containerd.cri.v1.runtime'].containerd.runtimes.runc.options.SystemdCgroup).toBe(true);
  });

  it('pins the sandbox image to the pause image kubeadm of the release expects, by the site registry when set', () => {
    expect(toml(contentOf(files(edge()), 'hosts/w1/etc/containerd/config.toml')).plugins['io.containerd.grpc.v1.cri'].sandbox_image).toBe(
      'k8s.gcr.io/pause:3.7',
    );
    expect(toml(contentOf(files(modern()), 'hosts/cp-1/etc/containerd/config.toml')).plugins['io.containerd.cri.v1.images'].pinned_images).toEqual({
      sandbox: 'registry.k8s.io/pause:3.10.1',
    });
    const moved = modern([['  docker:\n', '  images:\n    registry: registry.corp.example/k8s\n  docker:\n']]);
    expect(toml(contentOf(files(moved), 'hosts/cp-1/etc/containerd/config.toml')).plugins['io.containerd.cri.v1.images'].pinned_images.sandbox).toBe(
      'registry.corp.example/k8s/pause:3.10.1',
    );
  });

  it.each([
    ['1.7.28', 2],
    ['2.0.6', 3],
  ])('follows spec.containerd.version %s → config version %d', (version, expected) => {
    expect(toml(contentOf(files(edge([withContainerd(version)])), 'hosts/k1/etc/containerd/config.toml')).version).toBe(expected);
  });

  it('goes on every Kubernetes node and nowhere else; none for a Docker-runtime site', () => {
    const paths = [...files(edge()).keys()].filter((path) => path.endsWith('/config.toml'));
    expect(paths).toEqual(['k1', 'k2', 'k3', 'w1', 'w2'].map((host) => `hosts/${host}/etc/containerd/config.toml`));
    expect(files(edge([['version: "1.24.17"', 'version: "1.23.17"']])).size).toBe(0);
    expect(files(variantOfFile(join(ROOT, 'fixtures/seed-ha/cluster.yaml'), [])).size).toBe(0);
  });
});

describe('hosts.toml', () => {
  it('plain-http Harbor: the host:port directory, an http server and host, no ca, no skip_verify', () => {
    const hosts = toml(contentOf(files(edge()), 'hosts/k2/etc/containerd/certs.d/172.16.2.10:8088/hosts.toml'));
    expect(hosts).toEqual({ server: 'http://172.16.2.10:8088', host: { 'http://172.16.2.10:8088': { capabilities: ['pull', 'resolve', 'push'] } } });
  });

  it('https Harbor on 443: the bare host directory, the CA beside the file by default', () => {
    const hosts = toml(contentOf(files(modern()), 'hosts/worker-1/etc/containerd/certs.d/registry.corp.example/hosts.toml'));
    expect(hosts).toEqual({
      server: 'https://registry.corp.example',
      // The server's own CA too: containerd falls back to the server, and without it a missing tag reads x509.
      ca: '/etc/containerd/certs.d/registry.corp.example/ca.crt',
      host: { 'https://registry.corp.example': { capabilities: ['pull', 'resolve', 'push'], ca: '/etc/containerd/certs.d/registry.corp.example/ca.crt' } },
    });
  });

  it('names harbor.caFile when the spec gives it, and keeps a non-default https port', () => {
    const model = modern([
      ['    externalURL: https://registry.corp.example\n', '    externalURL: https://registry.corp.example:8443\n    caFile: /etc/pki/harbor-ca.crt\n'],
    ]);
    const hosts = toml(contentOf(files(model), 'hosts/cp-2/etc/containerd/certs.d/registry.corp.example:8443/hosts.toml'));
    expect(hosts.host['https://registry.corp.example:8443'].ca).toBe('/etc/pki/harbor-ca.crt');
  });

  it("makes Docker's registry-mirrors the hosts of docker.io, in order, for pulls", () => {
    const model = modern([['registryMirrors: [https://mirror.corp.example]', 'registryMirrors: [https://mirror.corp.example/, http://10.20.0.9:5000]']]);
    const text = contentOf(files(model), 'hosts/cp-3/etc/containerd/certs.d/docker.io/hosts.toml');
    expect(toml(text)).toEqual({
      server: 'https://registry-1.docker.io',
      host: { 'https://mirror.corp.example': { capabilities: ['pull', 'resolve'] }, 'http://10.20.0.9:5000': { capabilities: ['pull', 'resolve'] } },
    });
    expect(text.indexOf('mirror.corp.example')).toBeLessThan(text.indexOf('10.20.0.9'));
    expect([...files(edge()).keys()].some((path) => path.includes('docker.io'))).toBe(false);
  });
});

describe('the kubelet and Docker agree with containerd on the cgroup driver', () => {
  const kubeletConfiguration = (version: string, runtime?: string) => {
    const model = edge([['    version: "1.24.17"\n', `    version: "${version}"\n${runtime ? `    containerRuntime: ${runtime}\n` : ''}`]]);
    const init = contentOf(artifactsByPath(kubernetesGenerators, model), 'hosts/k1/etc/kubernetes/kubeadm-config.yaml');
    return parseAllDocuments(init)
      .map((document) => document.toJS() as Record<string, unknown>)
      .find((document) => document.kind === 'KubeletConfiguration');
  };

  it('writes cgroupDriver: systemd for containerd where kubeadm would default to cgroupfs (before 1.22)', () => {
    expect(kubeletConfiguration('1.21.14', 'containerd')).toMatchObject({ cgroupDriver: 'systemd' });
  });

  it("leaves a Docker-runtime kubelet before 1.22 on kubeadm's cgroupfs, as Docker's default is", () => {
    expect(kubeletConfiguration('1.21.14')).not.toHaveProperty('cgroupDriver');
    const daemon = artifactsByPath(hostGenerators, edge([['version: "1.24.17"', 'version: "1.21.14"']]));
    expect(JSON.parse(contentOf(daemon, 'hosts/w1/etc/docker/daemon.json'))).not.toHaveProperty('exec-opts');
  });

  it.each(['1.22.17', '1.24.17', '1.34.2'])('leaves kubeadm defaults out at %s: no cgroupDriver, no rotateCertificates', (version) => {
    const config = kubeletConfiguration(version);
    expect(config).toBeDefined();
    expect(config).not.toHaveProperty('cgroupDriver');
    expect(config).not.toHaveProperty('rotateCertificates');
  });

  it('sets native.cgroupdriver=systemd in daemon.json where Docker runs a kubeadm node whose kubelet kubeadm puts on systemd (1.23), not on the Harbor hosts', () => {
    const model = edge([['version: "1.24.17"', 'version: "1.23.17"']]);
    const daemon = artifactsByPath(hostGenerators, model);
    expect(JSON.parse(contentOf(daemon, 'hosts/w1/etc/docker/daemon.json'))['exec-opts']).toEqual(['native.cgroupdriver=systemd']);
    expect(JSON.parse(contentOf(daemon, 'hosts/h1/etc/docker/daemon.json'))).not.toHaveProperty('exec-opts');
    expect(JSON.parse(contentOf(artifactsByPath(hostGenerators, edge()), 'hosts/w1/etc/docker/daemon.json'))).not.toHaveProperty('exec-opts');
  });
});
