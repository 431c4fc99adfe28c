import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf, UsageError } from './command';

/**
 * The specs glob of the repository: the `specs` option of the Nx plugin that makes every spec a project
 * (nx.json, read from the folder the command runs in), so `lint --fleet` and `nx run-many -t lint` see the
 * same sites. Undefined without nx.json or without such an option.
 */
export function nxSpecsGlobs(root: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, 'nx.json'), 'utf8');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  let config: { plugins?: unknown[] };
  try {
    config = JSON.parse(text) as { plugins?: unknown[] };
  } catch {
    throw new UsageError(
      `${join(root, 'nx.json')} is not JSON, so --fleet cannot read its specs glob; fix it or name the specs (clusterspec lint --fleet 'sites/*/cluster.yaml')`,
    );
  }
  for (const entry of config.plugins ?? []) {
    const specs = (entry as { options?: { specs?: unknown } } | null)?.options?.specs;
    if (typeof specs === 'string') return [specs];
    if (Array.isArray(specs) && specs.every((each) => typeof each === 'string')) return specs;
  }
  return undefined;
}

/** `a{b,c}d` as `abd`, `acd`: every alternative of every brace group. */
function expandBraces(glob: string): string[] {
  const group = /\{([^{}]*)\}/.exec(glob);
  if (!group) return [glob];
  return group[1].split(',').flatMap((option) => expandBraces(glob.slice(0, group.index) + option + glob.slice(group.index + group[0].length)));
}

/** One path segment with `*` and `?` as a regular expression; like a shell, a wildcard does not match a leading dot. */
function segmentPattern(segment: string): RegExp {
  const source = segment
    .replace(/[.+^$()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^(?!\\.)${source}$`);
}

const isWild = (segment: string) => /[*?]/.test(segment);

/** Folder entries, or none for a path that is not a readable folder (a glob that matches nothing there). */
function entries(folder: string) {
  try {
    return readdirSync(folder === '' ? '.' : folder, { withFileTypes: true });
  } catch (error) {
    if (['ENOENT', 'ENOTDIR', 'EACCES'].includes(errnoOf(error) ?? '')) return [];
    throw error;
  }
}

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * The files matching one brace-free glob, from `base` on. `**` is any number of folders; it does not enter
 * dot folders, node_modules or symbolic links (a link cycle would never end), so a broad glob stays fast.
 */
function walk(base: string, segments: readonly string[], found: string[]): void {
  if (segments.length === 0) {
    if (isFile(base)) found.push(base);
    return;
  }
  const [segment, ...rest] = segments;
  if (segment === '**') {
    walk(base, rest, found);
    for (const entry of entries(base)) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(join(base, entry.name), segments, found);
    }
    return;
  }
  if (!isWild(segment)) {
    walk(base === '' ? segment : join(base, segment), rest, found);
    return;
  }
  const pattern = segmentPattern(segment);
  for (const entry of entries(base)) if (pattern.test(entry.name)) walk(join(base, entry.name), rest, found);
}

/** Every file a glob (`*`, `?`, `**`, `{a,b}`) matches, relative globs from the current folder. */
export function expandGlob(glob: string): string[] {
  const found: string[] = [];
  for (const each of expandBraces(glob)) {
    const absolute = each.startsWith('/');
    walk(absolute ? '/' : '', each.split('/').filter(Boolean), found);
  }
  return found;
}

/**
 * The specs of `lint --fleet`: the files the globs match (the shell may have expanded them already: a plain
 * path matches itself), or without globs those of nx.json's specs option; sorted, each once. A glob that
 * matches nothing is a usage error, not a clean fleet.
 */
export function fleetSpecs(globs: readonly string[], root: string): string[] {
  const patterns = globs.length > 0 ? globs : nxSpecsGlobs(root);
  if (!patterns) {
    throw new UsageError(
      `--fleet without a GLOB reads the specs glob from nx.json (the cluster plugin's "specs" option), and ${join(root, 'nx.json')} has none; name the specs, e.g. clusterspec lint --fleet 'sites/*/cluster.yaml'`,
    );
  }
  const files = new Set<string>();
  for (const pattern of patterns) {
    if (pattern === '-') throw new UsageError('--fleet lints spec files; "-" (standard input) is not one');
    const matched = expandGlob(pattern);
    if (matched.length === 0) throw new UsageError(`--fleet: "${pattern}" matches no spec file`);
    for (const file of matched) files.add(file);
  }
  return [...files].sort();
}
