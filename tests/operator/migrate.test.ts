/**
 * `clusterspec migrate SPEC...` (issue 26, item 3): rewrites specs of an older shape in place, leaves current ones
 * alone. No field has been renamed yet, so one case adds a made-up migration to the real table for its duration
 * (in "clusterspec/v1alpha0" the balancer's proxyTimeout was idleTimeout); packages/spec/src/migrations.test.ts
 * covers the machinery itself.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentApiVersion, MIGRATIONS, type Migration } from '@clusterspec/spec';
import { cli } from '../support/cli';
import { ROOT } from '../support/fixtures';

const SEED = readFileSync(join(ROOT, 'fixtures/seed-ha/cluster.yaml'), 'utf8');
const SEED_TOML = readFileSync(join(ROOT, 'fixtures/seed-ha-toml/cluster.toml'), 'utf8');
const CURRENT = currentApiVersion();
const OLDER = SEED.replace(`apiVersion: ${CURRENT}`, 'apiVersion: clusterspec/v1alpha0').replace(/^( {6})proxyTimeout:/m, '$1idleTimeout:');

describe('clusterspec migrate', () => {
  let scratch: string;
  const file = (name: string, text: string) => {
    const path = join(scratch, name);
    writeFileSync(path, text);
    return path;
  };
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-migrate-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('leaves a spec of the current shape alone, YAML or TOML, and --check agrees (exit 0)', async () => {
    const yaml = file('cluster.yaml', SEED);
    const toml = file('cluster.toml', SEED_TOML);
    const before = statSync(yaml).mtimeMs;
    const result = await cli(['migrate', yaml, toml]);
    expect(result).toEqual({
      code: 0,
      stdout: `${yaml}: ${CURRENT}, the current shape; nothing to do\n${toml}: ${CURRENT}, the current shape; nothing to do`,
      stderr: '',
    });
    expect(readFileSync(yaml, 'utf8')).toBe(SEED);
    expect(statSync(yaml).mtimeMs).toBe(before);
    expect((await cli(['migrate', '--check', yaml])).code).toBe(0);
  });

  it('rewrites an older shape in place (only the renamed key and the apiVersion), keeping the mode; --check first says so (exit 1)', async () => {
    const made: Migration = {
      from: 'clusterspec/v1alpha0',
      to: CURRENT,
      renames: [{ path: ['spec', 'kubernetes', 'loadBalancer', 'idleTimeout'], to: 'proxyTimeout' }],
    };
    (MIGRATIONS as Migration[]).push(made);
    try {
      const spec = file('cluster.yaml', OLDER);
      chmodSync(spec, 0o600);
      const line = OLDER.split('\n').findIndex((text) => text.includes('idleTimeout')) + 1;
      const checked = await cli(['migrate', '--check', spec]);
      expect(checked.code).toBe(1);
      expect(checked.stdout).toBe(
        `${spec}: clusterspec/v1alpha0 → ${CURRENT}; line ${line}:7 spec.kubernetes.loadBalancer.idleTimeout → proxyTimeout (not written: --check)`,
      );
      expect(readFileSync(spec, 'utf8')).toBe(OLDER);
      // The older shape loads as it is, before any rewrite.
      expect((await cli(['validate', spec])).code).toBe(0);
      const result = await cli(['migrate', spec]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${spec}: clusterspec/v1alpha0 → ${CURRENT}; line ${line}:7 spec.kubernetes.loadBalancer.idleTimeout → proxyTimeout`);
      expect(readFileSync(spec, 'utf8')).toBe(SEED);
      expect(statSync(spec).mode & 0o777).toBe(0o600);
      // A TOML spec of the older shape loads, but is not rewritten (comments would not survive a TOML writer).
      const toml = file(
        'cluster.toml',
        SEED_TOML.replace(`apiVersion = "${CURRENT}"`, 'apiVersion = "clusterspec/v1alpha0"').replace('proxyTimeout =', 'idleTimeout ='),
      );
      expect((await cli(['validate', toml])).code).toBe(0);
      const refused = await cli(['migrate', toml]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        `${toml}: apiVersion clusterspec/v1alpha0: migrate rewrites YAML specs only; this one still loads (older shapes are read as the current one), but edit it by hand: spec.kubernetes.loadBalancer.idleTimeout → proxyTimeout; apiVersion = "${CURRENT}"`,
      );
    } finally {
      (MIGRATIONS as Migration[]).splice((MIGRATIONS as Migration[]).indexOf(made), 1);
    }
  });

  it('refuses a shape it does not know (a newer release wrote it) and standard input: exit 2, nothing written', async () => {
    const newer = file('newer.yaml', SEED.replace(`apiVersion: ${CURRENT}`, 'apiVersion: clusterspec/v1beta1'));
    const refused = await cli(['migrate', newer]);
    expect(refused.code).toBe(2);
    // The loader judges it first, with where and what to do.
    expect(refused.stderr).toContain(
      `${newer}:7:13: error: apiVersion: "clusterspec/v1beta1" is not a shape of the spec this clusterspec reads (${CURRENT})\n    a spec written for a newer clusterspec needs that version of @clusterspec/cli (npm install); otherwise write "${CURRENT}"`,
    );
    expect(readFileSync(newer, 'utf8')).toContain('clusterspec/v1beta1');
    expect((await cli(['migrate', '-'])).stderr).toMatch(/migrate rewrites files: name them, not - \(standard input\)/);
    expect((await cli(['migrate'])).code).toBe(2);
  });
});
