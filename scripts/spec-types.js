#!/usr/bin/env node
'use strict';
// Writes packages/spec/src/raw-spec.generated.ts from schemas/cluster.schema.json with json-schema-to-typescript:
// the schema is the one source of the spec's shape, and the normaliser reads the types made from it. The
// types describe a spec after validation, when Ajv has filled in every `default` of the schema
// (useDefaults), so a property with a default is present and the normaliser repeats none of them.
// The build runs this (writing only when the text changes); tests/operator/spec-types.test.ts fails when
// the committed file is stale. With --print it writes the text to stdout instead.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const SCHEMA = join(ROOT, 'schemas', 'cluster.schema.json');
const OUTPUT = join(ROOT, 'packages', 'spec', 'src', 'raw-spec.generated.ts');

/**
 * A copy of the schema as it reads after Ajv's defaults: every property with a default is required. A
 * property that refers to a definition keeps the reference alone (its own description and default would
 * make json-schema-to-typescript emit a numbered twin of the definition's type), and definitions become
 * named types (title) written once.
 */
function defaultedSchema(schema) {
  const visit = (node) => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== 'object') return node;
    if (node.$ref) return { $ref: node.$ref };
    const copy = Object.fromEntries(
      Object.entries(node)
        .filter(([key]) => key !== 'examples')
        .map(([key, value]) => [key, visit(value)]),
    );
    if (node.properties) {
      const defaulted = Object.entries(node.properties)
        .filter(([, property]) => property.default !== undefined)
        .map(([name]) => name);
      if (defaulted.length > 0) copy.required = [...new Set([...(node.required ?? []), ...defaulted])];
    }
    return copy;
  };
  const copy = visit(schema);
  for (const [name, definition] of Object.entries(copy.$defs ?? {})) definition.title = `Raw${name[0].toUpperCase()}${name.slice(1)}`;
  copy.title = 'RawSpec';
  return copy;
}

/**
 * Every field of the spec as a dotted path, in the form descriptors' `reads` write them: `spec.hosts[].name`,
 * `[]` for the items of a list (`spec.docker.dns[]` too), a map (labels, lint.rules) ending at its own name.
 * Definitions are followed through $ref, and every branch of oneOf/anyOf/if-then-else adds its fields.
 */
function specPaths(schema) {
  const paths = new Set();
  const resolve = (node) =>
    node && node.$ref
      ? resolve(
          node.$ref
            .split('/')
            .slice(1)
            .reduce((parent, key) => parent[key], schema),
        )
      : node;
  const visit = (raw, path, depth) => {
    const node = resolve(raw);
    if (!node || typeof node !== 'object' || depth > 20) return;
    for (const key of ['oneOf', 'anyOf', 'allOf']) for (const branch of node[key] ?? []) visit(branch, path, depth + 1);
    for (const key of ['if', 'then', 'else']) if (node[key]) visit(node[key], path, depth + 1);
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const childPath = path === '' ? name : `${path}.${name}`;
      paths.add(childPath);
      visit(child, childPath, depth + 1);
    }
    if (node.items && path !== '') {
      paths.add(`${path}[]`);
      visit(node.items, `${path}[]`, depth + 1);
    }
  };
  visit(schema, '', 0);
  return [...paths].sort();
}

async function renderSpecTypes(schema) {
  const { compile } = require('json-schema-to-typescript');
  const banner = '/* Generated from schemas/cluster.schema.json by scripts/spec-types.js (`npm run types`); do not edit. */';
  const types = await compile(defaultedSchema(schema), 'RawSpec', {
    bannerComment: banner,
    additionalProperties: false,
    unreachableDefinitions: false,
    style: { printWidth: 160, singleQuote: true },
  });
  const union = specPaths(schema)
    .map((path) => `  | '${path}'`)
    .join('\n');
  return `${types}
/**
 * Every field of the spec as a dotted path, \`[]\` for the items of a list (e.g. 'spec.hosts[].name'): what a
 * descriptor's \`reads\` names, so that tsc refuses a path the schema does not have.
 */
export type SpecPath =
${union};
`;
}

if (require.main === module) {
  renderSpecTypes(JSON.parse(readFileSync(SCHEMA, 'utf8'))).then((text) => {
    // --print: the text on stdout, for the staleness test (Prettier's dynamic imports need a plain Node).
    if (process.argv.includes('--print')) return process.stdout.write(text);
    let current = '';
    try {
      current = readFileSync(OUTPUT, 'utf8');
    } catch {
      // Not written yet.
    }
    if (current !== text) writeFileSync(OUTPUT, text);
  });
}

module.exports = { renderSpecTypes, specPaths, SCHEMA, OUTPUT };
