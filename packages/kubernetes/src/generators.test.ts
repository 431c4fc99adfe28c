import { loadSpec, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { kubernetesGenerators } from './index';
import { artifactsByPath, contentOf } from '../../../tests/support/artifacts';
import { variantOfFile } from '../../../tests/support/fixtures';
import type { Untyped } from '../../../tests/support/untyped';

const FIXTURES = resolve(__dirname, '../../../fixtures');
const SEED_FILE = `${FIXTURES}/seed-ha/cluster.yaml`;
const MODERN_FILE = `${FIXTURES}/modern/cluster.yaml`;

const MASTER = 'node-role.kubernetes.io/master';
const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';

const SEED_CONTROL_PLANE = [
  { name: 'shaolin', address: '10.27.53.32' },
  { name: 'wudang', address: '10.24.138.208' },
  { name: 'emei', address: '10.27.52.72' },
];
const MODERN_CONTROL_PLANE = [
  { name: 'cp-1', address: '10.20.0.21' },
  { name: 'cp-2', address: '10.20.0.22' },
  { name: 'cp-3', address: '10.20.0.23' },
];
const MODERN_WORKERS = [
  { name: 'worker-1', address: '10.20.0.31' },
  { name: 'worker-2', address: '10.20.0.32' },
  { name: 'worker-3', address: '10.20.0.33' },
  { name: 'worker-4', address: '10.20.0.34' },
];

const variant = variantOfFile;

const SEED_WORKER = { name: 'node3', address: '10.27.52.80' };
const withSeedWorker: [string, string] = [
  '      roles: [control-plane, apiserver-lb]\n',
  `      roles: [control-plane, apiserver-lb]\n    - name: ${SEED_WORKER.name}\n      address: ${SEED_WORKER.address}\n      roles: [worker]\n`,
];
const schedulable: [string, string] = ['schedulable: false', 'schedulable: true'];

const generate = (model: ClusterModel) => artifactsByPath(kubernetesGenerators, model);
const file = contentOf;

type Yaml = Untyped;

function documents(content: string): Yaml[] {
  return parseAllDocuments(content).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS();
  });
}

/** The command of a static pod's only container. */
function command(files: Map<string, Artifact>, host: string, component: string): string[] {
  const [pod] = documents(file(files, `hosts/${host}/etc/kubernetes/manifests/${component}.yaml`));
  return pod.spec.containers[0].command;
}

/** The value of --name=value in a command; fails when the flag is missing or repeated. */
function flag(args: readonly string[], name: string): string {
  const values = args.filter((arg) => arg.startsWith(`--${name}=`)).map((arg) => arg.slice(name.length + 3));
  expect(values).toHaveLength(1);
  return values[0];
}

function kubeconfigServer(content: string): string {
  const [config] = documents(content);
  expect(config.clusters).toHaveLength(1);
  return config.clusters[0].cluster.server;
}

const seed = loadSpec(SEED_FILE);
const modern = loadSpec(MODERN_FILE);
const seedFiles = generate(seed);
const modernFiles = generate(modern);

