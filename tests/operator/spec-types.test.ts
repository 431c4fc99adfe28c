import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACT_DESCRIPTORS } from '@clusterspec/generators';
import { ROOT } from '../support/fixtures';
import { deadline } from '../support/deadline';

/** What scripts/spec-types.js makes of the schema now, run as the build runs it. */
function rendered(): string {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/spec-types.js'), '--print'], { encoding: 'utf8', timeout: deadline(60000) });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

describe('packages/spec/src/raw-spec.generated.ts', () => {
  const text = rendered();

  it('is what scripts/spec-types.js makes of the schema now (`npm run types`, or the build, rewrites it)', () => {
    expect(readFileSync(join(ROOT, 'packages/spec/src/raw-spec.generated.ts'), 'utf8')).toBe(text);
  });

  it('types a property with a default as present (the validator fills it in) and one without as optional', () => {
    expect(text).toMatch(/\n {2}httpPort: RawPort;/);
    expect(text).toMatch(/\n {2}caFile\?: string;/);
  });

  it('lists every field of the spec as a SpecPath, `[]` for the items of a list, as descriptors write them', () => {
    const union = text.slice(text.indexOf('export type SpecPath ='));
    for (const path of [
      'apiVersion',
      'metadata.name',
      'spec.hosts[].name',
      'spec.hosts[].labels',
      'spec.docker.dns[]',
      'spec.kubernetes.loadBalancer.vrrpPassword',
    ]) {
      expect(union).toContain(`| '${path}'`);
    }
    expect(union).not.toContain("'spec.hosts[].adress'");
  });

  // tsc checks each `reads` against SpecPath; this holds the list itself to the schema once more (a cast would slip past tsc).
  it("has every descriptor's reads among the spec's paths", () => {
    const paths = new Set([...text.slice(text.indexOf('export type SpecPath =')).matchAll(/\| '([^']+)'/g)].map((match) => match[1]));
    const unknown = ARTIFACT_DESCRIPTORS.flatMap((descriptor) =>
      descriptor.reads.filter((path) => !paths.has(path)).map((path) => `${descriptor.id}: ${path}`),
    );
    expect(unknown).toEqual([]);
  });
});
