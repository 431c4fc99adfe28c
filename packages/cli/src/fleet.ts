import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
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

/**
 * The most globs one GLOB's braces may stand for: `{a,b}` thirty times over is 2^30 globs, a run that never ends
 * (issue 22, item 7). A fleet's globs name a few folders and one or two extensions.
 */
export const MAX_BRACE_GLOBS = 1000;
/**
 * The most folders one --fleet run reads: a fleet of 1,000 sites as sites/<name>/cluster.yaml reads about 1,000,
 * and `**` over this repository 711, while `**` over a whole file system read 158,000 in 43 s.
 */
export const MAX_FOLDERS_READ = 20_000;

/** `a{b,c}d` as `abd`, `acd`: every alternative of every brace group, innermost first; refused past MAX_BRACE_GLOBS. */
function expandBraces(glob: string): string[] {
  let globs = [glob];
  for (;;) {
    const expanded: string[] = [];
    let grew = false;
    for (const each of globs) {
      const group = /\{([^{}]*)\}/.exec(each);
      if (!group) {
        expanded.push(each);
        continue;
      }
      grew = true;
      for (const option of group[1].split(',')) expanded.push(each.slice(0, group.index) + option + each.slice(group.index + group[0].length));
      if (expanded.length > MAX_BRACE_GLOBS)
        throw new UsageError(
          `--fleet: "${glob}" stands for more than ${MAX_BRACE_GLOBS} globs once its braces are expanded; use fewer {a,b} groups, or * instead`,
        );
    }
    if (!grew) return globs;
    globs = expanded;
  }
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

/** What one glob's walk may still read, shared by every glob of a run, and for the message the glob that ran out. */
interface WalkBudget {
  folders: number;
  readonly glob: string;
}

/** Folder entries, or none for a path that is not a readable folder (a glob that matches nothing there). */
function entries(folder: string, budget: WalkBudget) {
  budget.folders -= 1;
  if (budget.folders < 0)
    throw new UsageError(
      `--fleet: "${budget.glob}" reads more than ${MAX_FOLDERS_READ} folders; name the folders that hold the specs (e.g. 'sites/*/cluster.yaml')`,
    );
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
function walk(base: string, segments: readonly string[], found: string[], budget: WalkBudget): void {
  if (segments.length === 0) {
    if (isFile(base)) found.push(base);
    return;
  }
  const [segment, ...rest] = segments;
  if (segment === '**') {
    walk(base, rest, found, budget);
    for (const entry of entries(base, budget)) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(join(base, entry.name), segments, found, budget);
    }
    return;
  }
  if (!isWild(segment)) {
    walk(base === '' ? segment : join(base, segment), rest, found, budget);
    return;
  }
  const pattern = segmentPattern(segment);
  for (const entry of entries(base, budget)) if (pattern.test(entry.name)) walk(join(base, entry.name), rest, found, budget);
}

/**
 * Where a `**` of a brace-free glob would start walking: the folder its literal segments name, or undefined
 * without `**`. A `..` after a wildcard climbs from folders not known yet: counted as the file system's root.
 */
function doubleStarBase(glob: string): string | undefined {
  const segments = glob.split('/');
  if (!segments.includes('**')) return undefined;
  const firstWild = segments.findIndex(isWild);
  if (segments.slice(firstWild).includes('..')) return '/';
  return segments.slice(0, firstWild).join('/') || (glob.startsWith('/') ? '/' : '.');
}

/** Whether `path` (relative to root, or absolute) is root or inside it. */
function isInside(root: string, path: string): boolean {
  const fromRoot = relative(resolve(root), resolve(root, path));
  return fromRoot !== '..' && !fromRoot.startsWith(`..${sep}`) && !isAbsolute(fromRoot);
}

/**
 * Every file a glob (`*`, `?`, `**`, `{a,b}`) matches, relative globs from `root`'s view (the current folder).
 * `**` walks only inside `root`, the repository: a glob that names a folder outside it is read only where its
 * folders are named, one `*` per level, so '/**' is refused rather than walking the whole file system (43 s).
 */
export function expandGlob(glob: string, root: string = process.cwd(), budget: WalkBudget = { folders: MAX_FOLDERS_READ, glob }): string[] {
  const found: string[] = [];
  for (const each of expandBraces(glob)) {
    const base = doubleStarBase(each);
    if (base !== undefined && !isInside(root, base))
      throw new UsageError(
        `--fleet: "${glob}" would walk ${resolve(root, base)} with **, outside the repository (${resolve(root)}); run lint in that folder, or name the folders there with * (e.g. '/srv/sites/*/cluster.yaml')`,
      );
    const absolute = each.startsWith('/');
    walk(absolute ? '/' : '', each.split('/').filter(Boolean), found, budget);
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
    const matched = expandGlob(pattern, root);
    if (matched.length === 0) throw new UsageError(`--fleet: "${pattern}" matches no spec file`);
    for (const file of matched) files.add(file);
  }
  return [...files].sort();
}