describe('legacy flow (seed-ha, 1.6.2): static pods', () => {
  it('writes the four manifests on every control-plane host and nowhere else', () => {
    const files = generate(variant(SEED_FILE, [withSeedWorker]));
    const manifests = [...files.keys()].filter((path) => path.includes('/etc/kubernetes/manifests/')).sort();
    const expected = SEED_CONTROL_PLANE.flatMap(({ name }) =>
      ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((component) => `hosts/${name}/etc/kubernetes/manifests/${component}.yaml`),
    ).sort();
    expect(manifests).toEqual(expected);
  });

  it.each(SEED_CONTROL_PLANE)('$name: apiserver advertises $address and serves its own certificate', ({ name, address }) => {
    const args = command(seedFiles, name, 'kube-apiserver');
    expect(args[0]).toBe('kube-apiserver');
    expect(flag(args, 'advertise-address')).toBe(address);
    expect(flag(args, 'tls-cert-file')).toBe(`/etc/kubernetes/pki/apiserver-${name}.crt`);
    expect(flag(args, 'tls-private-key-file')).toBe(`/etc/kubernetes/pki/apiserver-${name}.key`);
    expect(flag(args, 'secure-port')).toBe('6443');
  });

  it.each(SEED_CONTROL_PLANE)('$name: apiserver lists every etcd member over https, with the etcd CA and its client certificate', ({ name }) => {
    const args = command(seedFiles, name, 'kube-apiserver');
    expect(flag(args, 'etcd-servers')).toBe('https://10.27.53.32:2379,https://10.24.138.208:2379,https://10.27.52.72:2379');
    expect(flag(args, 'etcd-cafile')).toBe('/etc/kubernetes/pki/etcd/ca.crt');
    expect(flag(args, 'etcd-certfile')).toBe('/etc/kubernetes/pki/apiserver-etcd-client.crt');
    expect(flag(args, 'etcd-keyfile')).toBe('/etc/kubernetes/pki/apiserver-etcd-client.key');
  });

  it.each(SEED_CONTROL_PLANE)('$name: etcd joins the three-member cluster on peer port 2380', ({ name, address }) => {
    const args = command(seedFiles, name, 'etcd');
    expect(flag(args, 'name')).toBe(name);
    expect(flag(args, 'initial-cluster')).toBe('shaolin=https://10.27.53.32:2380,wudang=https://10.24.138.208:2380,emei=https://10.27.52.72:2380');
    expect(flag(args, 'initial-advertise-peer-urls')).toBe(`https://${address}:2380`);
    expect(flag(args, 'advertise-client-urls')).toBe(`https://${address}:2379`);
  });

  it.each(SEED_CONTROL_PLANE)('$name: etcd serves clients and peers over TLS only, requiring certificates of the etcd CA', ({ name, address }) => {
    const args = command(seedFiles, name, 'etcd');
    expect(flag(args, 'listen-client-urls')).toBe(`https://127.0.0.1:2379,https://${address}:2379`);
    expect(flag(args, 'listen-peer-urls')).toBe(`https://${address}:2380`);
    expect(flag(args, 'cert-file')).toBe(`/etc/kubernetes/pki/etcd/server-${name}.crt`);
    expect(flag(args, 'peer-cert-file')).toBe(`/etc/kubernetes/pki/etcd/peer-${name}.crt`);
    for (const option of ['trusted-ca-file', 'peer-trusted-ca-file']) expect(flag(args, option)).toBe('/etc/kubernetes/pki/etcd/ca.crt');
    for (const option of ['client-cert-auth', 'peer-client-cert-auth']) expect(flag(args, option)).toBe('true');
  });

  it.each(
    SEED_CONTROL_PLANE.flatMap(({ name }) => [
      { name, component: 'kube-controller-manager' },
      { name, component: 'kube-scheduler' },
    ]),
  )('$name: $component elects a leader', ({ name, component }) => {
    expect(flag(command(seedFiles, name, component), 'leader-elect')).toBe('true');
  });
});

describe('legacy flow: component kubeconfigs', () => {
  const files = generate(variant(SEED_FILE, [withSeedWorker]));

  it.each(
    SEED_CONTROL_PLANE.flatMap(({ name, address }) => ['kubelet.conf', 'controller-manager.conf', 'scheduler.conf'].map((conf) => ({ name, address, conf }))),
  )('$name: $conf dials its own apiserver https://$address:6443', ({ name, address, conf }) => {
    expect(kubeconfigServer(file(files, `hosts/${name}/etc/kubernetes/${conf}`))).toBe(`https://${address}:6443`);
  });

  it('a worker kubelet dials controlPlaneEndpoint, not a control-plane host', () => {
    expect(kubeconfigServer(file(files, `hosts/${SEED_WORKER.name}/etc/kubernetes/kubelet.conf`))).toBe('https://kubernetes.default.svc:8443');
    expect(files.has(`hosts/${SEED_WORKER.name}/etc/kubernetes/controller-manager.conf`)).toBe(false);
    expect(files.has(`hosts/${SEED_WORKER.name}/etc/kubernetes/scheduler.conf`)).toBe(false);
  });

  it('the kubelet presents its own node identity', () => {
    const [config] = documents(file(files, 'hosts/wudang/etc/kubernetes/kubelet.conf'));
    expect(config.users[0]).toEqual({
      name: 'system:node:wudang',
      user: { 'client-certificate': '/etc/kubernetes/pki/kubelet-wudang.crt', 'client-key': '/etc/kubernetes/pki/kubelet-wudang.key' },
    });
  });
});

