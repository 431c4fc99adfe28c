import type { Artifact } from '@clusterspec/spec';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Every file under root, as sorted '/'-separated relative paths. */
export function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/**
 * Replaces target with exactly the artifacts: they are written into a sibling folder first and swapped in,
 * so a failure part-way leaves the previous output as it was and files no longer generated disappear.
 */
export function writeArtifacts(target: string, artifacts: readonly Artifact[]): void {
  const staging = `${target}.tmp-${process.pid}`;
  const previous = `${target}.old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const item of artifacts) {
      const path = join(staging, item.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, item.content);
      chmodSync(path, item.mode);
    }
    mkdirSync(staging, { recursive: true });
    const hadPrevious = existsSync(target);
    if (hadPrevious) renameSync(target, previous);
    renameSync(staging, target);
    if (hadPrevious) rmSync(previous, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export interface Drift {
  readonly missing: string[];
  readonly stale: string[];
  readonly extra: string[];
}

/** How the files under target differ from the artifacts, by content and by mode. */
export function compareArtifacts(target: string, artifacts: readonly Artifact[]): Drift {
  const onDisk = new Set(listFiles(target));
  const expected = new Set(artifacts.map((item) => item.path));
  const missing: string[] = [];
  const stale: string[] = [];
  for (const item of artifacts) {
    if (!onDisk.has(item.path)) {
      missing.push(item.path);
      continue;
    }
    const path = join(target, item.path);
    if (readFileSync(path, 'utf8') !== item.content || (statSync(path).mode & 0o777) !== item.mode) stale.push(item.path);
  }
  return { missing, stale, extra: [...onDisk].filter((path) => !expected.has(path)) };
}
