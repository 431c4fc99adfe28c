/**
 * Runs the seed's generated pki/sign.sh with the real openssl against a throwaway CA and checks
 * what it issues: chain, subject, SANs and file names, the ones the static pods expect.
 */
import { kubernetesGenerators } from '@clusterspec/kubernetes';
import { loadSpec } from '@clusterspec/spec';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pkiGenerators, planCertificates } from './index';
import { makeCA, openssl } from '../../../tests/support/pki';
import { deadline } from '../../../tests/support/deadline';

const seed = loadSpec(resolve(__dirname, '../../../fixtures/seed-ha/cluster.yaml'));
const plans = planCertificates(seed);
const apiServerPlans = plans.filter((plan) => plan.commonName === 'kube-apiserver');

let work: string;
let caDir: string;
let signed: string;

/** openssl x509 -noout ... of a signed certificate. */
function x509(cert: string, ...args: string[]): string {
  return openssl('x509', '-noout', '-in', join(signed, cert), ...args).trim();
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'clusterspec-sign-'));
  const site = join(work, 'site');
  for (const item of pkiGenerators.flatMap((generator) => generator(seed))) {
    const target = join(site, item.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, item.content, { mode: item.mode });
  }
  caDir = join(work, 'ca');
  makeCA(caDir);
  signed = join(work, 'signed');
  execFileSync('bash', [join(site, 'pki/sign.sh'), caDir, signed], { cwd: work, timeout: deadline(60_000), stdio: ['ignore', 'pipe', 'pipe'] });
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('sign.sh output', () => {
  it('is exactly the certificate and key files of the plan and the shared service account key pair (no CSR left behind)', () => {
    // ca.crt goes beside the users' certificates, which their kubeconfigs name; the kubeconfigs themselves are
    // copied from ../cluster/kubeconfig/, which this test does not write (sign.sh says so and goes on).
    const expected = [...plans.flatMap((plan) => [basename(plan.certFile), basename(plan.keyFile)]), 'sa.key', 'sa.pub', 'ca.crt'];
    expect(
      readdirSync(signed)
        .filter((name) => !name.endsWith('.srl'))
        .sort(),
    ).toEqual([...expected].sort());
  });

  it('keys are readable by their owner only', () => {
    for (const plan of plans) expect(statSync(join(signed, basename(plan.keyFile))).mode & 0o077).toBe(0);
    expect(statSync(join(signed, 'sa.key')).mode & 0o077).toBe(0);
  });

  it('sa.pub is the public half of sa.key', () => {
    const derived = execFileSync('openssl', ['rsa', '-in', join(signed, 'sa.key'), '-pubout'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(readFileSync(join(signed, 'sa.pub'), 'utf8')).toBe(derived);
  });

  it.each(seed.kubernetes.controlPlaneHosts.map((host) => ({ name: host.name })))(
    '$name: the manifest names the files sign.sh wrote (apiserver-<host>.crt/.key)',
    ({ name }) => {
      const manifest = kubernetesGenerators
        .flatMap((generator) => generator(seed))
        .find((item) => item.path === `hosts/${name}/etc/kubernetes/manifests/kube-apiserver.yaml`);
      expect(manifest).toBeDefined();
      const command: string[] = parseAllDocuments(manifest!.content)[0].toJS().spec.containers[0].command;
      const referenced = ['tls-cert-file', 'tls-private-key-file'].map((flag) => basename(command.find((arg) => arg.startsWith(`--${flag}=`))!.split('=')[1]));
      expect(referenced).toEqual([`apiserver-${name}.crt`, `apiserver-${name}.key`]);
      expect(readdirSync(signed)).toEqual(expect.arrayContaining(referenced));
    },
  );
});

describe.each(apiServerPlans.map((plan) => ({ host: plan.installOn[0], plan })))('apiserver certificate of $host', ({ host, plan }) => {
  const cert = basename(plan.certFile);

  it('verifies against the CA as a TLS server certificate', () => {
    expect(openssl('verify', '-CAfile', join(caDir, 'ca.crt'), '-purpose', 'sslserver', join(signed, cert)).trim()).toBe(`${join(signed, cert)}: OK`);
  });

  it('has subject CN=kube-apiserver', () => {
    expect(x509(cert, '-subject', '-nameopt', 'RFC2253')).toBe('subject=CN=kube-apiserver');
  });

  it("carries exactly the plan's SANs, in order", () => {
    const [heading, names, ...rest] = x509(cert, '-ext', 'subjectAltName').split('\n');
    expect(heading).toMatch(/^X509v3 Subject Alternative Name:/);
    expect(rest).toEqual([]);
    expect(names.trim().split(', ')).toEqual([...plan.dnsNames.map((name) => `DNS:${name}`), ...plan.ipAddresses.map((address) => `IP Address:${address}`)]);
  });

  it.each(['kubernetes.default.svc', host])('is valid for the name %s', (name) => {
    expect(x509(cert, '-checkhost', name)).toBe(`Hostname ${name} does match certificate`);
  });

  it("is valid for the host's own address", () => {
    const address = seed.hosts.find((candidate) => candidate.name === host)!.address;
    expect(x509(cert, '-checkip', address)).toBe(`IP ${address} does match certificate`);
  });
});

describe('the checks can fail', () => {
  it("wudang's certificate is NOT valid for emei's address (the copied-certificate x509 error)", () => {
    expect(x509('apiserver-wudang.crt', '-checkip', '10.27.52.72')).toBe('IP 10.27.52.72 does NOT match certificate');
    expect(x509('apiserver-wudang.crt', '-checkhost', 'emei')).toBe('Hostname emei does NOT match certificate');
  });

  it('a certificate does not verify against another CA', () => {
    const otherCA = join(work, 'other-ca');
    makeCA(otherCA);
    expect(() => openssl('verify', '-CAfile', join(otherCA, 'ca.crt'), join(signed, 'apiserver-wudang.crt'))).toThrow();
  });

  it('a client certificate does not verify as a TLS server certificate', () => {
    expect(() => openssl('verify', '-CAfile', join(caDir, 'ca.crt'), '-purpose', 'sslserver', join(signed, 'kubernetes-admin.crt'))).toThrow();
  });
});

describe('client certificates', () => {
  it.each`
    cert                        | subject
    ${'kubernetes-admin.crt'}   | ${'subject=O = system:masters, CN = kubernetes-admin'}
    ${'kubelet-shaolin.crt'}    | ${'subject=O = system:nodes, CN = system:node:shaolin'}
    ${'controller-manager.crt'} | ${'subject=CN = system:kube-controller-manager'}
    ${'scheduler.crt'}          | ${'subject=CN = system:kube-scheduler'}
  `('$cert: $subject, a TLS client certificate of the CA', ({ cert, subject }) => {
    expect(x509(cert, '-subject')).toBe(subject);
    expect(openssl('verify', '-CAfile', join(caDir, 'ca.crt'), '-purpose', 'sslclient', join(signed, cert)).trim()).toBe(`${join(signed, cert)}: OK`);
  });
});

describe('etcd certificates (TLS between members and from the apiserver)', () => {
  const etcdCA = () => join(caDir, 'etcd/ca.crt');

  it('sign.sh made the etcd CA under CA_DIR/etcd, a CA of its own', () => {
    expect(openssl('x509', '-noout', '-subject', '-in', etcdCA()).trim()).toBe('subject=CN = etcd-ca');
    expect(openssl('x509', '-noout', '-ext', 'basicConstraints', '-in', etcdCA())).toContain('CA:TRUE');
  });

  it.each(['server-shaolin.crt', 'peer-emei.crt'])('%s verifies against the etcd CA as server and as client, and not against the cluster CA', (cert) => {
    for (const purpose of ['sslserver', 'sslclient']) {
      expect(openssl('verify', '-CAfile', etcdCA(), '-purpose', purpose, join(signed, cert)).trim()).toBe(`${join(signed, cert)}: OK`);
    }
    expect(() => openssl('verify', '-CAfile', join(caDir, 'ca.crt'), join(signed, cert))).toThrow();
  });

  it('apiserver-etcd-client.crt is a client certificate of the etcd CA', () => {
    const cert = join(signed, 'apiserver-etcd-client.crt');
    expect(openssl('verify', '-CAfile', etcdCA(), '-purpose', 'sslclient', cert).trim()).toBe(`${cert}: OK`);
    expect(() => openssl('verify', '-CAfile', etcdCA(), '-purpose', 'sslserver', cert)).toThrow();
  });
});