describe('kube-proxy ConfigMap', () => {
  function proxyServer(files: Map<string, Artifact>): string {
    const [configMap] = documents(file(files, 'cluster/kube-proxy-configmap.yaml'));
    expect(configMap).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'kube-proxy', namespace: 'kube-system' } });
    const embedded = parse(configMap.data['kubeconfig.conf']);
    expect(embedded.clusters).toHaveLength(1);
    return embedded.clusters[0].cluster.server;
  }

  it('seed: dials controlPlaneEndpoint https://kubernetes.default.svc:8443', () => {
    expect(proxyServer(seedFiles)).toBe('https://kubernetes.default.svc:8443');
  });

  it('seed: never pins kube-proxy to one control-plane address', () => {
    const content = file(seedFiles, 'cluster/kube-proxy-configmap.yaml');
    for (const { address } of SEED_CONTROL_PLANE) expect(content).not.toContain(address);
  });

  it('modern: dials https://k8s-api.corp.example:8443', () => {
    expect(proxyServer(modernFiles)).toBe('https://k8s-api.corp.example:8443');
  });
});

describe('legacy flow: node-roles.sh', () => {
  const commands = (files: Map<string, Artifact>) =>
    file(files, 'cluster/node-roles.sh')
      .split('\n')
      .filter((line) => line.startsWith('kubectl '));

  it('labels and taints every control-plane host, not just the first', () => {
    expect(commands(seedFiles)).toEqual(
      SEED_CONTROL_PLANE.flatMap(({ name }) => [
        `kubectl label node ${name} ${MASTER}= --overwrite`,
        `kubectl taint node ${name} ${MASTER}=:NoSchedule --overwrite`,
      ]),
    );
  });

  it('with schedulable: true labels them and removes the taint instead', () => {
    expect(commands(generate(variant(SEED_FILE, [schedulable])))).toEqual(
      SEED_CONTROL_PLANE.flatMap(({ name }) => [
        `kubectl label node ${name} ${MASTER}= --overwrite`,
        `kubectl taint node ${name} ${MASTER}:NoSchedule- || true`,
      ]),
    );
  });

  it('leaves workers alone and is an executable bash script', () => {
    const files = generate(variant(SEED_FILE, [withSeedWorker]));
    expect(file(files, 'cluster/node-roles.sh')).not.toContain(SEED_WORKER.name);
    expect(files.get('cluster/node-roles.sh')?.mode).toBe(0o755);
    expect(file(files, 'cluster/node-roles.sh')).toMatch(/^#!\/usr\/bin\/env bash\n/);
  });
});

describe('kubeadm flow (modern, 1.34.2)', () => {
  const config = (files: Map<string, Artifact>, host: string) => documents(file(files, `hosts/${host}/etc/kubernetes/kubeadm-config.yaml`));
  const version = (text: string) => variant(MODERN_FILE, [['version: "1.34.2"', `version: "${text}"`]]);

  it('writes a kubeadm config on every node and nothing of the legacy flow', () => {
    const paths = [...modernFiles.keys()];
    expect(paths.filter((path) => path.endsWith('/kubeadm-config.yaml')).sort()).toEqual(
      [...MODERN_CONTROL_PLANE, ...MODERN_WORKERS].map(({ name }) => `hosts/${name}/etc/kubernetes/kubeadm-config.yaml`).sort(),
    );
    expect(
      paths.filter((path) => path.includes('/manifests/') || (path.startsWith('hosts/') && path.endsWith('.conf')) || path === 'cluster/node-roles.sh'),
    ).toEqual([]);
  });

  it('the legacy flow writes no kubeadm config', () => {
    expect([...seedFiles.keys()].filter((path) => path.endsWith('kubeadm-config.yaml'))).toEqual([]);
  });

  it('cp-1 initialises: InitConfiguration, ClusterConfiguration and KubeletConfiguration', () => {
    const [init, cluster, kubelet] = config(modernFiles, 'cp-1');
    expect(config(modernFiles, 'cp-1').map((document) => document.kind)).toEqual(['InitConfiguration', 'ClusterConfiguration', 'KubeletConfiguration']);
    expect(init.localAPIEndpoint).toEqual({ advertiseAddress: '10.20.0.21', bindPort: 6443 });
    expect(init.nodeRegistration.name).toBe('cp-1');
    expect(cluster).toMatchObject({
      kubernetesVersion: 'v1.34.2',
      controlPlaneEndpoint: 'k8s-api.corp.example:8443',
      networking: { serviceSubnet: '10.96.0.0/12', podSubnet: '10.244.0.0/16', dnsDomain: 'cluster.local' },
      // The spec's certSANs, then the virtual address: clients dialling the balancers by address get an apiserver's certificate.
      apiServer: { certSANs: ['kubernetes.corp.example', '10.20.0.10'] },
    });
    expect(kubelet).toEqual({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      clusterDNS: ['10.96.0.10'],
      clusterDomain: 'cluster.local',
    });
  });

  it.each(MODERN_CONTROL_PLANE.slice(1))('$name joins as a control-plane node advertising $address', ({ name, address }) => {
    const documentsOfHost = config(modernFiles, name);
    expect(documentsOfHost.map((document) => document.kind)).toEqual(['JoinConfiguration']);
    const [join] = documentsOfHost;
    expect(join.nodeRegistration.name).toBe(name);
    expect(join.controlPlane.localAPIEndpoint).toEqual({ advertiseAddress: address, bindPort: 6443 });
    expect(join.discovery.bootstrapToken.apiServerEndpoint).toBe('k8s-api.corp.example:8443');
  });

  it.each(MODERN_WORKERS)('$name joins as a worker: no controlPlane, no taints', ({ name }) => {
    const documentsOfHost = config(modernFiles, name);
    expect(documentsOfHost.map((document) => document.kind)).toEqual(['JoinConfiguration']);
    const [join] = documentsOfHost;
    expect(join).not.toHaveProperty('controlPlane');
    expect(join.nodeRegistration).not.toHaveProperty('taints');
    expect(join.discovery.bootstrapToken.apiServerEndpoint).toBe('k8s-api.corp.example:8443');
  });

  it.each`
    version     | apiVersion
    ${'1.21.3'} | ${'kubeadm.k8s.io/v1beta2'}
    ${'1.28.0'} | ${'kubeadm.k8s.io/v1beta3'}
    ${'1.34.2'} | ${'kubeadm.k8s.io/v1beta4'}
  `('$version: every kubeadm document is $apiVersion', ({ version: text, apiVersion }) => {
    const files = generate(version(text));
    for (const { name } of [...MODERN_CONTROL_PLANE, MODERN_WORKERS[0]]) {
      const kubeadmDocuments = config(files, name).filter((document) => document.kind !== 'KubeletConfiguration');
      expect(kubeadmDocuments.length).toBeGreaterThan(0);
      for (const document of kubeadmDocuments) expect(document.apiVersion).toBe(apiVersion);
    }
    expect(config(files, 'cp-1')[1].kubernetesVersion).toBe(`v${text}`);
  });

  it.each`
    version     | host          | kubeletExtraArgs
    ${'1.21.3'} | ${'cp-1'}     | ${{ 'node-ip': '10.20.0.21' }}
    ${'1.28.0'} | ${'cp-1'}     | ${{ 'node-ip': '10.20.0.21' }}
    ${'1.28.0'} | ${'worker-2'} | ${{ 'node-ip': '10.20.0.32' }}
    ${'1.34.2'} | ${'cp-1'}     | ${[{ name: 'node-ip', value: '10.20.0.21' }]}
    ${'1.34.2'} | ${'worker-2'} | ${[{ name: 'node-ip', value: '10.20.0.32' }]}
  `('$version $host: kubeletExtraArgs $kubeletExtraArgs', ({ version: text, host, kubeletExtraArgs }) => {
    expect(config(generate(version(text)), host)[0].nodeRegistration.kubeletExtraArgs).toEqual(kubeletExtraArgs);
  });

  const taint = (key: string) => ({ key, effect: 'NoSchedule' });
  it.each`
    version     | schedulable | taints
    ${'1.34.2'} | ${false}    | ${[taint(CONTROL_PLANE)]}
    ${'1.24.0'} | ${false}    | ${[taint(MASTER), taint(CONTROL_PLANE)]}
    ${'1.21.3'} | ${false}    | ${[taint(MASTER)]}
    ${'1.34.2'} | ${true}     | ${[]}
    ${'1.21.3'} | ${true}     | ${[]}
  `('$version, schedulable $schedulable: control-plane taints $taints', ({ version: text, schedulable: isSchedulable, taints }) => {
    const replacements: [string, string][] = [['version: "1.34.2"', `version: "${text}"`]];
    if (isSchedulable) replacements.push(schedulable);
    const files = generate(variant(MODERN_FILE, replacements));
    for (const { name } of MODERN_CONTROL_PLANE) expect(config(files, name)[0].nodeRegistration.taints).toEqual(taints);
  });

  it('schedulable: the empty taint list is written out, so kubeadm does not apply its default', () => {
    expect(file(generate(variant(MODERN_FILE, [schedulable])), 'hosts/cp-2/etc/kubernetes/kubeadm-config.yaml')).toMatch(/^ {2}taints: \[\]$/m);
  });

  describe('secrets', () => {
    const SECRET = 'abcdef.0123456789abcdef';
    const saved = process.env.KUBEADM_BOOTSTRAP_TOKEN;
    beforeAll(() => {
      process.env.KUBEADM_BOOTSTRAP_TOKEN = SECRET;
    });
    afterAll(() => {
      if (saved === undefined) delete process.env.KUBEADM_BOOTSTRAP_TOKEN;
      else process.env.KUBEADM_BOOTSTRAP_TOKEN = saved;
    });

    it('appear only as placeholders, never as their value', () => {
      const files = generate(loadSpec(MODERN_FILE));
      const [init] = config(files, 'cp-1');
      const [controlPlaneJoin] = config(files, 'cp-2');
      const [workerJoin] = config(files, 'worker-1');
      expect(init.bootstrapTokens.map((token: Yaml) => token.token)).toEqual(['{{secret:env:KUBEADM_BOOTSTRAP_TOKEN}}']);
      expect(init.certificateKey).toBe('{{secret:env:KUBEADM_CERTIFICATE_KEY}}');
      expect(controlPlaneJoin.controlPlane.certificateKey).toBe('{{secret:env:KUBEADM_CERTIFICATE_KEY}}');
      for (const join of [controlPlaneJoin, workerJoin]) {
        expect(join.discovery.bootstrapToken.token).toBe('{{secret:env:KUBEADM_BOOTSTRAP_TOKEN}}');
        expect(join.discovery.bootstrapToken.caCertHashes).toEqual(['{{secret:env:KUBEADM_CA_CERT_HASH}}']);
      }
      for (const item of files.values()) expect(item.content).not.toContain(SECRET);
    });

    it('every placeholder names a secret source of the spec', () => {
      const placeholders = new Set([...modernFiles.values()].flatMap((item) => item.content.match(/\{\{secret:[^}]*\}\}/g) ?? []));
      expect([...placeholders].sort()).toEqual([
        '{{secret:env:KUBEADM_BOOTSTRAP_TOKEN}}',
        '{{secret:env:KUBEADM_CA_CERT_HASH}}',
        '{{secret:env:KUBEADM_CERTIFICATE_KEY}}',
      ]);
    });

    it('a secret from a file is named by its path', () => {
      const model = variant(MODERN_FILE, [['    users:\n', '    bootstrapToken: {fromFile: /run/secrets/bootstrap-token}\n    users:\n']]);
      const [join] = config(generate(model), 'worker-1');
      expect(join.discovery.bootstrapToken.token).toBe('{{secret:file:/run/secrets/bootstrap-token}}');
    });
  });
});

