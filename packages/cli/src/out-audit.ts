import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PLACEHOLDER } from './secrets-fill';

/**
 * What `check` says beyond missing/stale/extra, for a repository that commits out/: where a file on disk
 * lost a secret placeholder (a real value may stand there), and (with --exact) every entry of the output
 * folder that no given spec writes, such as render's output or the leftovers of a killed generate.
 */

/** A `{{secret:…}}` placeholder that generate writes at `line` and the file on disk does not have there. */
export interface ReplacedPlaceholder {
  readonly placeholder: string;
  /** 1-based line of the generated file. */
  readonly line: number;
}

function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[0]);
}

/**
 * The placeholders of `generated` that `actual` holds fewer times, each at the generated line where it is
 * missing: a line of the generated file found unchanged in `actual` keeps its placeholders, the others are
 * the ones something else replaced. Never reads or returns what stands there instead.
 */
export function replacedPlaceholders(generated: string, actual: string): ReplacedPlaceholder[] {
  const deficit = new Map<string, number>();
  for (const placeholder of placeholdersOf(generated)) deficit.set(placeholder, (deficit.get(placeholder) ?? 0) + 1);
  for (const placeholder of placeholdersOf(actual)) if (deficit.has(placeholder)) deficit.set(placeholder, (deficit.get(placeholder) ?? 0) - 1);
  if (![...deficit.values()].some((count) => count > 0)) return [];
  const unchanged = new Map<string, number>();
  for (const line of actual.split('\n')) unchanged.set(line, (unchanged.get(line) ?? 0) + 1);
  const replaced: ReplacedPlaceholder[] = [];
  const lines = generated.split('\n');
  const carrying = lines.map((text, index) => ({ text, line: index + 1, placeholders: placeholdersOf(text) })).filter((entry) => entry.placeholders.length > 0);
  const kept = new Set<number>();
  for (const entry of carrying) {
    const left = unchanged.get(entry.text) ?? 0;
    if (left > 0) {
      unchanged.set(entry.text, left - 1);
      kept.add(entry.line);
    }
  }
  // Changed lines first; then, should a placeholder still be short (moved, or duplicated elsewhere), its first line.
  for (const pass of [false, true]) {
    for (const entry of carrying) {
      if (kept.has(entry.line) !== pass) continue;
      for (const placeholder of entry.placeholders) {
        const short = deficit.get(placeholder) ?? 0;
        if (short <= 0) continue;
        deficit.set(placeholder, short - 1);
        replaced.push({ placeholder, line: entry.line });
      }
    }
  }
  return replaced.sort((a, b) => a.line - b.line);
}

/** An entry directly in the output folder that none of the given clusters writes. */
export interface StrayEntry {
  /** The entry's name, with a trailing / for a folder. */
  readonly name: string;
  readonly description: string;
}

/** Files below a folder, symbolic links counted as files and never followed. */
function countFiles(folder: string): number {
  let count = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) count += entry.isDirectory() ? countFiles(join(folder, entry.name)) : 1;
  return count;
}

/** Every entry of `dir` other than the folders of `clusters` (none when `dir` does not exist). */
export function strayEntries(dir: string, clusters: ReadonlySet<string>): StrayEntry[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => !(entry.isDirectory() && clusters.has(entry.name)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((entry) => {
      if (entry.isDirectory()) return { name: `${entry.name}/`, description: `folder of ${countFiles(join(dir, entry.name))} files; no spec writes it` };
      if (entry.isSymbolicLink()) return { name: entry.name, description: 'symbolic link; no spec writes it' };
      return { name: entry.name, description: 'no spec writes it' };
    });
}
