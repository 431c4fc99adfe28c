import { defaultMode, matchesPattern, valuesAt, type Artifact } from '@clusterspec/spec';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withArtifactTable } from '@clusterspec/cli';
import { ARTIFACT_DESCRIPTORS, generateSite } from '@clusterspec/generators';
import { ROOT } from '../support/fixtures';
import { generatedSites } from '../support/generated-sites';

/**
 * Typed artifacts (issue 12, item 4): every file generate writes carries the data it was rendered from and
 * the descriptor of its kind; lint rules, explain, secret-literal and the artifact table (docs/artifacts.md) read those.
 */
describe('typed artifacts', () => {
  let sites: { name: string; artifacts: Artifact[] }[];
  beforeAll(async () => {
    sites = await Promise.all(generatedSites().map(async (site) => ({ name: site.spec, artifacts: await generateSite(site.model) })));
  });

  it("has every artifact's text be the rendering of its data, from a copy of the data alone", () => {
    // structuredClone: the data is plain (no functions, no shared model objects), so the text depends on it and nothing else.
    const differing = sites.flatMap((site) =>
      site.artifacts.filter((item) => item.descriptor.render(structuredClone(item.data)) !== item.content).map((item) => `${site.name}/${item.path}`),
    );
    expect(differing).toEqual([]);
    expect(sites.flatMap((site) => site.artifacts).length).toBeGreaterThan(300);
  });

  it('changes the text when the data changes (the rendering reads the data)', () => {
    const seed = sites.find((site) => site.name.includes('seed-ha/'))!;
    const nginx = seed.artifacts.find((item) => item.path === 'hosts/emei/etc/nginx/nginx.conf')!;
    const data = structuredClone(nginx.data) as { apiServer: { proxyTimeout: string } };
    data.apiServer.proxyTimeout = '3s';
    expect(nginx.descriptor.render(data)).toContain('proxy_timeout 3s;');
  });

  it("has every artifact made by the one exported descriptor whose pattern matches its path, with the descriptor's mode", () => {
    const wrong = sites.flatMap((site) =>
      site.artifacts
        .filter((item) => {
          const matching = ARTIFACT_DESCRIPTORS.filter((descriptor) => matchesPattern(descriptor.pattern, item.path));
          return matching.length !== 1 || matching[0] !== item.descriptor || item.mode !== (item.descriptor.mode ?? defaultMode(item.descriptor));
        })
        .map((item) => `${site.name}/${item.path} (${item.descriptor.id})`),
    );
    expect(wrong).toEqual([]);
  });

  it('has descriptors with unique ids, a description, the hosts it goes to, spec fields and a consumer each', () => {
    const ids = ARTIFACT_DESCRIPTORS.map((descriptor) => descriptor.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const descriptor of ARTIFACT_DESCRIPTORS) {
      expect(descriptor.id).toMatch(/^[a-z]+\/[a-z-]+$/);
      expect(descriptor.description).not.toBe('');
      expect(descriptor.where).not.toBe('');
      expect(descriptor.reads.length).toBeGreaterThan(0);
      expect(descriptor.consumer).not.toBe('');
    }
  });

  it('declares as secret keys exactly where the fixtures put {{secret:…}} placeholders', () => {
    // Every placeholder in a file's text stands at a declared secret key of its data, and every declared key holds one somewhere.
    const placed = new Set<string>();
    for (const site of sites) {
      for (const item of site.artifacts) {
        const placeholders = item.content.match(/\{\{secret:[^}]+\}\}/g) ?? [];
        const declared = item.descriptor.secretKeys.flatMap((key) => valuesAt(item.data, key).map((found) => found.value));
        for (const placeholder of placeholders) expect([item.path, declared.includes(placeholder)]).toEqual([item.path, true]);
        if (placeholders.length > 0) placed.add(item.descriptor.id);
      }
    }
    expect([...placed].sort()).toEqual(
      ARTIFACT_DESCRIPTORS.filter((descriptor) => descriptor.secretKeys.length > 0)
        .map((descriptor) => descriptor.id)
        .sort(),
    );
  });

  it('is listed in the artifact table of docs/artifacts.md, which is what the descriptors make (run `npm run build && npm run docs` when this fails)', () => {
    const page = readFileSync(join(ROOT, 'docs/artifacts.md'), 'utf8');
    expect(page).toBe(withArtifactTable(page, ARTIFACT_DESCRIPTORS));
  });
});
