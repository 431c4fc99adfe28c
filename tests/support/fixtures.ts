import { loadSpec, loadSpecText, type ClusterModel } from '@clusterspec/spec';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** Every fixture spec, as the generate target finds them: fixtures/<site>/cluster.{yaml,toml}. */
export function fixtureSpecs(): string[] {
  return readdirSync(join(ROOT, 'fixtures'))
    .flatMap((site) => ['cluster.yaml', 'cluster.toml'].map((name) => join('fixtures', site, name)))
    .filter((file) => {
      try {
        readFileSync(join(ROOT, file));
        return true;
      } catch {
        return false;
      }
    })
    .sort();
}

export function loadFixture(file: string): ClusterModel {
  return loadSpec(join(ROOT, file));
}

/** A working fixture with text replacements applied, for variants of a real site. */
export function variant(fixture: 'seed-ha' | 'modern' | 'edge', replacements: readonly (readonly [string, string])[]): ClusterModel {
  let text = readFileSync(join(ROOT, 'fixtures', fixture, 'cluster.yaml'), 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`variant: "${from}" is not in ${fixture}`);
    text = text.replace(from, to);
  }
  return loadSpecText(`${fixture}-variant.yaml`, Buffer.from(text));
}

/** A spec file with every occurrence of each text replaced; each must occur, so a stale test fails loudly. */
export function variantOfFile(file: string, replacements: readonly (readonly [string, string])[]): ClusterModel {
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
    text = text.split(from).join(to);
  }
  return loadSpecText('variant.yaml', Buffer.from(text));
}

/** fixtures/edge's engine line as the fixture writes it, for variants with another engine or none. */
export const EDGE_ENGINE_LINE = "      engine: haproxy          # what kubeadm's HA guide runs: active /healthz checks (the default, written out)\n";
