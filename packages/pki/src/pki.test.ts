import { loadSpec, type ClusterModel, type Host } from '@clusterspec/spec';
import { resolve } from 'node:path';
import { apiServerAltNames, apiServerCertificate, pkiGenerators, planCertificates, subjectAltName } from './index';
import { artifactsByPath, contentOf } from '../../../tests/support/artifacts';
import { variantOfFile } from '../../../tests/support/fixtures';

const FIXTURES = resolve(__dirname, '../../../fixtures');
const SEED_FILE = `${FIXTURES}/seed-ha/cluster.yaml`;
const MODERN_FILE = `${FIXTURES}/modern/cluster.yaml`;

const variant = variantOfFile;

function host(model: ClusterModel, name: string): Host {
  const found = model.hosts.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no host ${name}`);
  return found;
}

const generate = (model: ClusterModel) => artifactsByPath(pkiGenerators, model);
const file = contentOf;

const seed = loadSpec(SEED_FILE);
const modern = loadSpec(MODERN_FILE);

const KUBERNETES_SERVICE_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

describe('apiServerAltNames', () => {
  it('seed wudang: exactly the kubeadm set, in order; the endpoint host kubernetes.default.svc is not repeated', () => {
    expect(apiServerAltNames(seed, host(seed, 'wudang'))).toEqual({
      dnsNames: ['wudang', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
      ipAddresses: ['10.96.0.1', '10.24.138.208'],
    });
  });

  it.each`
    name         | address
    ${'shaolin'} | ${'10.27.53.32'}
    ${'wudang'}  | ${'10.24.138.208'}
    ${'emei'}    | ${'10.27.52.72'}
  `("seed $name: its own name and address, no other host's", ({ name, address }) => {
    const { dnsNames, ipAddresses } = apiServerAltNames(seed, host(seed, name));
    expect(dnsNames).toEqual([name, ...KUBERNETES_SERVICE_NAMES]);
    expect(ipAddresses).toEqual(['10.96.0.1', address]);
  });

  it('modern cp-1: the endpoint name, the certSAN and the virtual address follow the kubeadm names', () => {
    expect(apiServerAltNames(modern, host(modern, 'cp-1'))).toEqual({
      dnsNames: ['cp-1', ...KUBERNETES_SERVICE_NAMES, 'k8s-api.corp.example', 'kubernetes.corp.example'],
      ipAddresses: ['10.96.0.1', '10.20.0.21', '10.20.0.10'],
    });
  });

  it('the virtual address stays out with addToCertificates: false; per-node mode adds localhost and 127.0.0.1', () => {
    const off = variant(MODERN_FILE, [['      interface: ens192', '      addToCertificates: false\n      interface: ens192']]);
    expect(apiServerAltNames(off, host(off, 'cp-1')).ipAddresses).toEqual(['10.96.0.1', '10.20.0.21']);
    const perNode = variant(MODERN_FILE, [
      ['      port: 8443\n', '      port: 6443\n      mode: per-node\n'],
      ['k8s-api.corp.example:8443', 'k8s-api.corp.example:6443'],
    ]);
    expect(apiServerAltNames(perNode, host(perNode, 'cp-2'))).toEqual({
      dnsNames: ['cp-2', ...KUBERNETES_SERVICE_NAMES, 'k8s-api.corp.example', 'kubernetes.corp.example', 'localhost'],
      ipAddresses: ['10.96.0.1', '10.20.0.22', '10.20.0.10', '127.0.0.1'],
    });
  });

  it('an address as controlPlaneEndpoint lands in ipAddresses, not dnsNames', () => {
    const model = variant(MODERN_FILE, [['controlPlaneEndpoint: k8s-api.corp.example:8443', 'controlPlaneEndpoint: 10.20.0.10:8443']]);
    expect(apiServerAltNames(model, host(model, 'cp-2'))).toEqual({
      dnsNames: ['cp-2', ...KUBERNETES_SERVICE_NAMES, 'kubernetes.corp.example'],
      ipAddresses: ['10.96.0.1', '10.20.0.22', '10.20.0.10'],
    });
  });

  it('an address among certSANs lands in ipAddresses; a certSAN equal to a kubeadm name is not repeated', () => {
    const model = variant(MODERN_FILE, [['certSANs: [kubernetes.corp.example]', 'certSANs: [kubernetes.corp.example, 192.0.2.7, kubernetes, 10.20.0.21]']]);
    expect(apiServerAltNames(model, host(model, 'cp-1'))).toEqual({
      dnsNames: ['cp-1', ...KUBERNETES_SERVICE_NAMES, 'k8s-api.corp.example', 'kubernetes.corp.example'],
      ipAddresses: ['10.96.0.1', '10.20.0.21', '192.0.2.7', '10.20.0.10'],
    });
  });
});

describe('openssl files (seed)', () => {
  const files = generate(seed);

  it('the apiserver-wudang ext file carries exactly its SANs', () => {
    const lines = file(files, 'pki/openssl/apiserver-wudang.ext').split('\n');
    expect(lines.filter((line) => line.startsWith('subjectAltName'))).toEqual([
      'subjectAltName = DNS:wudang,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1,IP:10.24.138.208',
    ]);
    expect(lines).toContain('extendedKeyUsage = serverAuth');
  });

  it.each(seed.kubernetes.controlPlaneHosts.map((controlPlaneHost) => ({ name: controlPlaneHost.name, controlPlaneHost })))(
    "$name: the ext file's subjectAltName is the plan's",
    ({ name, controlPlaneHost }) => {
      const plan = apiServerCertificate(seed, controlPlaneHost);
      const line = file(files, `pki/openssl/apiserver-${name}.ext`)
        .split('\n')
        .find((candidate) => candidate.startsWith('subjectAltName = '));
      expect(line).toBe(`subjectAltName = ${subjectAltName(plan)}`);
      expect(line).toContain(`IP:${controlPlaneHost.address}`);
    },
  );

  it('client certificates get clientAuth and no subjectAltName', () => {
    const content = file(files, 'pki/openssl/user-kubernetes-admin.ext');
    expect(content).toContain('extendedKeyUsage = clientAuth\n');
    expect(content).not.toContain('subjectAltName');
  });

  it('the apiservers share one CSR config with CN = kube-apiserver and no O', () => {
    expect([...files.keys()].filter((path) => path.startsWith('pki/openssl/apiserver') && path.endsWith('.csr.cnf'))).toEqual([
      'pki/openssl/apiserver.csr.cnf',
      'pki/openssl/apiserver-etcd-client.csr.cnf',
    ]);
    const subject = file(files, 'pki/openssl/apiserver.csr.cnf').split('[ subject ]\n')[1].trim().split('\n');
    expect(subject).toEqual(['CN = kube-apiserver']);
  });

  it.each`
    id                         | subject
    ${'user-kubernetes-admin'} | ${['0.O = system:masters', 'CN = kubernetes-admin']}
    ${'kubelet-emei'}          | ${['0.O = system:nodes', 'CN = system:node:emei']}
    ${'controller-manager'}    | ${['CN = system:kube-controller-manager']}
    ${'scheduler'}             | ${['CN = system:kube-scheduler']}
  `('$id CSR config subject: $subject', ({ id, subject }) => {
    expect(file(files, `pki/openssl/${id}.csr.cnf`).split('[ subject ]\n')[1].trim().split('\n')).toEqual(subject);
  });
});

describe('user certificate requests', () => {
  const model = variant(MODERN_FILE, [['groups: [platform-team]', 'groups: [platform-team, oncall]']]);
  const files = generate(model);
  const subject = (user: string) => file(files, `pki/openssl/user-${user}.csr.cnf`).split('[ subject ]\n')[1].trim().split('\n');

  it.each`
    user                  | lines
    ${'alice'}            | ${['0.O = platform-team', '1.O = oncall', 'CN = alice']}
    ${'bob'}              | ${['0.O = auditors', 'CN = bob']}
    ${'kubernetes-admin'} | ${['0.O = system:masters', 'CN = kubernetes-admin']}
  `('$user: one N.O line per group, then CN', ({ user, lines }) => {
    expect(subject(user)).toEqual(lines);
  });
});

describe('kubeadm flow (modern)', () => {
  const files = generate(modern);
  const plans = planCertificates(modern);

  it.each(['cp-1', 'cp-2', 'cp-3'])('%s: apiserver certificate issued by kubeadm at its standard path', (name) => {
    expect(plans.find((plan) => plan.id === `apiserver-${name}`)).toMatchObject({
      issuedBy: 'kubeadm',
      certFile: '/etc/kubernetes/pki/apiserver.crt',
      keyFile: '/etc/kubernetes/pki/apiserver.key',
      installOn: [name],
    });
  });

  it('plans no kubelet or component certificates: kubeadm issues those', () => {
    expect(plans.map((plan) => plan.id)).toEqual(['apiserver-cp-1', 'apiserver-cp-2', 'apiserver-cp-3', 'user-kubernetes-admin', 'user-alice', 'user-bob']);
  });

  it('sign.sh signs only the user certificates', () => {
    const signLines = file(files, 'pki/sign.sh')
      .split('\n')
      .filter((line) => line.startsWith('sign '));
    expect(signLines).toEqual([
      'sign user-kubernetes-admin user-kubernetes-admin kubernetes-admin.key kubernetes-admin.crt ca',
      'sign user-alice user-alice alice.key alice.crt ca',
      'sign user-bob user-bob bob.key bob.crt ca',
    ]);
  });

  it('writes openssl files for the user certificates only', () => {
    expect([...files.keys()].filter((path) => path.startsWith('pki/openssl/')).sort()).toEqual(
      ['alice', 'bob', 'kubernetes-admin'].flatMap((user) => [`pki/openssl/user-${user}.csr.cnf`, `pki/openssl/user-${user}.ext`]).sort(),
    );
  });

  it('the legacy flow gives sign.sh each apiserver its own file names', () => {
    const signLines = file(generate(seed), 'pki/sign.sh')
      .split('\n')
      .filter((line) => line.startsWith('sign apiserver'));
    expect(signLines).toEqual([
      ...['shaolin', 'wudang', 'emei'].map((name) => `sign apiserver-${name} apiserver apiserver-${name}.key apiserver-${name}.crt ca`),
      'sign apiserver-etcd-client apiserver-etcd-client apiserver-etcd-client.key apiserver-etcd-client.crt etcd/ca',
    ]);
  });

  it('the legacy flow signs a server and a peer certificate per etcd member with the etcd CA, both usages, loopback included', () => {
    const files = generate(seed);
    const signLines = file(files, 'pki/sign.sh')
      .split('\n')
      .filter((line) => line.startsWith('sign etcd-'));
    expect(signLines).toEqual(
      ['shaolin', 'wudang', 'emei'].flatMap((name) =>
        ['server', 'peer'].map((kind) => `sign etcd-${kind}-${name} etcd-${kind}-${name} ${kind}-${name}.key ${kind}-${name}.crt etcd/ca`),
      ),
    );
    const ext = file(files, 'pki/openssl/etcd-peer-wudang.ext');
    expect(ext).toContain('extendedKeyUsage = serverAuth, clientAuth\n');
    expect(ext).toContain('subjectAltName = DNS:wudang,DNS:localhost,IP:10.24.138.208,IP:127.0.0.1\n');
    expect(file(files, 'pki/sign.sh')).toContain('-subj /CN=etcd-ca -days 3650');
  });

  it('plan.json lists the plan', () => {
    expect(JSON.parse(file(files, 'pki/plan.json'))).toEqual({ certificates: JSON.parse(JSON.stringify(plans)) });
  });
});
