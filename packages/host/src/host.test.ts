import type { Artifact, ClusterModel } from '@clusterspec/spec';
import { artifactsByPath } from '../../../tests/support/artifacts';
import { loadFixture, variant } from '../../../tests/support/fixtures';
import { dockerRegistryCas, hostGenerators } from './index';

const generate = (model: ClusterModel) => artifactsByPath(hostGenerators, model);
const seed = generate(loadFixture('fixtures/seed-ha/cluster.yaml'));
const modern = generate(loadFixture('fixtures/modern/cluster.yaml'));
const edge = generate(loadFixture('fixtures/edge/cluster.yaml'));

const json = (files: Map<string, Artifact>, path: string) => {
  const file = files.get(path);
  if (!file) throw new Error(`${path} was not generated; got ${[...files.keys()].join(', ')}`);
  return JSON.parse(file.content);
};
const lines = (files: Map<string, Artifact>, path: string) => (files.get(path)?.content ?? '').split('\n').filter((line) => line && !line.startsWith('#'));

describe('/etc/docker/daemon.json', () => {
  it('seed: every host (docker.hosts: all), consul resolved to the host itself where it runs an agent, never 127.0.0.1', () => {
    const paths = [...seed.keys()].filter((path) => path.endsWith('/etc/docker/daemon.json'));
    expect(paths).toHaveLength(8);
    expect(json(seed, 'hosts/consul-2/etc/docker/daemon.json')).toEqual({
      dns: ['192.168.0.130', '8.8.8.8'],
      'registry-mirrors': ['https://xxxxx.mirror.aliyuncs.com'],
      'insecure-registries': ['hub.tonybai.com:8989'],
    });
    for (const path of paths) expect(seed.get(path)?.content).not.toContain('127.0.0.1');
  });

  it('seed: a host without a Consul agent asks the Consul servers', () => {
    expect(json(seed, 'hosts/node1/etc/docker/daemon.json').dns).toEqual(['192.168.0.129', '192.168.0.130', '192.168.0.131', '8.8.8.8']);
  });

  it('modern: an https Harbor is not an insecure registry; only the listed Docker hosts', () => {
    expect(json(modern, 'hosts/worker-1/etc/docker/daemon.json')).toEqual({ dns: ['10.20.0.31'], 'registry-mirrors': ['https://mirror.corp.example'] });
    expect(modern.has('hosts/cp-1/etc/docker/daemon.json')).toBe(false);
  });

  it('edge: Harbor instances without an agent use the five servers', () => {
    expect(json(edge, 'hosts/h1/etc/docker/daemon.json')).toEqual({
      dns: ['172.16.3.11', '172.16.3.12', '172.16.3.13', '172.16.3.14', '172.16.3.15'],
      'insecure-registries': ['172.16.2.10:8088'],
    });
  });
});

describe('/etc/resolvconf/resolv.conf.d/base', () => {
  const BASE = '/etc/resolvconf/resolv.conf.d/base';

  it('points agent hosts at their own Consul DNS and the others at the servers', () => {
    expect(lines(seed, `hosts/consul-1${BASE}`)).toEqual(['nameserver 192.168.0.129']);
    expect(lines(seed, `hosts/shaolin${BASE}`)).toEqual(['nameserver 192.168.0.129', 'nameserver 192.168.0.130', 'nameserver 192.168.0.131']);
  });

  it('is written only for hosts that run an agent or Docker', () => {
    expect(modern.has(`hosts/worker-1${BASE}`)).toBe(true);
    expect(edge.has(`hosts/lb${BASE}`)).toBe(false);
  });

  it('is not written when Consul DNS is not on port 53, which resolv.conf cannot name', () => {
    const files = generate(variant('seed-ha', [['dnsPort: 53', 'dnsPort: 8600']]));
    expect([...files.keys()].filter((path) => path.endsWith(BASE))).toEqual([]);
  });
});

describe('/etc/hosts fragment', () => {
  const FRAGMENT = '/etc/hosts.d/clusterspec';

  it('seed: every Kubernetes node maps the endpoint name to the load balancer (emei) and the Harbor name to its balancer', () => {
    for (const host of ['shaolin', 'wudang', 'emei']) {
      expect(lines(seed, `hosts/${host}${FRAGMENT}`)).toEqual([
        '10.27.52.72 kubernetes.default.svc  # Kubernetes apiserver load balancer',
        '192.168.0.129 hub.tonybai.com  # Harbor load balancer',
      ]);
    }
  });

  // An operator runs kubectl with a user's kubeconfig, or checks the registry, from whichever host is at hand
  // (often the balancer): the site's names resolve the same way on every host of it (issue 11, item 16).
  it('every host of the site gets the same fragment, balancers and Consul servers included', () => {
    for (const [site, files] of [
      ['seed', seed],
      ['modern', modern],
    ] as const) {
      const model = loadFixture(`fixtures/${site === 'seed' ? 'seed-ha' : 'modern'}/cluster.yaml`);
      const fragments = model.hosts.map((host) => files.get(`hosts/${host.name}${FRAGMENT}`)?.content);
      expect(fragments.every((fragment) => fragment !== undefined && fragment === fragments[0])).toBe(true);
    }
    expect(lines(seed, `hosts/node1${FRAGMENT}`)).toEqual([
      '10.27.52.72 kubernetes.default.svc  # Kubernetes apiserver load balancer',
      '192.168.0.129 hub.tonybai.com  # Harbor load balancer',
    ]);
  });

  it('modern: the endpoint name maps to the virtual address, on the balancers too', () => {
    for (const host of ['cp-1', 'lb-1', 'lb-2', 'consul-1']) {
      expect(lines(modern, `hosts/${host}${FRAGMENT}`)[0]).toBe('10.20.0.10 k8s-api.corp.example  # Kubernetes apiserver load balancer');
    }
  });

  it('edge: no entry for names that are addresses already', () => {
    expect([...edge.keys()].filter((path) => path.endsWith(FRAGMENT))).toEqual([]);
  });
});

describe("Docker's certs.d for an https Harbor (dockerRegistryCas)", () => {
  const modernModel = loadFixture('fixtures/modern/cluster.yaml');
  const host = (model: ClusterModel, name: string) => model.hosts.find((candidate) => candidate.name === name)!;

  it('modern: every Docker host copies the CA containerd names to certs.d/<host>/ca.crt (port 443 left out, as image names do)', () => {
    expect(dockerRegistryCas(modernModel, host(modernModel, 'harbor-1'))).toEqual([
      { from: '/etc/containerd/certs.d/registry.corp.example/ca.crt', to: '/etc/docker/certs.d/registry.corp.example/ca.crt' },
    ]);
    expect(dockerRegistryCas(modernModel, host(modernModel, 'cp-1'))).toEqual([]);
  });

  it("harbor.caFile is the source; another port is part of the folder's name; plain http needs none", () => {
    const moved = variant('modern', [
      ['externalURL: https://registry.corp.example', 'externalURL: https://registry.corp.example:8443\n    caFile: /etc/pki/site-ca.crt'],
      ['      port: 443\n', '      port: 8443\n'],
    ]);
    expect(dockerRegistryCas(moved, host(moved, 'worker-1'))).toEqual([
      { from: '/etc/pki/site-ca.crt', to: '/etc/docker/certs.d/registry.corp.example:8443/ca.crt' },
    ]);
    const seedModel = loadFixture('fixtures/seed-ha/cluster.yaml');
    expect(dockerRegistryCas(seedModel, host(seedModel, 'node1'))).toEqual([]);
  });
});
