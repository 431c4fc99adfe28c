import { currentApiVersion, MigrationProblem, migrateYamlText, migrationChain, parseSource } from '@clusterspec/spec';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type Command } from '../command';
import { loadAll, STDIN_ARGUMENT } from '../load';
import { writeFileWhole } from '../atomic-write';

/** The apiVersion line of a TOML spec (`apiVersion = "…"`), which migrate reads but does not rewrite. */
const TOML_API_VERSION = /^\s*apiVersion\s*=\s*["']([^"'\n]*)["']/m;

/** One spec brought to the current shape: the new text (undefined when it is current) and what was done. */
function migrateOne(file: string): { text?: string; report: string } {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  const current = currentApiVersion();
  if (file.endsWith('.toml')) {
    const shape = TOML_API_VERSION.exec(text)?.[1];
    if (shape === current) return { report: `${file}: ${current}, the current shape; nothing to do` };
    const renames = (shape === undefined ? undefined : migrationChain(shape))?.flatMap((migration) =>
      migration.renames.map((rename) => `${rename.path.join('.')} → ${rename.to}`),
    );
    throw new UsageError(
      `${file}: apiVersion ${shape ?? '(none)'}: migrate rewrites YAML specs only; this one still loads (older shapes are read as the current one), but edit it by hand: ${[...(renames ?? []), `apiVersion = "${current}"`].join('; ')}`,
    );
  }
  let migration;
  try {
    migration = migrateYamlText(text, parseDocument(text, { uniqueKeys: true }));
  } catch (error) {
    if (error instanceof MigrationProblem) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  if (migration.renames.length === 0 && migration.from === migration.to) return { report: `${file}: ${current}, the current shape; nothing to do` };
  // The rewritten text must read as exactly what the loader made of the old one in memory: same data, nothing else moved.
  const expected = JSON.stringify(parseSource(file, bytes).data);
  const actual = JSON.stringify(parseSource(file, Buffer.from(migration.text)).data);
  if (expected !== actual) throw new Error(`${file}: the migrated text does not read as the old one did (a bug in migrate); nothing written`);
  const renames = migration.renames.map((rename) => `line ${rename.line}:${rename.column} ${rename.field} → ${rename.to}`);
  return { text: migration.text, report: `${file}: ${migration.from} → ${migration.to}${renames.length > 0 ? `; ${renames.join('; ')}` : ''}` };
}

export const migrate: Command = {
  name: 'migrate',
  usage: `Usage: clusterspec migrate <spec...> [--check]

Rewrites each spec written for an older shape of the spec (its apiVersion) into the current one: fields
renamed since, and the apiVersion. Only those keys and that value change: comments, order, quoting and
every other line stay as written. A spec already current is left alone. Each spec must load first (an
older shape is read as the current one, so \`clusterspec validate\` judges it as it is). TOML specs are
read, not rewritten. --check writes nothing and exits 1 when a spec would change (for CI).
After migrating, regenerate (npx nx run-many -t generate) and review the diff of out/ before committing it.`,
  options: { check: { type: 'boolean' } },
  run(positionals, values, io) {
    if (positionals.includes(STDIN_ARGUMENT)) throw new UsageError('migrate rewrites files: name them, not - (standard input)');
    loadAll(positionals);
    const results = positionals.map((file) => ({ file, ...migrateOne(file) }));
    const pending = results.filter((result) => result.text !== undefined);
    for (const result of results) io.out(values.check === true && result.text !== undefined ? `${result.report} (not written: --check)` : result.report);
    if (values.check === true) return pending.length > 0 ? EXIT_FINDINGS : EXIT_OK;
    for (const { file, text } of pending) {
      const mode = statSync(file).mode & 0o7777;
      writeFileWhole(file, Buffer.from(text!));
      chmodSync(file, mode);
    }
    return EXIT_OK;
  },
};
