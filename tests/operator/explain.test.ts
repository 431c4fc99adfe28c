import { rules } from '@clusterspec/lint';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOAD_CHECKS, matchesPattern } from '@clusterspec/spec';
import { generateDeploy } from '@clusterspec/deploy';
import { ARTIFACT_DESCRIPTORS, generateSite } from '@clusterspec/generators';

const sourcesOf = (path: string) => ARTIFACT_DESCRIPTORS.filter((descriptor) => matchesPattern(descriptor.pattern, path));
import { ROOT } from '../support/fixtures';
import { generatedSites } from '../support/generated-sites';
import { cli } from '../support/cli';

describe('clusterspec explain', () => {
  /** Every file of every site but the picture: the artifacts and the deploy folder built from them. */
  const sitePaths = () =>
    generatedSites().flatMap((site) => [...site.artifacts, ...generateDeploy(site.model, site.artifacts)].map((artifact) => artifact.path));

  it('has exactly one descriptor for every file of every site (deploy/ and topology.svg included)', async () => {
    const paths = new Set(sitePaths());
    paths.add((await generateSite(generatedSites()[0].model)).find((artifact) => artifact.path === 'topology.svg')?.path as string);
    const wrong = [...paths]
      .filter((path) => sourcesOf(path).length !== 1)
      .map(
        (path) =>
          `${path}: ${
            sourcesOf(path)
              .map((source) => source.pattern)
              .join(', ') || 'no descriptor'
          }`,
      );
    expect(wrong).toEqual([]);
  });

  it('has no descriptor that matches nothing', () => {
    const paths = sitePaths();
    const unused = ARTIFACT_DESCRIPTORS.filter((source) => source.pattern !== 'topology.svg' && !paths.some((path) => matchesPattern(source.pattern, path)));
    expect(unused).toEqual([]);
  });

  it("has every rule's reads pattern match a generated file, and san-coverage read what it reads", () => {
    const paths = generatedSites().flatMap((site) => site.artifacts.map((artifact) => artifact.path));
    const dead = rules.flatMap((rule) =>
      (rule.reads ?? []).filter((pattern) => !paths.some((path) => matchesPattern(pattern, path))).map((pattern) => `${rule.id}: ${pattern}`),
    );
    expect(dead).toEqual([]);
    expect(rules.find((rule) => rule.id === 'san-coverage')?.reads).toEqual(
      expect.arrayContaining(['pki/plan.json', 'hosts/*/etc/hosts.d/clusterspec', 'hosts/*/etc/nginx/nginx.conf', 'cluster/kubeconfig/*.conf']),
    );
  });

  it.each(['hosts/emei/etc/nginx/nginx.conf', 'out/seed-ha/hosts/emei/etc/nginx/nginx.conf', './out/seed-ha/hosts/emei/etc/nginx/nginx.conf'])(
    'explains %s: fields and the rules that read it',
    async (path) => {
      const result = await cli(['explain', path]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^hosts\/emei\/etc\/nginx\/nginx\.conf$/m);
      expect(result.stdout).toContain('written by: @clusterspec/loadbalancer (loadbalancer/nginx-conf');
      expect(result.stdout).toContain('read at deploy time by: nginx');
      expect(result.stdout).toMatch(/^ {4}spec\.kubernetes\.loadBalancer\.proxyTimeout$/m);
      for (const id of ['san-coverage', 'lb-proxy-timeout', 'endpoint-unreachable']) expect(result.stdout).toMatch(new RegExp(`^ {4}${id} `, 'm'));
      expect(result.stdout).not.toMatch(/^ {4}etcd-quorum /m);
      // nginx.conf declares no secret-bearing key: secret-literal (which reads every file) has nothing to look at there.
      expect(result.stdout).not.toMatch(/^ {4}secret-literal /m);
    },
  );

  it('names secret-literal among the readers of a file with secret-bearing keys', async () => {
    const result = await cli(['explain', 'hosts/emei/etc/consul.d/consul.hcl']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {4}secret-literal /m);
  });

  it('explains pki/plan.json as read by the SAN rules', async () => {
    const result = await cli(['explain', 'pki/plan.json']);
    expect(result.stdout).toMatch(/^ {4}san-advertise-address /m);
    expect(result.stdout).toMatch(/^ {4}spec\.kubernetes\.apiServer\.certSANs$/m);
  });

  it('prints the documentation of a rule', async () => {
    const result = await cli(['explain', 'san-coverage']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(ROOT, 'docs/rules/san-coverage.md'), 'utf8').trimEnd());
  });

  it.each([
    ['hosts/emei/etc/ngin/nginx.conf', 'hosts/*/etc/nginx/nginx.conf'],
    ['san-coverag', 'san-coverage'],
    ['lb-proxy-timeuot', 'lb-proxy-timeout'],
    ['load/dockershm', 'load/dockershim'],
  ])('refuses %s with exit 2 and suggests %s', async (argument, suggestion) => {
    const result = await cli(['explain', argument]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`did you mean "${suggestion}"?`);
  });

  // Issue 25, item 5: a refusal of the loader is tagged with a check of its own, not with a lint rule's id.
  it('explains a load check as a check of the loader, not as a lint rule, naming the rule about the same', async () => {
    const result = await cli(['explain', 'load/dockershim']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `load/dockershim: checked when the spec is loaded (validate and every command refuse the spec, exit 2), not a lint rule\n  ${LOAD_CHECKS.dockershim.description}\n  the lint rule about the same: container-runtime (clusterspec explain container-runtime)`,
    );
    for (const check of Object.values(LOAD_CHECKS)) {
      expect(check.id).toMatch(/^load\/[a-z-]+$/);
      if (check.rule) expect(rules.map((rule) => rule.id)).toContain(check.rule);
    }
  });

  it("tags no message of the loader with a lint rule's id, and every load/ tag with a check that exists", () => {
    const folder = join(ROOT, 'packages/spec/src');
    const sources = readdirSync(folder)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.generated.ts'))
      .map((name) => readFileSync(join(folder, name), 'utf8'))
      .join('\n');
    const ruleTags = rules.map((rule) => `(${rule.id})`).filter((tag) => sources.includes(tag));
    expect(ruleTags).toEqual([]);
    const ids = Object.values(LOAD_CHECKS).map((check): string => check.id);
    for (const [tag] of sources.matchAll(/load\/[a-z-]+/g)) expect(ids).toContain(tag);
  });

  it('refuses no argument with usage, exit 2', async () => {
    expect((await cli(['explain'])).code).toBe(2);
  });
});
