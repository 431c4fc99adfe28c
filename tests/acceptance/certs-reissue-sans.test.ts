/**
 * Acceptance: `certs plan` for a kubeadm site whose apiServer.certSANs gained a name (issue 22). The runbook's
 * sh blocks are run in order by sh, as an operator pastes them, against a scratch /etc/kubernetes, with
 * stand-ins for kubeadm and kubectl that do what kubeadm documents and nothing more:
 * - `kubeadm init phase upload-config kubeadm --config F` stores F's ClusterConfiguration in the kubeadm-config
 *   ConfigMap, and `kubectl … get configmap kubeadm-config -o jsonpath={.data.ClusterConfiguration}` prints it;
 * - `kubeadm init phase certs apiserver --config F` keeps a certificate already on disk ("Using the existing
 *   apiserver certificate and key"), else issues one from F's ClusterConfiguration (certSANs), with openssl.
 * This is the sequence of "Reconfiguring a kubeadm cluster" (kubernetes.io/docs/tasks/administer-cluster/kubeadm/
 * kubeadm-reconfigure/): update the ClusterConfiguration, move the old apiserver pair away, `kubeadm init phase
 * certs apiserver --config`, restart the apiserver. The certificate that comes out must carry the new name; the
 * same blocks without the first step give one without it (the bug this replaces).
 */
import { generateArtifacts } from '@clusterspec/generators';
import { KUBEADM_CONFIG_PATH } from '@clusterspec/kubernetes';
import { apiServerCertificate } from '@clusterspec/pki';
import { loadSpec } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cli } from '../support/cli';
import { ROOT } from '../support/fixtures';
import { makeCA, openssl, signFromPlan } from '../support/pki';
import { deadline } from '../support/deadline';

const MODERN = join(ROOT, 'fixtures/modern/cluster.yaml');
const NEW_NAME = 'api.corp.example';

let work: string;
let newSpec: string;
let runbook: string;
const old = loadSpec(MODERN);
const [cp1] = old.kubernetes.controlPlaneHosts;

/** The stand-in kubeadm: the two phases the runbook uses, as kubeadm documents them. */
const KUBEADM = `#!/usr/bin/env node
const { appendFileSync, existsSync, readFileSync, writeFileSync, mkdtempSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const YAML = require(${JSON.stringify(require.resolve('yaml'))});
const args = process.argv.slice(2);
appendFileSync(process.env.STANDIN_LOG, 'kubeadm ' + args.join(' ') + '\\n');
const config = args[args.indexOf('--config') + 1];
const cluster = YAML.parseAllDocuments(readFileSync(config, 'utf8')).map((document) => document.toJS()).find((document) => document && document.kind === 'ClusterConfiguration');
const phase = args.slice(0, 4).join(' ');
if (phase === 'init phase upload-config kubeadm') writeFileSync(process.env.STANDIN_CONFIGMAP, YAML.stringify(cluster));
else if (phase === 'init phase certs apiserver') {
  const pki = process.env.STANDIN_PKI;
  if (existsSync(join(pki, 'apiserver.crt'))) { console.log('[certs] Using the existing "apiserver" certificate and key'); process.exit(0); }
  const scratch = mkdtempSync(join(pki, '..', 'issue-'));
  const names = ['kubernetes', ...(cluster.apiServer.certSANs || [])];
  const alt = names.map((name) => (/^[0-9.]+$/.test(name) ? 'IP:' : 'DNS:') + name).join(',');
  writeFileSync(join(scratch, 'ext'), 'subjectAltName = ' + alt + '\\n');
  const run = (...words) => execFileSync('openssl', words, { stdio: 'ignore', timeout: ${deadline(30000)} });
  run('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(pki, 'apiserver.key'), '-subj', '/CN=kube-apiserver', '-out', join(scratch, 'csr'));
  run('x509', '-req', '-in', join(scratch, 'csr'), '-CA', join(pki, 'ca.crt'), '-CAkey', join(pki, 'ca.key'), '-CAcreateserial', '-CAserial', join(scratch, 'srl'), '-days', '365', '-extfile', join(scratch, 'ext'), '-out', join(pki, 'apiserver.crt'));
} else { console.error('stand-in kubeadm: not a phase the runbook should use: ' + phase); process.exit(1); }
`;
const KUBECTL = `#!/usr/bin/env node
const { appendFileSync, readFileSync } = require('node:fs');
appendFileSync(process.env.STANDIN_LOG, 'kubectl ' + process.argv.slice(2).join(' ') + '\\n');
process.stdout.write(readFileSync(process.env.STANDIN_CONFIGMAP, 'utf8'));
`;
/** The kubelet's 20 s look at the manifests folder is not what is tested: sleep only records that it was asked. */
const SLEEP = `#!/bin/sh\necho "sleep $*" >> "$STANDIN_LOG"\n`;

const clusterConfigurationOf = (text: string) =>
  parseAllDocuments(text)
    .map((document) => document.toJS() as { kind?: string })
    .find((document) => document.kind === 'ClusterConfiguration');
