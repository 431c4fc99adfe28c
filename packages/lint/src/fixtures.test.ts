import { loadSpec } from '@clusterspec/spec';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../tests/support/fixtures';
import { generateArtifacts } from '@clusterspec/generators';
import { lintSite } from './engine';
import type { Diagnostic } from './rule';

/** The diagnostics of a site summed up: rule id → severities seen. */
function summary(diagnostics: readonly Diagnostic[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const diagnostic of diagnostics) {
    const severities = (result[diagnostic.ruleId] ??= []);
    if (!severities.includes(diagnostic.severity)) severities.push(diagnostic.severity);
  }
  return result;
}

const errorIds = (diagnostics: readonly Diagnostic[]) =>
  [...new Set(diagnostics.filter((diagnostic) => diagnostic.severity === 'error').map((diagnostic) => diagnostic.ruleId))].sort();

describe('fixtures/broken: each case fires exactly its rules', () => {
  /**
   * Warnings of the seed site itself, which every case (a copy of it) keeps unless its mistake removes them,
   * and san-coverage's info about emei's own address on the balancer path (lb-1's and lb-2's in modern copies).
   */
  const SEED_WARNINGS = {
    'endpoint-is-service-name': ['warning'],
    'dns-public-fallback': ['warning'],
    'registrator-remote-agent': ['warning'],
    'san-coverage': ['info'],
  };
  const { 'registrator-remote-agent': _remote, ...SEED_ONLY_WARNINGS } = SEED_WARNINGS;
  const BALANCER_INFO = { 'san-coverage': ['info'] };
  const expected: Record<string, Record<string, string[]>> = {
    'admin-kubeconfig-lb-ip': { ...SEED_WARNINGS, 'san-coverage': ['info', 'error'] },
    'masters-untainted': { ...SEED_WARNINGS, 'taint-label-consistency': ['error'] },
    'kube-proxy-pinned': { ...SEED_WARNINGS, 'single-apiserver-dependency': ['error'] },
    'kube-proxy-service-name-6443': { ...SEED_WARNINGS, 'single-apiserver-dependency': ['error'] },
    'copied-apiserver-cert': { ...SEED_WARNINGS, 'san-advertise-address': ['error'], 'san-coverage': ['error', 'info'] },
    'lb-proxy-timeout-3s': { ...SEED_WARNINGS, 'lb-proxy-timeout': ['warning'] },
    'docker-dns-loopback': {
      'endpoint-is-service-name': ['warning'],
      'registrator-remote-agent': ['warning'],
      'container-dns-loopback': ['error'],
      ...BALANCER_INFO,
    },
    'wrong-lb-port': { ...SEED_WARNINGS, 'endpoint-unreachable': ['error'] },
    // localhost is no other host's agent: registrator-agent's error, not this warning.
    'registrator-localhost': { ...SEED_ONLY_WARNINGS, 'registrator-agent': ['error'] },
    'consul-four-servers': { ...SEED_WARNINGS, 'consul-quorum': ['error'] },
    'consul-join-one-server': { ...SEED_WARNINGS, 'consul-retry-join': ['error'] },
    'consul-bootstrap-mismatch': { ...SEED_WARNINGS, 'consul-bootstrap-expect': ['error'] },
    'consul-gossip-partial': { ...SEED_WARNINGS, 'consul-gossip-key': ['error'] },
    'consul-two-datacenters': { ...SEED_WARNINGS, 'consul-datacenter': ['error'] },
    'ingress-without-agent': { ...SEED_WARNINGS, 'consul-template-agent': ['error'] },
    'consul-dns-8600': { ...SEED_WARNINGS, 'consul-dns-unreachable': ['error'] },
    'harbor-port-taken': { ...SEED_WARNINGS, 'port-conflict': ['error'] },
    'harbor-bundled-database': { ...SEED_WARNINGS, 'harbor-shared-state': ['error'] },
    'harbor-url-instance-port': { ...SEED_WARNINGS, 'harbor-endpoint': ['error'] },
    'kubelet-docker-untrusted': { ...SEED_WARNINGS, 'registry-trust': ['error'] },
    'vip-single-balancer': { ...SEED_WARNINGS, 'vip-config': ['warning'] },
    // The network mistakes of issue 11; the modern site has no warnings of its own.
    'pod-subnet-holds-hosts': { ...SEED_WARNINGS, 'pod-subnet': ['error'] },
    'pod-subnet-too-small': { ...SEED_WARNINGS, 'pod-subnet': ['error'] },
    'service-port-kubelet': { ...SEED_WARNINGS, 'port-conflict': ['error'] },
    'services-share-port': { ...BALANCER_INFO, 'port-conflict': ['error'] },
    'virtual-address-service-ip': { ...BALANCER_INFO, 'virtual-address': ['error'] },
    'endpoint-address-nowhere': { ...BALANCER_INFO, 'endpoint-unreachable': ['error'] },
    'loopback-host-address': { ...BALANCER_INFO, 'unusable-host-address': ['error'] },
  };
  const cases = readdirSync(join(ROOT, 'fixtures/broken')).sort();

  it('every case has an expectation and every expectation a case', () => {
    expect(cases).toEqual(Object.keys(expected).sort());
  });

  it.each(cases)('%s', (name) => {
    const file = join(ROOT, 'fixtures/broken', name, 'cluster.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Mistake: /m);
    expect(text).toMatch(/^# BROKEN ON PURPOSE: the (seed|modern) site with one /);
    expect(text).toContain(`  name: broken-${name}\n`);
    const model = loadSpec(file);
    const artifacts = generateArtifacts(model);
    expect(artifacts.length).toBeGreaterThan(0);
    const diagnostics = lintSite(model, artifacts);
    const want = expected[name];
    expect(errorIds(diagnostics)).toEqual(
      Object.keys(want)
        .filter((id) => want[id].includes('error'))
        .sort(),
    );
    expect(summary(diagnostics)).toEqual(want);
  });
});

describe('the working fixtures have no errors', () => {
  const expectedWarnings: Record<string, string[]> = {
    'fixtures/seed-ha/cluster.yaml': ['dns-public-fallback', 'endpoint-is-service-name', 'registrator-remote-agent'],
    'fixtures/seed-ha-toml/cluster.toml': ['dns-public-fallback', 'endpoint-is-service-name', 'registrator-remote-agent'],
    'fixtures/modern/cluster.yaml': [],
    'fixtures/edge/cluster.yaml': ['registrator-remote-agent'],
    'fixtures/vip-pernode/cluster.yaml': [],
  };
  /** san-coverage's info findings: balancer hosts' own addresses, which no certificate behind them carries. */
  const expectedInfos: Record<string, number> = {
    'fixtures/seed-ha/cluster.yaml': 1,
    'fixtures/seed-ha-toml/cluster.toml': 1,
    'fixtures/modern/cluster.yaml': 2,
    'fixtures/edge/cluster.yaml': 0,
    'fixtures/vip-pernode/cluster.yaml': 0,
  };
  it.each(Object.keys(expectedWarnings))('%s', (file) => {
    const model = loadSpec(join(ROOT, file));
    const diagnostics = lintSite(model, generateArtifacts(model));
    expect(errorIds(diagnostics)).toEqual([]);
    expect(
      diagnostics
        .filter((diagnostic) => diagnostic.severity === 'warning')
        .map((diagnostic) => `${diagnostic.severity} ${diagnostic.ruleId}`)
        .sort(),
    ).toEqual(expectedWarnings[file].map((id) => `warning ${id}`));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 'info').map((diagnostic) => diagnostic.ruleId)).toEqual(
      Array(expectedInfos[file]).fill('san-coverage'),
    );
  });
});
