import { loadSpecText } from '@clusterspec/spec';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { generateArtifacts } from '@clusterspec/generators';
import { loadFixture, ROOT, variant } from '../../../tests/support/fixtures';
import { generatedSites } from '../../../tests/support/generated-sites';
import { nginxTest } from '../../../tests/support/nginx';
import { generateKubeVip, KUBE_VIP_INIT_MANIFEST_PATH, KUBE_VIP_MANIFEST_PATH } from './kube-vip';
import { CONFIG_DIGEST_ANNOTATION, generatePerNodeProxy, PER_NODE_PROXY_CONF_PATH, PER_NODE_PROXY_MANIFEST_PATH } from './per-node-proxy';

const site = loadFixture('fixtures/vip-pernode/cluster.yaml');
const byPath = (files: readonly { path: string; content: string }[]) => new Map(files.map((file) => [file.path, file.content]));

/**
 * The proxy's nginx.conf is for the official nginx image (stream built in, user nginx). Debian's nginx -t
 * judges it with the stream module loaded first and Debian's worker user: the only two lines that differ.
 */
function asDebianNginx(conf: string): string {
  expect(conf).not.toContain('load_module');
  expect(conf).toMatch(/^user nginx;$/m);
  return `load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n${conf.replace(/^user nginx;$/m, 'user www-data;')}`;
}

