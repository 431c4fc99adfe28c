import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Scalar } from 'yaml';
import { clusterSchema } from './schema-compiler';

/**
 * Older shapes of the spec, and how each becomes the next: the one table `clusterspec migrate` rewrites files with
 * and the loader reads older specs through (in memory, positions kept), so a spec written for an earlier release
 * keeps loading after an upgrade. The spec's shape is the interface: a field is renamed only by a migration here,
 * never dropped.
 */

/** A segment of a field path: a key, or `*` for every item of a list or every value of a mapping. */
export type MigrationPathSegment = string;

/** One field renamed in place: the key at `path` (its last segment) becomes `to`, its value and comments kept. */
export interface FieldRename {
  readonly path: readonly MigrationPathSegment[];
  readonly to: string;
}

/** From one apiVersion to the next: the renames, applied in order. */
export interface Migration {
  readonly from: string;
  readonly to: string;
  readonly renames: readonly FieldRename[];
}

/** The spec's current apiVersion: the schema's `const`, its one source. */
export function currentApiVersion(): string {
  return (clusterSchema() as { properties: { apiVersion: { const: string } } }).properties.apiVersion.const;
}

/**
 * Every migration, oldest first, each `to` the next one's `from` and the last one's `to` the current apiVersion.
 * Empty: clusterspec/v1alpha1 is the first published shape. A rename adds { from: <old apiVersion>, to: <new>,
 * renames: [{ path: ['spec', 'old'], to: 'new' }] } here and bumps the schema's apiVersion const.
 */
export const MIGRATIONS: readonly Migration[] = [];

/** The migrations that take `apiVersion` to `current`, in order; undefined when the table has no way there. */
export function migrationChain(apiVersion: string, table: readonly Migration[] = MIGRATIONS, current: string = currentApiVersion()): Migration[] | undefined {
  const chain: Migration[] = [];
  for (let version = apiVersion; version !== current;) {
    const next = table.find((migration) => migration.from === version);
    if (!next || chain.includes(next)) return undefined;
    chain.push(next);
    version = next.to;
  }
  return chain;
}

/** One key a migration renames, found in a YAML document: the key node, its field path (old names) and the new name. */
export interface FoundRename {
  readonly key: Scalar;
  readonly field: string;
  readonly to: string;
  readonly migration: Migration;
  /** The new name is already a key of the same mapping: the rename would make a duplicate. */
  readonly clash: boolean;
}

/** The key nodes at `path` in `node` (a `*` fans out over list items and mapping values). */
function keysAt(node: unknown, path: readonly string[], trail: string[], found: { key: Scalar; field: string; parent: Node }[]): void {
  if (path.length === 0) return;
  const [segment, ...rest] = path;
  if (segment === '*') {
    if (isSeq(node)) node.items.forEach((item, index) => keysAt(item, rest, [...trail, String(index)], found));
    else if (isMap(node)) for (const pair of node.items) if (isScalar(pair.key)) keysAt(pair.value, rest, [...trail, String(pair.key.value)], found);
    return;
  }
  if (!isMap(node)) return;
  const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
  if (!pair || !isScalar(pair.key)) return;
  if (rest.length === 0) found.push({ key: pair.key, field: [...trail, segment].join('.'), parent: node });
  else keysAt(pair.value, rest, [...trail, segment], found);
}

/**
 * What `chain` renames in a document, in order (a later migration sees the names an earlier one gave: the renames
 * are applied to the nodes as they are found, so call this on a document you mean to change or on a copy).
 */
export function applyRenames(document: Document, chain: readonly Migration[]): FoundRename[] {
  const renamed: FoundRename[] = [];
  for (const migration of chain) {
    for (const rename of migration.renames) {
      const found: { key: Scalar; field: string; parent: Node }[] = [];
      keysAt(document.contents, rename.path, [], found);
      for (const { key, field, parent } of found) {
        const clash = isMap(parent) && parent.items.some((item) => isScalar(item.key) && item.key.value === rename.to);
        renamed.push({ key, field, to: rename.to, migration, clash });
        if (!clash) key.value = rename.to;
      }
    }
  }
  return renamed;
}

/** The document's apiVersion scalar, when it has one that is a string. */
export function apiVersionNode(document: Document): Scalar<string> | undefined {
  const contents = document.contents;
  if (!isMap(contents)) return undefined;
  const pair = contents.items.find((item) => isScalar(item.key) && item.key.value === 'apiVersion');
  return pair && isScalar(pair.value) && typeof pair.value.value === 'string' ? (pair.value as Scalar<string>) : undefined;
}

/**
 * Brings a parsed YAML spec of an older known apiVersion to the current shape in memory (keys renamed, apiVersion
 * set), every node keeping its source range, so problems still point into the file as written. A current or
 * unknown apiVersion is left for the schema to judge; a rename onto an existing key is left too (the schema then
 * reports the old name as unknown).
 */
