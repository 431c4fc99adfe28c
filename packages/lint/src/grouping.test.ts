import { loadSpecText } from '@clusterspec/spec';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cli } from '../../../tests/support/cli';
import { generateArtifacts } from '@clusterspec/generators';
import { lintSite } from './engine';
import type { Diagnostic } from './rule';

// Item 9 of issue 11: one spec mistake on a site of thousands of hosts printed one line per host at one
// spec location. A synthetic site (bench/make-spec.js) of 300 hosts, every one a Docker host, with one
// mistake that reaches every host: containers told to use 127.0.0.1 for DNS.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script without type declarations, typed here
const { syntheticSpec } = require('../../../bench/make-spec.js') as { syntheticSpec: (size: number) => { spec: { docker: { dns: string[] } } } };
const SIZE = 300;

function brokenSiteText(): string {
  const spec = syntheticSpec(SIZE);
  spec.spec.docker.dns = ['127.0.0.1'];
  return stringify(spec, { lineWidth: 0 });
}

const TEXT = brokenSiteText();
const lint = (): Diagnostic[] => {
  const model = loadSpecText('large.yaml', Buffer.from(TEXT));
  return lintSite(model, generateArtifacts(model));
};
const diagnostics = lint();
const loopback = diagnostics.filter((diagnostic) => diagnostic.ruleId === 'container-dns-loopback');
const allHosts = (syntheticSpec(SIZE) as unknown as { spec: { hosts: { name: string }[] } }).spec.hosts.map((host) => host.name);

describe('findings of one rule at one spec location are one diagnostic', () => {
  it('300 hosts with the same mistake: one diagnostic naming how many hosts and the first three', () => {
    expect(loopback).toHaveLength(1);
    const [only] = loopback;
    expect(only.message).toBe(
      "containers on 300 hosts (cp-1, cp-2, cp-3 and 297 more) are told to use DNS at 127.0.0.1, their own loopback, where nothing answers; use the host's address (write consul for Consul DNS)",
    );
    expect(only.field).toBe('spec.docker.dns[0]');
    // The first host's file stands for all of them.
    expect(only.artifact).toBe('hosts/cp-1/etc/docker/daemon.json');
  });

  it('keeps the full host list, in the order the rule found them, for --format json', () => {
    expect(allHosts).toHaveLength(SIZE);
    expect(loopback[0].hosts).toEqual(allHosts);
  });

  it('the whole site lints into a handful of diagnostics, the same on every run', () => {
    expect(diagnostics.length).toBeLessThan(10);
    expect(lint()).toEqual(diagnostics);
  });

  it('findings at one location that differ in more than the host stay apart', () => {
    // consul-dns-unreachable says per host which agent it misses; the loopback rule says the same thing of every host.
    const keys = diagnostics.map((diagnostic) => `${diagnostic.ruleId} ${diagnostic.location.line}:${diagnostic.location.column} ${diagnostic.message}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('the formats at scale (CLI)', () => {
  let directory: string;
  let spec: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'clusterspec-grouping-'));
    spec = join(directory, 'large.yaml');
    writeFileSync(spec, TEXT);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('text: one line for the mistake, not one per host', async () => {
    const { code, stdout } = await cli(['lint', spec]);
    expect(code).toBe(1);
    const lines = stdout.split('\n').filter((line) => line.endsWith(' container-dns-loopback'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('containers on 300 hosts (cp-1, cp-2, cp-3 and 297 more)');
    expect(stdout.split('\n').length).toBeLessThan(20);
  });

  it('json: the diagnostic carries every host in `hosts`', async () => {
    const { stdout } = await cli(['lint', spec, '--format', 'json']);
    const parsed = JSON.parse(stdout) as { diagnostics: Diagnostic[] };
    const found = parsed.diagnostics.filter((diagnostic) => diagnostic.ruleId === 'container-dns-loopback');
    expect(found).toHaveLength(1);
    expect(found[0].hosts).toEqual(allHosts);
  });

  it('sarif: one result with the host count, kilobytes not megabytes', async () => {
    const { stdout } = await cli(['lint', spec, '--format', 'sarif']);
    const results = (JSON.parse(stdout) as { runs: { results: { ruleId: string; properties?: { hostCount?: number } }[] }[] }).runs[0].results;
    const found = results.filter((result) => result.ruleId === 'container-dns-loopback');
    expect(found).toHaveLength(1);
    expect(found[0].properties?.hostCount).toBe(SIZE);
    expect(Buffer.byteLength(stdout)).toBeLessThan(32 * 1024);
  });
});