describe('users', () => {
  const kubeconfigs = (files: Map<string, Artifact>) => [...files.keys()].filter((path) => path.startsWith('cluster/kubeconfig/')).sort();

  it('modern: one kubeconfig per user', () => {
    expect(kubeconfigs(modernFiles)).toEqual(['cluster/kubeconfig/alice.conf', 'cluster/kubeconfig/bob.conf', 'cluster/kubeconfig/kubernetes-admin.conf']);
  });

  it('seed: one kubeconfig for the one user', () => {
    expect(kubeconfigs(seedFiles)).toEqual(['cluster/kubeconfig/kubernetes-admin.conf']);
  });

  it.each`
    site        | files          | user                  | server
    ${'modern'} | ${modernFiles} | ${'kubernetes-admin'} | ${'https://k8s-api.corp.example:8443'}
    ${'modern'} | ${modernFiles} | ${'alice'}            | ${'https://k8s-api.corp.example:8443'}
    ${'modern'} | ${modernFiles} | ${'bob'}              | ${'https://k8s-api.corp.example:8443'}
    ${'seed'}   | ${seedFiles}   | ${'kubernetes-admin'} | ${'https://kubernetes.default.svc:8443'}
  `('$site $user dials controlPlaneEndpoint $server with its own certificate', ({ files, user, server }) => {
    const content = file(files, `cluster/kubeconfig/${user}.conf`);
    expect(kubeconfigServer(content)).toBe(server);
    const [config] = documents(content);
    expect(config.users).toEqual([{ name: user, user: { 'client-certificate': `${user}.crt`, 'client-key': `${user}.key` } }]);
    expect(config['current-context']).toBe(`${user}@kubernetes`);
  });

  it('modern: a ClusterRoleBinding for each group Kubernetes does not define', () => {
    const bindings = documents(file(modernFiles, 'cluster/rbac/group-bindings.yaml'));
    expect(
      bindings.map((binding) => ({ kind: binding.kind, group: binding.subjects.map((subject: Yaml) => subject.name), role: binding.roleRef.name })),
    ).toEqual([
      { kind: 'ClusterRoleBinding', group: ['auditors'], role: 'view' },
      { kind: 'ClusterRoleBinding', group: ['platform-team'], role: 'cluster-admin' },
    ]);
    expect(file(modernFiles, 'cluster/rbac/group-bindings.yaml')).not.toContain('system:masters');
  });

  it('seed: no bindings, system:masters is never bound', () => {
    expect(seedFiles.has('cluster/rbac/group-bindings.yaml')).toBe(false);
  });
});

