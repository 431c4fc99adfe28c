/**
 * The scratch fleet repositories of bench/fleet-workspace.js (one source for the benchmark and the tests), typed;
 * a comparison of two out/ trees (file list, bytes and modes), and what Nx printed for one task.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface FleetWorkspaces {
  NX: string;
  CLI: string;
  modernSpec(name: string): string;
  makeFleetWorkspace(workspace: string, specs: { name: string; text: string }[], options?: { ignoreOut?: boolean }): string[];
  cloneFleetWorkspace(source: string, target: string): void;
  nx(workspace: string, args: string[], extraEnv?: Record<string, string>, timeout?: number): { status: number | null; output: string };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script without type declarations, typed here
export const fleet = require('../../bench/fleet-workspace.js') as FleetWorkspaces;

/** Every regular file under `root` with its bytes and mode, by relative path. */
export function treeOf(root: string): Map<string, { bytes: Buffer; mode: number }> {
  const files = new Map<string, { bytes: Buffer; mode: number }>();
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else files.set(path, { bytes: readFileSync(join(root, path)), mode: statSync(join(root, path)).mode & 0o777 });
    }
  };
  walk('');
  return files;
}

/** Paths whose bytes or modes differ between two trees, or that only one has (empty when byte-identical). */
export function treeDifferences(a: string, b: string): string[] {
  const left = treeOf(a);
  const right = treeOf(b);
  const differences: string[] = [];
  for (const [path, file] of left) {
    const other = right.get(path);
    if (!other) differences.push(`only in ${a}: ${path}`);
    else if (!file.bytes.equals(other.bytes) || file.mode !== other.mode) differences.push(`differs: ${path}`);
  }
  for (const path of right.keys()) if (!left.has(path)) differences.push(`only in ${b}: ${path}`);
  return differences;
}

/**
 * What Nx printed for one task: from each `> nx run <id>` header to the next header (Nx may print a task's header
 * twice, when it starts it alone and again with its output), joined.
 */
export function sectionOf(output: string, taskId: string): string {
  const sections = output.split(/(?=^> nx run )/m).filter((section) => section.startsWith(`> nx run ${taskId} `) || section.startsWith(`> nx run ${taskId}\n`));
  if (sections.length === 0) throw new Error(`no output for ${taskId} in:\n${output}`);
  return sections.join('');
}
