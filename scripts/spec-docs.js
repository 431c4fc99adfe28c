#!/usr/bin/env node
'use strict';
// Writes docs/spec.md from schemas/cluster.schema.json: the schema is the reference, the page is its
// readable form. tests/operator/spec-docs.test.ts renders it again in memory and fails when the
// committed page is stale, so run `npm run docs` after changing the schema.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const SCHEMA = join(ROOT, 'schemas', 'cluster.schema.json');
const OUTPUT = join(ROOT, 'docs', 'spec.md');

/** A property with its $ref followed: the property's own keywords win over the definition's. */
function resolve(schema, node) {
  if (!node.$ref) return node;
  const target = node.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((at, part) => at[part], schema);
  const { $ref, ...own } = node;
  return { ...resolve(schema, target), ...own, refName: $ref.split('/').pop() };
}

function typeOf(schema, node) {
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return `one of ${node.enum.map((value) => `\`${value}\``).join(', ')}`;
  // A named definition before its shape: a secret reference is two one-key objects, which says nothing.
  const named = {
    ipv4: 'IPv4 address',
    dnsLabel: 'DNS label',
    dnsName: 'DNS name',
    port: 'port',
    duration: 'duration',
    version: 'version',
    secretRef: 'secret reference: `{fromEnv: NAME}` or `{fromFile: path}`',
    httpsURL: 'https URL',
    labelKey: 'label key',
  };
  if (node.refName && named[node.refName]) return named[node.refName];
  const variants = node.oneOf ?? node.anyOf;
  if (variants) return variants.map((variant) => typeOf(schema, resolve(schema, variant))).join(' or ');
  if (node.type === 'array') return `list of ${typeOf(schema, resolve(schema, node.items ?? {}))}`;
  if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object')
    return `map of ${typeOf(schema, resolve(schema, node.additionalProperties))}`;
  return node.type ?? 'any';
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value) => `\`${JSON.stringify(value)}\``;

/** Every object of the spec, depth first: its dotted path and its properties. */
function sections(schema, node, path, out) {
  const object = node.type === 'object' && node.properties ? node : undefined;
  if (object) {
    out.push({ path, node: object });
    for (const [name, child] of Object.entries(object.properties)) {
      const resolved = resolve(schema, child);
      sections(schema, resolved, path ? `${path}.${name}` : name, out);
    }
  } else if (node.type === 'array' && node.items) {
    sections(schema, resolve(schema, node.items), `${path}[]`, out);
  } else if (node.oneOf) {
    // Only secret references branch like this; they get one section for all variants.
  }
  return out;
}

function renderSpecDocs(schema) {
  const lines = [
    '# The cluster spec',
    '',
    '<!-- Generated from schemas/cluster.schema.json by scripts/spec-docs.js (npm run docs); edit the schema, not this page. -->',
    '',
    schema.description,
    '',
    'Editors validate and complete specs from the schema: `clusterspec init` writes a first line',
    "`# yaml-language-server: $schema=…` that the YAML language server (VS Code's YAML extension and others) reads.",
    'A field left out takes its default.',
    '',
  ];
  for (const { path, node } of sections(schema, schema, '', [])) {
    const example = path && node.examples ? ['', 'Example:', '', '```json', JSON.stringify(node.examples[0], null, 2), '```'] : [];
    lines.push(`## ${path ? `\`${path}\`` : 'Top level'}`, '', node.description ?? '', ...example, '');
    lines.push('| field | type | required | default | description | example |', '| --- | --- | --- | --- | --- | --- |');
    for (const [name, child] of Object.entries(node.properties)) {
      const resolved = resolve(schema, child);
      const required = (node.required ?? []).includes(name) ? 'yes' : '';
      const fallback = resolved.default === undefined ? '' : code(resolved.default);
      // Objects get a section of their own, with an example per field: a whole-object example would drown the table.
      const example = resolved.type === 'object' && resolved.properties ? undefined : (resolved.examples ?? [])[0];
      lines.push(
        `| \`${name}\` | ${cell(typeOf(schema, resolved))} | ${required} | ${cell(fallback)} | ${cell(resolved.description ?? '')} | ${example === undefined ? '' : cell(code(example))} |`,
      );
    }
    lines.push('');
  }
  const secretRef = schema.$defs.secretRef;
  lines.push('## Secret references', '', secretRef.description, '');
  for (const variant of secretRef.oneOf) {
    const [name, property] = Object.entries(variant.properties)[0];
    lines.push(`- \`{${name}: …}\`: ${property.description} Example: ${code({ [name]: property.examples[0] })}`);
  }
  return `${lines.join('\n')}\n`;
}

module.exports = { renderSpecDocs, SCHEMA, OUTPUT };

if (require.main === module) {
  writeFileSync(OUTPUT, renderSpecDocs(JSON.parse(readFileSync(SCHEMA, 'utf8'))));
  console.log(`wrote ${OUTPUT}`);
}