describe('per-node mode: an apiserver proxy on every node that runs no apiserver', () => {
  const files = byPath(generatePerNodeProxy(site));

  it('writes the static pod and its nginx.conf on every worker and on no control-plane host', () => {
    expect([...files.keys()].sort()).toEqual(
      ['node-1', 'node-2', 'node-3'].flatMap((host) => [`hosts/${host}${PER_NODE_PROXY_MANIFEST_PATH}`, `hosts/${host}${PER_NODE_PROXY_CONF_PATH}`]).sort(),
    );
    expect(generatePerNodeProxy(loadFixture('fixtures/modern/cluster.yaml'))).toEqual([]);
  });

  it('listens on 127.0.0.1 at the balancer port, with every apiserver upstream and the watch-safe timeouts', () => {
    const conf = files.get(`hosts/node-1${PER_NODE_PROXY_CONF_PATH}`) as string;
    expect(conf).toMatch(/^\s+listen 127\.0\.0\.1:6443;$/m);
    expect([...conf.matchAll(/^\s+server (\S+) /gm)].map((match) => match[1])).toEqual(['10.30.0.11:6443', '10.30.0.12:6443', '10.30.0.13:6443']);
    expect(conf).toMatch(/^\s+proxy_timeout 10m;$/m);
  });

  it("mounts that nginx.conf's folder into the official nginx image, on the host network, its digest on the pod", () => {
    const pod = parse(files.get(`hosts/node-2${PER_NODE_PROXY_MANIFEST_PATH}`) as string);
    expect(pod.spec.hostNetwork).toBe(true);
    expect(pod.spec.containers[0].image).toMatch(/^docker\.io\/library\/nginx:/);
    // The folder: a file mounted alone keeps its old inode when a deploy replaces it by rename.
    expect(pod.spec.volumes[0].hostPath).toEqual({ path: dirname(PER_NODE_PROXY_CONF_PATH), type: 'Directory' });
    expect(pod.spec.containers[0].volumeMounts[0].mountPath).toBe('/etc/nginx');
    const conf = files.get(`hosts/node-2${PER_NODE_PROXY_CONF_PATH}`) as string;
    expect(pod.metadata.annotations[CONFIG_DIGEST_ANNOTATION]).toBe(createHash('sha256').update(conf).digest('hex'));
  });

  it("is sized as kubespray's nginx-proxy (2 workers, 16384 connections) and answers /healthz on 127.0.0.1:8081 for its http liveness probe", () => {
    const conf = files.get(`hosts/node-2${PER_NODE_PROXY_CONF_PATH}`) as string;
    expect(conf).toMatch(/^worker_processes 2;$/m);
    expect(conf).toMatch(/^\s+worker_connections 16384;$/m);
    expect(conf).toMatch(/^\s+listen 127\.0\.0\.1:8081;$/m);
    expect(conf).toMatch(/^\s+location = \/healthz \{$/m);
    const pod = parse(files.get(`hosts/node-2${PER_NODE_PROXY_MANIFEST_PATH}`) as string);
    expect(pod.spec.containers[0].livenessProbe.httpGet).toEqual({ host: '127.0.0.1', port: 8081, path: '/healthz' });
    // The central balancers keep Debian's sizing.
    expect(generateArtifacts(site).find((file) => file.path.endsWith('/etc/nginx/nginx.conf'))?.content ?? 'worker_processes auto;').toMatch(
      /^worker_processes auto;$/m,
    );
  });

  it('changes the pod when the upstreams change, so the kubelet recreates it with the new nginx.conf', () => {
    const text = readFileSync(join(ROOT, 'fixtures/vip-pernode/cluster.yaml'), 'utf8');
    const moved = loadSpecText('moved.yaml', Buffer.from(text.replace('address: 10.30.0.13', 'address: 10.30.0.14')));
    const before = files.get(`hosts/node-2${PER_NODE_PROXY_MANIFEST_PATH}`);
    const after = byPath(generatePerNodeProxy(moved)).get(`hosts/node-2${PER_NODE_PROXY_MANIFEST_PATH}`);
    expect(text).toContain('address: 10.30.0.13');
    expect(after).not.toBe(before);
    expect(parse(after as string).metadata.annotations[CONFIG_DIGEST_ANNOTATION]).not.toBe(
      parse(before as string).metadata.annotations[CONFIG_DIGEST_ANNOTATION],
    );
  });

  it("points the workers' kubelet and every kube-proxy at 127.0.0.1, and lets kubeadm join a node whose manifests folder is not empty", () => {
    const artifacts = byPath(generateArtifacts(site));
    expect(artifacts.get('hosts/node-1/etc/kubernetes/nginx-proxy/kubelet-via-proxy.sh')).toMatch(/^server=https:\/\/127\.0\.0\.1:6443$/m);
    expect(artifacts.get('hosts/cp-1/etc/kubernetes/nginx-proxy/kubelet-via-proxy.sh')).toBeUndefined();
    expect(artifacts.get('cluster/kube-proxy-configmap.yaml')).toContain('server: https://127.0.0.1:6443');
    expect(artifacts.get('hosts/node-1/etc/kubernetes/kubeadm-config.yaml')).toContain('- DirAvailable--etc-kubernetes-manifests');
    expect(artifacts.get('hosts/cp-2/etc/kubernetes/kubeadm-config.yaml')).toContain('- DirAvailable--etc-kubernetes-manifests');
    // kubeadm init has no such check on the folder: the first host's InitConfiguration stays as it was.
    expect(artifacts.get('hosts/cp-1/etc/kubernetes/kubeadm-config.yaml')).not.toContain('ignorePreflightErrors');
  });

  it('legacy flow: a worker kubelet.conf dials its proxy directly', () => {
    const legacy = variant('seed-ha', [
      ['      proxyTimeout: 10m', '      proxyTimeout: 10m\n      mode: per-node'],
      ['      port: 8443\n', '      port: 6443\n'],
      ['kubernetes.default.svc:8443', 'kubernetes.default.svc:6443'],
      ['      roles: [harbor]\n    - name: node2', '      roles: [harbor, worker]\n    - name: node2'],
    ]);
    const artifacts = byPath(generateArtifacts(legacy));
    expect(artifacts.get('hosts/node1/etc/kubernetes/kubelet.conf')).toContain('server: https://127.0.0.1:6443');
    expect(artifacts.get('hosts/shaolin/etc/kubernetes/kubelet.conf')).toContain('server: https://10.27.53.32:6443');
    expect(artifacts.has('hosts/node1/etc/kubernetes/nginx-proxy/kubelet-via-proxy.sh')).toBe(false);
  });

  it('puts localhost and 127.0.0.1 (and the virtual address) into every apiserver certificate and kubeadm certSANs', () => {
    const plan = JSON.parse(byPath(generateArtifacts(site)).get('pki/plan.json') as string) as {
      certificates: { commonName: string; dnsNames: string[]; ipAddresses: string[] }[];
    };
    const apiServers = plan.certificates.filter((certificate) => certificate.commonName === 'kube-apiserver');
    expect(apiServers).toHaveLength(3);
    for (const certificate of apiServers) {
      expect(certificate.dnsNames).toContain('localhost');
      expect(certificate.ipAddresses).toEqual(expect.arrayContaining(['127.0.0.1', '10.30.0.10']));
    }
    const init = byPath(generateArtifacts(site)).get('hosts/cp-1/etc/kubernetes/kubeadm-config.yaml') as string;
    expect(init).toMatch(/certSANs:\n\s+- 10\.30\.0\.10\n\s+- localhost\n\s+- 127\.0\.0\.1\n/);
    const off = variant('modern', [['      interface: ens192', '      interface: ens192\n      addToCertificates: false']]);
    expect(byPath(generateArtifacts(off)).get('pki/plan.json')).not.toContain('"10.20.0.10"');
  });

  it.each(
    generatedSites().flatMap((each) =>
      each.artifacts.filter((file) => file.path.endsWith(PER_NODE_PROXY_CONF_PATH)).map((file) => [`${each.spec}: ${file.path}`, file.content] as const),
    ),
  )('nginx -t accepts %s', (_id, conf) => {
    const verdict = nginxTest(asDebianNginx(conf));
    expect(verdict.output).toContain('syntax is ok');
    expect(verdict.ok).toBe(true);
  });

  it('bites: nginx -t refuses the proxy without its upstream', () => {
    const conf = files.get(`hosts/node-1${PER_NODE_PROXY_CONF_PATH}`) as string;
    expect(nginxTest(asDebianNginx(conf.replace(/upstream kube_apiserver \{[^}]*\}/, ''))).ok).toBe(false);
  });
});

