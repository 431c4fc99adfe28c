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

async function renderSpecTypes(schema) {
  const { compile } = require('json-schema-to-typescript');
  const banner = '/* Generated from schemas/cluster.schema.json by scripts/spec-types.js (`npm run types`); do not edit. */';
  return compile(defaultedSchema(schema), 'RawSpec', {
    bannerComment: banner,
    additionalProperties: false,
    unreachableDefinitions: false,
    style: { printWidth: 160, singleQuote: true },
  });
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

module.exports = { renderSpecTypes, SCHEMA, OUTPUT };
