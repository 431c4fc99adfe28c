import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSchemaCompiler } from '@clusterspec/spec';
import { ROOT } from '../support/fixtures';
import type { Untyped } from '../support/untyped';

type Schema = Record<string, Untyped>;
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/cluster.schema.json'), 'utf8')) as Schema;

/** Every entry of every `properties` in the schema, with its JSON pointer. */
function properties(node: unknown, pointer: string): { pointer: string; node: Schema }[] {
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node as Schema).flatMap(([key, value]) => {
    const here = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const own =
      key === 'properties' && value && typeof value === 'object'
        ? Object.entries(value as Schema).map(([name, child]) => ({ pointer: `${here}/${name}`, node: child as Schema }))
        : [];
    return [...own, ...properties(value, here)];
  });
}
const resolve = (node: Schema): Schema =>
  node.$ref
    ? {
        ...resolve(
          node.$ref
            .slice(2)
            .split('/')
            .reduce((at: Schema, part: string) => at[part], schema),
        ),
        ...node,
      }
    : node;
// `if` only tests a value (harbor.database.embedded): its `properties` declare nothing an editor offers.
const all = properties(schema, '').filter((entry) => !/\/(if|then|else)\//.test(entry.pointer));

describe('schemas/cluster.schema.json for editors', () => {
  it('has properties to check', () => {
    expect(all.length).toBeGreaterThan(80);
  });

  it.each(all.map((entry) => [entry.pointer, entry.node] as const))('%s has a description and examples', (_pointer, node) => {
    expect(typeof resolve(node).description).toBe('string');
    expect(Array.isArray(node.examples) && node.examples.length > 0).toBe(true);
  });

  it('every example and default is valid for its property', () => {
    const ajv = createSchemaCompiler({ standalone: false, fillDefaults: false });
    ajv.addSchema(schema);
    const bad = all.flatMap(({ pointer, node }) =>
      [...(node.examples ?? []), ...('default' in node ? [node.default] : [])]
        .filter((value) => !ajv.validate({ $ref: `${schema.$id}#${pointer}` }, value))
        .map((value) => `${pointer}: ${JSON.stringify(value)} ${ajv.errorsText()}`),
    );
    expect(bad).toEqual([]);
  });

  it('gives every pattern its allowed form in words and an example that matches it (issue 11, item 11)', () => {
    const patterns: { pointer: string; node: Schema }[] = [];
    const walk = (node: unknown, pointer: string) => {
      if (!node || typeof node !== 'object') return;
      const schemaNode = node as Schema;
      if (typeof schemaNode.pattern === 'string') patterns.push({ pointer, node: schemaNode });
      for (const [key, child] of Object.entries(schemaNode)) walk(child, `${pointer}/${key}`);
    };
    walk(schema, '#');
    expect(patterns.length).toBeGreaterThan(20);
    const bad = patterns.flatMap(({ pointer, node }) => {
      const example = /^allowed: .+; for example (\S+)$/.exec(node.patternErrorMessage ?? '')?.[1];
      if (example === undefined) return [`${pointer}: no patternErrorMessage "allowed: …; for example X"`];
      return new RegExp(node.pattern, 'u').test(example) ? [] : [`${pointer}: the example ${example} does not match ${node.pattern}`];
    });
    expect(bad).toEqual([]);
  });

  it('states the defaults the README lists (derived when left out)', () => {
    const at = (pointer: string) =>
      pointer
        .slice(2)
        .split('/')
        .reduce((node: Schema, part) => node[part], schema);
    expect({
      dnsDomain: at('#/$defs/kubernetes/properties/networking/properties/dnsDomain').default,
      bindPort: at('#/$defs/kubernetes/properties/apiServer/properties/bindPort').default,
      lbPort: at('#/$defs/kubernetes/properties/loadBalancer/properties/port').default,
      connectTimeout: at('#/$defs/kubernetes/properties/loadBalancer/properties/connectTimeout').default,
      proxyTimeout: at('#/$defs/kubernetes/properties/loadBalancer/properties/proxyTimeout').default,
      schedulable: at('#/$defs/kubernetes/properties/controlPlane/properties/schedulable').default,
      dockerHosts: at('#/$defs/docker/properties/hosts').default,
      users: at('#/$defs/kubernetes/properties/users').default,
    }).toEqual({
      dnsDomain: 'cluster.local',
      bindPort: 6443,
      lbPort: 6443,
      connectTimeout: '1s',
      proxyTimeout: '10m',
      schedulable: false,
      dockerHosts: 'all',
      users: [{ name: 'kubernetes-admin', groups: ['system:masters'] }],
    });
  });
});
