/**
 * keepalived.conf as `render` fills it: accepted by the real keepalived, and its VRRP password placed only where
 * keepalived reads it whole. Here rather than beside the loadbalancer package because filling secrets is the
 * CLI's (no package's test imports the CLI, tests/architecture.test.ts).
 */
import { fillSecrets } from '@clusterspec/cli';
import { generateArtifacts } from '@clusterspec/generators';
import { CHECK_APISERVER_PATH, KEEPALIVED_CONF_PATH } from '@clusterspec/loadbalancer';
import { loadFixture } from '../support/fixtures';
import { generatedSites } from '../support/generated-sites';
import { keepalivedConfigTest } from '../support/keepalived';

const modern = loadFixture('fixtures/modern/cluster.yaml');
const byPath = (files: readonly { path: string; content: string }[]) => new Map(files.map((file) => [file.path, file.content]));

describe('keepalived --config-test (keepalived 2.2.7, Debian) accepts every generated keepalived.conf', () => {
  // Rendered as `render` would, with a password keepalived can hold: the placeholder's braces are its syntax.
  const rendered = generatedSites().flatMap((site) => {
    const keepalived = site.artifacts.filter((file) => file.path.includes('/etc/keepalived/'));
    if (keepalived.length === 0) return [];
    const filled = fillSecrets(site.model, keepalived, { KEEPALIVED_AUTH_PASS: 'k8s-VRRP' });
    if (!filled.ok) throw new Error(`${site.spec}: ${filled.problems.map((problem) => problem.reason).join('; ')}`);
    const files = byPath(filled.artifacts);
    return filled.artifacts
      .filter((file) => file.path.endsWith(KEEPALIVED_CONF_PATH))
      .map((file) => ({
        id: `${site.spec}: ${file.path}`,
        site,
        conf: file.content,
        script: files.get(file.path.replace(KEEPALIVED_CONF_PATH, CHECK_APISERVER_PATH)) as string,
      }));
  });

  it('finds the keepalived configurations of the fixtures', () => {
    expect(rendered.map((each) => each.id)).toEqual(
      expect.arrayContaining([
        'fixtures/modern/cluster.yaml: hosts/lb-1/etc/keepalived/keepalived.conf',
        'fixtures/modern/cluster.yaml: hosts/lb-2/etc/keepalived/keepalived.conf',
      ]),
    );
  });

  it.each(rendered.map((each) => [each.id, each] as const))('%s', (_id, each) => {
    const verdict = keepalivedConfigTest(
      each.conf,
      { path: CHECK_APISERVER_PATH, content: each.script },
      each.site.model.kubernetes.loadBalancer.virtualIP?.interface as string,
    );
    expect(verdict.output).toBe('');
    expect(verdict.ok).toBe(true);
  });

  it('bites: a virtual_router_id out of range and a missing interface are refused', () => {
    const [first] = rendered;
    const options = [{ path: CHECK_APISERVER_PATH, content: first.script }] as const;
    const outOfRange = keepalivedConfigTest(first.conf.replace(/virtual_router_id \d+/, 'virtual_router_id 300'), ...options, 'ens192');
    expect(outOfRange.ok).toBe(false);
    expect(outOfRange.output).toMatch(/VRID '300' not valid/);
    const otherInterface = keepalivedConfigTest(first.conf, ...options, 'eth9');
    expect(otherInterface.ok).toBe(false);
    expect(otherInterface.output).toMatch(/interface ens192 .* doesn't exist/);
  });
});

describe('render places the VRRP password only where keepalived reads it whole', () => {
  const artifacts = generateArtifacts(modern);
  const env = (value: string) => ({ KEEPALIVED_AUTH_PASS: value });
  // The balancers' files alone: the site's other secrets are another test's business.
  const keepalivedFiles = artifacts.filter((file) => file.path.includes('/etc/keepalived/'));

  it.each([
    ['a', 'longer than 8 characters', '123456789'],
    ['a blank', 'not one word', 'ab cd'],
    ['a comment character', 'not one word', 'ab!cd'],
    ['a brace', 'not one word', 'ab{cd'],
  ])('refuses %s (%s)', (_what, reason, value) => {
    const result = fillSecrets(modern, keepalivedFiles, env(value));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problem = result.problems.find((each) => each.use.name === 'KEEPALIVED_AUTH_PASS');
    expect(problem?.reason).toContain(reason);
    expect(problem?.use.fields).toEqual(['spec.kubernetes.loadBalancer.vrrpPassword']);
  });

  it('fills an 8-character password into every keepalived.conf', () => {
    const result = fillSecrets(modern, keepalivedFiles, env('k8s-VRRP'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const confs = result.artifacts.filter((file) => file.path.endsWith(KEEPALIVED_CONF_PATH));
    expect(confs).toHaveLength(2);
    for (const conf of confs) expect(conf.content).toContain('auth_pass k8s-VRRP\n');
  });
});