describe('kubeadm flow: certificate validity (v1beta4)', () => {
  const clusterConfiguration = (files: Map<string, Artifact>) =>
    documents(file(files, 'hosts/cp-1/etc/kubernetes/kubeadm-config.yaml')).find((document) => document.kind === 'ClusterConfiguration')!;

  it('writes no validity the spec leaves out: kubeadm keeps its own one year and ten years', () => {
    const configuration = clusterConfiguration(modernFiles);
    expect(configuration).not.toHaveProperty('certificateValidityPeriod');
    expect(configuration).not.toHaveProperty('caCertificateValidityPeriod');
  });

  it('writes the validity the spec sets as kubeadm durations', () => {
    const files = generate(
      variant(MODERN_FILE, [['  kubernetes:\n', '  kubernetes:\n    certificates:\n      validityDays: 90\n      caValidityDays: 1825\n']]),
    );
    const configuration = clusterConfiguration(files);
    expect(configuration.certificateValidityPeriod).toBe('2160h0m0s');
    expect(configuration.caCertificateValidityPeriod).toBe('43800h0m0s');
  });
});

describe("kubeadm's image repositories (spec.images)", () => {
  const moved = (version: string) =>
    variantOfFile(MODERN_FILE, [
      ['version: "1.34.2"', `version: "${version}"`],
      ['\n  kubernetes:\n', '\n  images:\n    registry: registry.corp.example/k8s\n  kubernetes:\n'],
    ]);
  const cluster = (model: ClusterModel) =>
    parseAllDocuments(contentOf(artifactsByPath(kubernetesGenerators, model), 'hosts/cp-1/etc/kubernetes/kubeadm-config.yaml'))
      .map((document) => document.toJS())
      .find((document) => document.kind === 'ClusterConfiguration');

  it.each([
    ['1.34.2', 'kubeadm.k8s.io/v1beta4', { imageRepository: 'registry.corp.example/k8s/coredns' }],
    ['1.22.17', 'kubeadm.k8s.io/v1beta3', { imageRepository: 'registry.corp.example/k8s/coredns' }],
    ['1.21.14', 'kubeadm.k8s.io/v1beta2', { imageRepository: 'registry.corp.example/k8s/coredns' }],
    // Before 1.21 CoreDNS was <repository>/coredns, which kubeadm writes for any repository.
    ['1.20.15', 'kubeadm.k8s.io/v1beta2', undefined],
  ])('%s (%s): imageRepository, and dns.imageRepository where CoreDNS sits at coredns/coredns', (version, apiVersion, dns) => {
    const document = cluster(moved(version));
    expect(document.apiVersion).toBe(apiVersion);
    expect(document.imageRepository).toBe('registry.corp.example/k8s');
    expect(document.dns).toEqual(dns);
  });

  it('none without an images section: kubeadm keeps its default repository', () => {
    const document = cluster(loadSpec(MODERN_FILE));
    expect(document.imageRepository).toBeUndefined();
    expect(document.dns).toBeUndefined();
  });

  it('the legacy static pods (1.6) name the moved per-architecture images', () => {
    const model = variantOfFile(SEED_FILE, [['\n  kubernetes:\n', '\n  images:\n    registry: hub.tonybai.com:8989/library\n  kubernetes:\n']]);
    const pod = parse(contentOf(artifactsByPath(kubernetesGenerators, model), 'hosts/shaolin/etc/kubernetes/manifests/etcd.yaml'));
    expect(pod.spec.containers[0].image).toBe('hub.tonybai.com:8989/library/google_containers/etcd-amd64:3.0.17');
  });
});