describe('kube-vip on every control-plane host', () => {
  const files = byPath(generateKubeVip(site));
  const pod = (host: string) => parse(files.get(`hosts/${host}${KUBE_VIP_MANIFEST_PATH}`) as string);
  const env = (host: string) =>
    Object.fromEntries((pod(host).spec.containers[0].env as { name: string; value?: string }[]).map((each) => [each.name, each.value]));

  it('is a static pod on each control-plane host, in ARP mode with leader election for the virtual address', () => {
    expect([...files.keys()].sort()).toEqual([
      `hosts/cp-1${KUBE_VIP_INIT_MANIFEST_PATH}`,
      ...['cp-1', 'cp-2', 'cp-3'].map((host) => `hosts/${host}${KUBE_VIP_MANIFEST_PATH}`),
    ]);
    expect(env('cp-2')).toMatchObject({
      address: '10.30.0.10',
      port: '6443',
      vip_interface: 'eth0',
      // kube-vip 1.0 reads vip_subnet; vip_cidr is ignored.
      vip_subnet: '32',
      vip_arp: 'true',
      cp_enable: 'true',
      vip_leaderelection: 'true',
    });
    expect(env('cp-2')).not.toHaveProperty('vip_cidr');
    expect(pod('cp-2').spec.containers[0].env).toContainEqual({ name: 'vip_nodename', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(pod('cp-2').spec.containers[0].securityContext).toEqual({ capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] } });
    expect(pod('cp-2').spec.hostNetwork).toBe(true);
    expect(pod('cp-2').spec.hostAliases).toEqual([{ ip: '127.0.0.1', hostnames: ['kubernetes'] }]);
  });

  it('mounts admin.conf for good on every host; super-admin.conf only in the init-time manifest of 1.29 and later, outside manifests/', () => {
    const generated = (model: typeof site) => byPath(generateKubeVip(model));
    const mounted = (text: string | undefined) => (text === undefined ? undefined : parse(text).spec.volumes[0].hostPath.path);
    for (const host of ['cp-1', 'cp-2', 'cp-3']) expect(mounted(files.get(`hosts/${host}${KUBE_VIP_MANIFEST_PATH}`))).toBe('/etc/kubernetes/admin.conf');
    expect(mounted(files.get(`hosts/cp-1${KUBE_VIP_INIT_MANIFEST_PATH}`))).toBe('/etc/kubernetes/super-admin.conf');
    expect(KUBE_VIP_INIT_MANIFEST_PATH.startsWith('/etc/kubernetes/manifests/')).toBe(false);
    expect(pod('cp-1').spec.containers[0].volumeMounts[0].mountPath).toBe('/etc/kubernetes/admin.conf');
    const text = (version: string) => loadFixtureText(version);
    expect(generated(text('1.28.15')).has(`hosts/cp-1${KUBE_VIP_INIT_MANIFEST_PATH}`)).toBe(false);
    expect(mounted(generated(text('1.28.15')).get(`hosts/cp-1${KUBE_VIP_MANIFEST_PATH}`))).toBe('/etc/kubernetes/admin.conf');
    expect(mounted(generated(text('1.29.0')).get(`hosts/cp-1${KUBE_VIP_INIT_MANIFEST_PATH}`))).toBe('/etc/kubernetes/super-admin.conf');
  });
});