const kubeadmConfigOf = (model: ReturnType<typeof loadSpec>) =>
  generateArtifacts(model).find((item) => item.path === `hosts/${cp1.name}/etc/kubernetes/kubeadm-config.yaml`)!.content;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'clusterspec-reissue-sans-'));
  newSpec = join(work, 'cluster.yaml');
  writeFileSync(newSpec, readFileSync(MODERN, 'utf8').replace('certSANs: [kubernetes.corp.example]', `certSANs: [kubernetes.corp.example, ${NEW_NAME}]`));
  makeCA(join(work, 'ca'), '/CN=kubernetes', 3650);
  // cp-1's certificates as collected: the apiserver one as issued for the old spec.
  const collected = join(work, 'collected', 'hosts', cp1.name, 'pki');
  mkdirSync(collected, { recursive: true });
  cpSync(join(work, 'ca', 'ca.crt'), join(collected, 'ca.crt'));
  cpSync(signFromPlan(apiServerCertificate(old, cp1), join(work, 'ca'), join(work, 'old')), join(collected, 'apiserver.crt'));
  const result = await cli(['certs', 'plan', newSpec, '--certs', join(work, 'collected')]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1);
  runbook = result.stdout;
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A scratch host: /etc/kubernetes with the CA, the old apiserver pair, its manifest and the deployed kubeadm config; the ConfigMap as the old spec left it. */
function host(name: string) {
  const root = join(work, name);
  const pki = join(root, 'etc/kubernetes/pki');
  mkdirSync(pki, { recursive: true });
  mkdirSync(join(root, 'etc/kubernetes/manifests'));
  mkdirSync(join(root, 'root'));
  cpSync(join(work, 'ca', 'ca.crt'), join(pki, 'ca.crt'));
  cpSync(join(work, 'ca', 'ca.key'), join(pki, 'ca.key'));
  cpSync(join(work, 'collected', 'hosts', cp1.name, 'pki', 'apiserver.crt'), join(pki, 'apiserver.crt'));
  writeFileSync(join(pki, 'apiserver.key'), 'old key\n');
  writeFileSync(join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'kind: Pod\n');
  writeFileSync(join(root, KUBEADM_CONFIG_PATH), kubeadmConfigOf(loadSpec(newSpec)));
  const configMap = join(root, 'configmap.yaml');
  writeFileSync(configMap, JSON.stringify(clusterConfigurationOf(kubeadmConfigOf(old))));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'kubeadm'), KUBEADM, { mode: 0o755 });
  writeFileSync(join(bin, 'kubectl'), KUBECTL, { mode: 0o755 });
  writeFileSync(join(bin, 'sleep'), SLEEP, { mode: 0o755 });
  return { root, pki, bin, configMap, log: join(root, 'log') };
}

/** Runs sh blocks with the host's paths under its scratch root; the log of stand-in calls, in order. */
function run(blocks: readonly string[], scratch: ReturnType<typeof host>): string[] {
  const script = blocks.join('').replaceAll('/etc/kubernetes', `${scratch.root}/etc/kubernetes`).replaceAll('/root/', `${scratch.root}/root/`);
  const result = spawnSync('sh', ['-e', '-c', script], {
    encoding: 'utf8',
    timeout: deadline(60_000),
    env: {
      PATH: [scratch.bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
      STANDIN_LOG: scratch.log,
      STANDIN_CONFIGMAP: scratch.configMap,
      STANDIN_PKI: scratch.pki,
    },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return readFileSync(scratch.log, 'utf8').trimEnd().split('\n');
}

const blocksOf = (text: string) => [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
/** The SAN entries of a certificate as openssl prints them: DNS:cp-1, IP Address:10.96.0.1, … */
const sansOf = (certificate: string) => openssl('x509', '-noout', '-ext', 'subjectAltName', '-in', certificate).split('\n')[1].trim().split(', ');

describe('certs plan, kubeadm flow, a name added to apiServer.certSANs', () => {
  it('updates the cluster configuration from the deployed kubeadm config first, once, before the host', () => {
    const cluster = runbook.indexOf('## Cluster configuration (first, once)');
    expect(cluster).toBeGreaterThan(0);
    expect(runbook.indexOf(`## ${cp1.name} (control plane`)).toBeGreaterThan(cluster);
    expect(blocksOf(runbook)[0]).toContain(`kubeadm init phase upload-config kubeadm --config ${KUBEADM_CONFIG_PATH}\n`);
  });

  it('its blocks, run in order, give cp-1 an apiserver certificate with the new name, then restart the apiserver', () => {
    const scratch = host('in-order');
    expect(sansOf(join(scratch.pki, 'apiserver.crt'))).not.toContain(`DNS:${NEW_NAME}`);
    const log = run(blocksOf(runbook), scratch);
    expect(sansOf(join(scratch.pki, 'apiserver.crt'))).toContain(`DNS:${NEW_NAME}`);
    expect(sansOf(join(scratch.pki, 'apiserver.crt'))).toContain('DNS:kubernetes.corp.example');
    const upload = log.findIndex((line) => line.startsWith('kubeadm init phase upload-config kubeadm'));
    const issue = log.findIndex((line) => line.startsWith('kubeadm init phase certs apiserver'));
    const restart = log.findIndex((line) => line.startsWith('sleep'));
    expect(upload).toBeGreaterThanOrEqual(0);
    expect(issue).toBeGreaterThan(upload);
    expect(restart).toBeGreaterThan(issue);
    expect(existsSync(join(scratch.root, 'etc/kubernetes/manifests/kube-apiserver.yaml'))).toBe(true);
    expect(readFileSync(join(scratch.root, 'root/apiserver.key'), 'utf8')).toBe('old key\n');
  });

  it('without the cluster step, the same host blocks keep the old names (what the runbook did before)', () => {
    const scratch = host('without-upload');
    run(blocksOf(runbook).slice(1), scratch);
    expect(sansOf(join(scratch.pki, 'apiserver.crt'))).not.toContain(`DNS:${NEW_NAME}`);
  });
});
