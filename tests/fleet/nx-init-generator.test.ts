/**
 * The init generator of @clusterspec/nx (what `nx add @clusterspec/nx` runs): it registers the plugin in nx.json
 * once, with the specs glob of `clusterspec init --repo`'s layout by default, and keeps what nx.json had. On Nx's
 * own tree, in a repository the packages are installed into: tests/acceptance/outside-repo.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';

type Tree = { exists(path: string): boolean; read(path: string, encoding: 'utf-8'): string; write(path: string, text: string): void };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin is plain CommonJS, typed here
const initGenerator = require('@clusterspec/nx/init-generator') as (tree: Tree, options: { specs?: string }) => void;

/** Nx's file tree, in memory. */
function treeOf(files: Record<string, string>): Tree & { files: Record<string, string> } {
  return {
    files,
    exists: (path) => path in files,
    read: (path) => files[path],
    write: (path, text) => {
      files[path] = text;
    },
  };
}

const schema = JSON.parse(readFileSync(join(ROOT, 'packages/nx/init-generator.schema.json'), 'utf8')) as { properties: { specs: { default: string } } };

describe('@clusterspec/nx:init', () => {
  it('registers the plugin with the specs glob, keeping the other plugins and settings, once', () => {
    const tree = treeOf({ 'nx.json': `${JSON.stringify({ analytics: false, plugins: ['@nx/js/typescript'] })}\n` });
    initGenerator(tree, { specs: schema.properties.specs.default });
    const written = tree.files['nx.json'];
    expect(JSON.parse(written)).toEqual({
      analytics: false,
      plugins: ['@nx/js/typescript', { plugin: '@clusterspec/nx', options: { specs: 'sites/*/cluster.{yaml,toml}' } }],
    });
    initGenerator(tree, { specs: 'elsewhere/*/cluster.yaml' });
    expect(tree.files['nx.json']).toBe(written);
  });

  it('makes nx.json when there is none, and leaves a registration by name alone', () => {
    const empty = treeOf({});
    initGenerator(empty, { specs: 'dc/*/cluster.yaml' });
    expect(JSON.parse(empty.files['nx.json'])).toEqual({ plugins: [{ plugin: '@clusterspec/nx', options: { specs: 'dc/*/cluster.yaml' } }] });
    const byName = treeOf({ 'nx.json': '{"plugins":["@clusterspec/nx"]}' });
    initGenerator(byName, { specs: 'x' });
    expect(byName.files['nx.json']).toBe('{"plugins":["@clusterspec/nx"]}');
  });

  it('is what nx add finds: the package names its generators, and init takes keepExistingVersions', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages/nx/package.json'), 'utf8')) as { generators: string; files: string[] };
    const generators = JSON.parse(readFileSync(join(ROOT, 'packages/nx', manifest.generators), 'utf8')) as {
      generators: { init: { factory: string; schema: string } };
    };
    expect(generators.generators.init).toMatchObject({ factory: './init-generator.js', schema: './init-generator.schema.json' });
    expect(manifest.files).toEqual(expect.arrayContaining(['generators.json', 'init-generator.js', 'init-generator.schema.json']));
    expect(Object.keys(schema.properties)).toContain('keepExistingVersions');
  });
});