export function upgradeDocument(document: Document, table: readonly Migration[] = MIGRATIONS): void {
  const version = apiVersionNode(document);
  if (!version || table.length === 0) return;
  const current = currentApiVersion();
  if (version.value === current) return;
  const chain = migrationChain(version.value, table, current);
  if (!chain) return;
  applyRenames(document, chain);
  version.value = current;
}

/** The same for data without positions (a TOML spec): keys renamed in place, apiVersion set. */
export function upgradeData(data: unknown, table: readonly Migration[] = MIGRATIONS): void {
  const root = data as Record<string, unknown> | null;
  if (table.length === 0 || root === null || typeof root !== 'object' || typeof root.apiVersion !== 'string') return;
  const current = currentApiVersion();
  const chain = root.apiVersion === current ? undefined : migrationChain(root.apiVersion, table, current);
  if (!chain) return;
  const visit = (node: unknown, path: readonly string[], to: string): void => {
    if (node === null || typeof node !== 'object' || path.length === 0) return;
    const [segment, ...rest] = path;
    const children = segment === '*' ? Object.values(node) : segment in node ? [(node as Record<string, unknown>)[segment]] : [];
    if (rest.length > 0) children.forEach((child) => visit(child, rest, to));
    else if (segment !== '*' && !Array.isArray(node) && segment in node && !(to in node)) {
      const record = node as Record<string, unknown>;
      // Rebuilt in the same key order, the new name where the old one was.
      const entries = Object.entries(record).map(([key, value]) => [key === segment ? to : key, value] as const);
      for (const key of Object.keys(record)) delete record[key];
      for (const [key, value] of entries) record[key] = value;
    }
  };
  for (const migration of chain) for (const rename of migration.renames) visit(root, rename.path, rename.to);
  root.apiVersion = current;
}

/** What migrating one YAML text did. */
export interface TextMigration {
  /** The apiVersion the text had, and the one it has now (the same when nothing was to do). */
  readonly from: string;
  readonly to: string;
  /** The migrated text: the original with only the renamed keys and the apiVersion value replaced. */
  readonly text: string;
  /** Each rename, with the 1-based line and column of the key in the original text. */
  readonly renames: readonly { readonly field: string; readonly to: string; readonly line: number; readonly column: number }[];
}

/** Why a YAML text cannot be migrated: its apiVersion is missing, newer than this release, or of no known shape. */
export class MigrationProblem extends Error {}

/** `to` written as the key or value it replaces was: plain, 'single' or "double" quoted. */
function quotedLike(source: string, to: string): string {
  if (source.startsWith('"')) return JSON.stringify(to);
  if (source.startsWith("'")) return `'${to.replace(/'/g, "''")}'`;
  return to;
}

/**
 * Rewrites a YAML spec of an older shape into the current one. The yaml library's Document API finds each key to
 * rename and the apiVersion value (their source ranges); the text is changed only there, so comments, blank lines,
 * quoting, key order and every other byte stay as written. `document` is the text parsed with ranges
 * (parseDocument); `table` is MIGRATIONS except in tests.
 */
export function migrateYamlText(
  text: string,
  document: Document,
  table: readonly Migration[] = MIGRATIONS,
  current: string = currentApiVersion(),
): TextMigration {
  const version = apiVersionNode(document);
  if (!version) throw new MigrationProblem('it has no apiVersion string, so its shape is unknown; write apiVersion: ' + current);
  if (version.value === current) return { from: current, to: current, text, renames: [] };
  const chain = migrationChain(version.value, table, current);
  if (!chain) {
    const known = [...new Set(table.map((migration) => migration.from))];
    throw new MigrationProblem(
      `apiVersion ${version.value} is not a shape this clusterspec knows (it reads ${[...known, current].join(', ')}); a newer shape needs a newer @clusterspec/cli`,
    );
  }
  const renames = applyRenames(document, chain);
  const clash = renames.find((rename) => rename.clash);
  if (clash)
    throw new MigrationProblem(`${clash.field} is to be renamed ${clash.to}, but its mapping has a ${clash.to} already; keep one of the two and run again`);
  const lineStarts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lineStarts.push(index + 1);
  const position = (offset: number) => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line += 1;
    return { line: line + 1, column: offset - lineStarts[line] + 1 };
  };
  // A key renamed by two migrations in turn (a to b, then b to c) is edited once, to its last name.
  const lastName = new Map(renames.map((rename) => [rename.key, rename.to]));
  const edits = [
    ...[...lastName].map(([key, to]) => ({ start: key.range![0], end: key.range![1], to })),
    { start: version.range![0], end: version.range![1], to: current },
  ].sort((a, b) => b.start - a.start);
  let migrated = text;
  for (const edit of edits)
    migrated = `${migrated.slice(0, edit.start)}${quotedLike(migrated.slice(edit.start, edit.end), edit.to)}${migrated.slice(edit.end)}`;
  return {
    from: version.value,
    to: current,
    text: migrated,
    renames: renames.map((rename) => ({ field: rename.field, to: rename.to, ...position(rename.key.range![0]) })),
  };
}
