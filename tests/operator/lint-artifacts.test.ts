/**
 * lint generates only the files its rules read (issue 12, item 7: lint of the seed site within 3× `node -e 0`):
 * the generators whose `produces` holds a descriptor some rule's `reads` (and `readsWhen`) names. These tests
 * hold that choice to the findings: on every fixture, lint over the chosen files says exactly what it says over
 * every file; and each generator makes only files of the descriptors it declares, so the choice sees them all.
 */
import { GENERATORS, generateArtifacts, generateArtifactsFor } from '@clusterspec/generators';
import { lintSite, readsDescriptor, rules } from '@clusterspec/lint';
import { loadSpec, matchesPattern, type ArtifactDescriptor, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';
import { acceptanceSpecs } from '../support/generated-sites';

/** What lint passes generateArtifactsFor: the kinds of file some rule reads. */
const readByRules = (descriptor: ArtifactDescriptor) => rules.some((rule) => readsDescriptor(rule, descriptor));

/** Every fixture that loads (fixtures/broken/ holds a few that validation refuses: nothing to lint there). */
const sites: { spec: string; model: ClusterModel }[] = acceptanceSpecs().flatMap((spec) => {
  try {
    return [{ spec, model: loadSpec(join(ROOT, spec)) }];
  } catch {
    return [];
  }
});

describe('lint generates only what its rules read', () => {
  it('loads the fixtures and broken cases it compares on', () => {
    expect(sites.length).toBeGreaterThan(20);
  });

  it.each(sites.map((site) => [site.spec, site]))('finds on %s exactly what it finds over every artifact', (_spec, { model }) => {
    const chosen = generateArtifactsFor(model, readByRules);
    const every = generateArtifacts(model);
    expect(lintSite(model, chosen, rules)).toEqual(lintSite(model, every, rules));
  });

  it('skips generators on the seed site (files no rule reads are not made)', () => {
    const seed = loadSpec(join(ROOT, 'fixtures/seed-ha/cluster.yaml'));
    const chosen = new Set(generateArtifactsFor(seed, readByRules).map((artifact) => artifact.path));
    const skipped = generateArtifacts(seed).filter((artifact) => !chosen.has(artifact.path));
    expect(skipped.map((artifact) => artifact.path)).toEqual(
      expect.arrayContaining(['cluster/node-roles.sh', 'pki/sign.sh', 'hosts/emei/etc/resolvconf/resolv.conf.d/base']),
    );
    // Every skipped file is of a kind no rule reads.
    expect(skipped.filter((artifact) => rules.some((rule) => readsDescriptor(rule, artifact.descriptor))).map((artifact) => artifact.path)).toEqual([]);
  });

  it.each(sites.map((site) => [site.spec, site]))(
    'on %s, every file a rule looks up (itself or through an analysis) is one its reads name',
    (_spec, { model }) => {
      const every = new Map(generateArtifacts(model).map((artifact) => [artifact.path, artifact]));
      const unnamed: string[] = [];
      for (const rule of rules) {
        // A fresh map per rule: the analyses cache per map, so each rule's lookups are its own.
        const looked = new Set<string>();
        let iterated = false;
        const recording = new Proxy(every, {
          get(target, key: string | symbol) {
            if (key === 'get' || key === 'has') return (path: string) => (looked.add(path), key === 'get' ? target.get(path) : target.has(path));
            if (key === 'size') return target.size;
            iterated = true;
            const value = Reflect.get(target, key, target) as unknown;
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        });
        rule.check({ model, artifacts: recording, report: () => undefined });
        for (const path of looked) {
          const artifact = every.get(path);
          if (artifact && !readsDescriptor(rule, artifact.descriptor)) unnamed.push(`${rule.id} looks up ${path}`);
        }
        if (iterated && !(rule.reads ?? []).includes('**')) unnamed.push(`${rule.id} goes through every file without reads ['**']`);
      }
      expect(unnamed).toEqual([]);
    },
  );

  it.each(sites.map((site) => [site.spec, site]))('on %s, each generator makes only files of the descriptors it declares', (_spec, { model }) => {
    const undeclared = GENERATORS.flatMap((generate) =>
      generate(model)
        .filter((artifact) => !generate.produces.includes(artifact.descriptor) || !matchesPattern(artifact.descriptor.pattern, artifact.path))
        .map((artifact) => `${artifact.path} (${artifact.descriptor.id})`),
    );
    expect(undeclared).toEqual([]);
  });
});