function loadFixtureText(version: string) {
  const text = readFileSync(join(ROOT, 'fixtures/vip-pernode/cluster.yaml'), 'utf8').replace('version: "1.31.6"', `version: "${version}"`);
  return loadSpecText('vip-pernode-variant.yaml', Buffer.from(text));
}

describe('port-conflict knows the per-node proxy', () => {
  it('refuses a central balancer on a node that also runs its own proxy on the same port', async () => {
    const { lintSite, rules } = await import('@clusterspec/lint');
    const portConflict = rules.filter((rule) => rule.id === 'port-conflict');
    expect(lintSite(site, generateArtifacts(site), portConflict)).toEqual([]);
    const text = readFileSync(join(ROOT, 'fixtures/vip-pernode/cluster.yaml'), 'utf8');
    const clash = loadSpecText(
      'clash.yaml',
      Buffer.from(text.replace('      address: 10.30.0.21\n      roles: [worker]', '      address: 10.30.0.21\n      roles: [worker, apiserver-lb]')),
    );
    const found = lintSite(clash, generateArtifacts(clash), portConflict);
    expect(found.map((diagnostic) => diagnostic.message)).toEqual(['per-node apiserver proxy and apiserver load balancer both listen on port 6443 on node-1']);
  });
});

describe("san-coverage follows the per-node route: client → 127.0.0.1:port → its node's proxy → every apiserver", () => {
  it('without 127.0.0.1 in the certificates, every worker kubelet and every kube-proxy is refused, on each apiserver it reaches', async () => {
    const { lintSite, rules } = await import('@clusterspec/lint');
    const sanCoverage = rules.filter((rule) => rule.id === 'san-coverage');
    const text = readFileSync(join(ROOT, 'fixtures/vip-pernode/cluster.yaml'), 'utf8').replace(
      '      mode: per-node',
      '      mode: per-node\n      addToCertificates: false',
    );
    const model = loadSpecText('no-loopback.yaml', Buffer.from(text));
    const errors = lintSite(model, generateArtifacts(model), sanCoverage).filter((diagnostic) => diagnostic.severity === 'error');
    const routes = errors.flatMap((diagnostic) => {
      const match = /^(.+) dials 127\.0\.0\.1:6443, which reaches (.+?): x509: .* not 127\.0\.0\.1$/.exec(diagnostic.message);
      if (!match) throw new Error(`unexpected: ${diagnostic.message}`);
      // Findings differing only in the host are merged into one diagnostic naming its hosts.
      return (diagnostic.hosts ?? ['']).map((host) => `${match[1].replace(/\d+ hosts \(.*\)/, host)}: ${match[2].replace(/\d+ hosts \(.*\)/, host)}`);
    });
    expect(errors.length).toBeGreaterThan(0);
    // Workers go through their own proxy to all three apiservers; control-plane hosts' kube-proxy to their own apiserver.
    for (const worker of ['node-1', 'node-2', 'node-3']) {
      for (const client of [`kubelet on ${worker}`, `kube-proxy on ${worker}`]) {
        expect(routes.filter((route) => route.startsWith(`${client}: `)).sort()).toEqual(
          ['cp-1', 'cp-2', 'cp-3'].map((apiServer) => `${client}: ${worker} → ${apiServer}`),
        );
      }
    }
    for (const host of ['cp-1', 'cp-2', 'cp-3'])
      expect(routes.filter((route) => route.startsWith(`kube-proxy on ${host}: `))).toEqual([`kube-proxy on ${host}: ${host} directly`]);
  });
});
