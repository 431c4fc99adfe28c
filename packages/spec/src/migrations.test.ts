/**
 * The migration machinery with a made-up older shape (no field has been renamed yet, so MIGRATIONS is empty): in
 * "clusterspec/v1alpha0" each host's `roles` was `functions` and the balancer's `proxyTimeout` was `idleTimeout`;
 * in "clusterspec/v1alpha00", before it, `functions` was `duties`. migrateYamlText must turn such a spec back into
 * the fixture byte for byte (only the keys and the apiVersion change), and the loader must read it as it is.
 */
import TOML from '@iarna/toml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadSpecText } from './index';
import { currentApiVersion, MigrationProblem, MIGRATIONS, migrateYamlText, migrationChain, upgradeData, upgradeDocument, type Migration } from './migrations';
import { parseSource } from './source';

const FIXTURES = join(__dirname, '../../../fixtures');
const seedYaml = readFileSync(join(FIXTURES, 'seed-ha/cluster.yaml'), 'utf8');
const seedToml = readFileSync(join(FIXTURES, 'seed-ha-toml/cluster.toml'), 'utf8');
const CURRENT = currentApiVersion();

const TABLE: readonly Migration[] = [
  { from: 'clusterspec/v1alpha00', to: 'clusterspec/v1alpha0', renames: [{ path: ['spec', 'hosts', '*', 'duties'], to: 'functions' }] },
  {
    from: 'clusterspec/v1alpha0',
    to: CURRENT,
    renames: [
      { path: ['spec', 'hosts', '*', 'functions'], to: 'roles' },
      { path: ['spec', 'kubernetes', 'loadBalancer', 'idleTimeout'], to: 'proxyTimeout' },
    ],
  },
];

/** The seed fixture as the made-up older shape `apiVersion` would have written it. */
function olderSeed(apiVersion: string, hostKey: string): string {
  const text = seedYaml
    .replace(`apiVersion: ${CURRENT}`, `apiVersion: ${apiVersion}`)
    .replace(/^( {6})roles:/gm, `$1${hostKey}:`)
    .replace(/^( {6})proxyTimeout:/m, '$1idleTimeout:');
  expect(text).not.toBe(seedYaml);
  return text;
}

const migrate = (text: string, table: readonly Migration[] = TABLE) => migrateYamlText(text, parseDocument(text, { uniqueKeys: true }), table);

describe('spec migrations', () => {
  it('has a table whose chains all end at the current apiVersion (the schema const)', () => {
    expect(CURRENT).toBe('clusterspec/v1alpha1');
    for (const migration of MIGRATIONS) expect(migrationChain(migration.from)).toBeDefined();
    expect(migrationChain(CURRENT)).toEqual([]);
    expect(migrationChain('clusterspec/v1alpha00', TABLE)).toEqual(TABLE);
    expect(migrationChain('clusterspec/v9', TABLE)).toBeUndefined();
  });

  it('rewrites an older shape into the fixture byte for byte: only the renamed keys and the apiVersion change', () => {
    const older = olderSeed('clusterspec/v1alpha0', 'functions');
    const result = migrate(older);
    expect(result.text).toBe(seedYaml);
    expect(result.from).toBe('clusterspec/v1alpha0');
    expect(result.to).toBe(CURRENT);
    const lines = older.split('\n');
    expect(result.renames).toHaveLength(9);
    for (const rename of result.renames) expect(lines[rename.line - 1].slice(rename.column - 1)).toMatch(/^(functions|idleTimeout):/);
    expect(result.renames[0]).toMatchObject({ field: 'spec.hosts.0.functions', to: 'roles' });
    expect(result.renames[8]).toMatchObject({ field: 'spec.kubernetes.loadBalancer.idleTimeout', to: 'proxyTimeout' });
  });

  it('follows a chain of migrations, a key renamed twice edited once', () => {
    expect(migrate(olderSeed('clusterspec/v1alpha00', 'duties')).text).toBe(seedYaml);
  });

  it('keeps the quoting of a renamed key and of the apiVersion', () => {
    const older = olderSeed('clusterspec/v1alpha0', 'functions')
      .replace('apiVersion: clusterspec/v1alpha0', "apiVersion: 'clusterspec/v1alpha0'")
      .replace('idleTimeout:', '"idleTimeout":');
    const text = migrate(older).text;
    expect(text).toContain(`apiVersion: '${CURRENT}'`);
    expect(text).toContain('"proxyTimeout": 10m');
  });

  it('leaves a current spec as it is, and refuses an unknown apiVersion, a missing one, or a rename onto an existing key', () => {
    expect(migrate(seedYaml)).toEqual({ from: CURRENT, to: CURRENT, text: seedYaml, renames: [] });
    expect(() => migrate(seedYaml.replace(`apiVersion: ${CURRENT}`, 'apiVersion: clusterspec/v2'))).toThrow(
      /apiVersion clusterspec\/v2 is not a shape this clusterspec knows \(it reads clusterspec\/v1alpha00, clusterspec\/v1alpha0, clusterspec\/v1alpha1\); a newer shape needs a newer @clusterspec\/cli/,
    );
    expect(() => migrate(seedYaml.replace(`apiVersion: ${CURRENT}\n`, ''))).toThrow(MigrationProblem);
    const both = olderSeed('clusterspec/v1alpha0', 'functions').replace('idleTimeout: 10m', 'idleTimeout: 10m\n      proxyTimeout: 5m');
    expect(() => migrate(both)).toThrow(
      /spec\.kubernetes\.loadBalancer\.idleTimeout is to be renamed proxyTimeout, but its mapping has a proxyTimeout already/,
    );
  });

  it('reads an older shape in memory as the current one, positions still those of the file as written', () => {
    const older = olderSeed('clusterspec/v1alpha0', 'functions');
    const document = parseDocument(older);
    upgradeDocument(document, TABLE);
    expect(JSON.stringify(document.toJS())).toBe(JSON.stringify(parseDocument(seedYaml).toJS()));
    // The loader itself reads the current shape with the real (empty) table: the same data as the document.
    expect(JSON.stringify(parseSource('seed.yaml', Buffer.from(seedYaml)).data)).toBe(JSON.stringify(document.toJS()));
    const roles = document.getIn(['spec', 'hosts', 0, 'roles'], true) as { range: [number, number, number] };
    expect(older.slice(roles.range[0]).startsWith('[control-plane]')).toBe(true);
  });

  it('reads a TOML spec of an older shape as the current one (keys renamed in place, order kept)', () => {
    const older = TOML.parse(
      seedToml.replace(/^roles =/gm, 'functions =').replace(`apiVersion = "${CURRENT}"`, 'apiVersion = "clusterspec/v1alpha0"'),
    ) as unknown;
    const data = JSON.parse(JSON.stringify(older)) as unknown;
    upgradeData(data, TABLE);
    expect(JSON.stringify(data)).toBe(JSON.stringify(parseSource('seed.toml', Buffer.from(seedToml)).data));
  });

  it('loads the current fixtures unchanged through the loader (no migration applies to the current shape)', () => {
    expect(loadSpecText('seed.yaml', Buffer.from(seedYaml)).name).toBe('seed-ha');
  });
});
