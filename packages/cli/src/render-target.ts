import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Where `render --to DIR` may write. Rendered files hold real secret values, so they must never land where
 * `git add -A` would pick them up: the folder is judged by its real path (symbolic links followed, as the
 * kernel will when writing), and refused inside any git work tree, git-ignored folders included: an
 * ignore rule is one edit (or one `git add -f`) away from committing the secrets, and backups and copies
 * of a checkout take ignored files along.
 */

/** The folder a possibly missing path would be: its deepest existing ancestor, real, and the rest. */
type Resolved = { readonly real: string } | { readonly problem: string };

function resolveReal(path: string): Resolved {
  const absolute = resolve(path);
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      const existing = realpathSync(current);
      const stats = statSync(existing);
      if (!stats.isDirectory())
        return { problem: `${existing} is ${stats.isFile() ? 'a file, not a folder' : 'not a folder'}; name a folder (it is created if missing)` };
      return { real: join(existing, ...rest.reverse()) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { problem: `${current} cannot be resolved (${code ?? String(error)})` };
      // A link to nothing: writing through it would fail, or land wherever it will point.
      if (code === 'ENOENT' && isSymbolicLink(current)) return { problem: `${current} is a symbolic link to a missing folder; name a real folder` };
    }
    const parent = dirname(current);
    if (parent === current) return { problem: `${absolute} has no existing folder above it` };
    rest.push(current.slice(parent.length).replace(/^[\\/]/, ''));
    current = parent;
  }
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The deepest existing ancestor of a resolved path (itself when it exists). */
function existingAncestor(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/**
 * The work tree holding folder, or undefined. Asks git from the folder itself, with the variables that
 * point git elsewhere (GIT_DIR, GIT_WORK_TREE, GIT_CEILING_DIRECTORIES, a hook's GIT_INDEX_FILE…) removed
 * and discovery allowed across mount points; then looks for a `.git` entry above the folder, which also
 * covers a repository git will not open (another owner's: "detected dubious ownership") and a machine
 * without git.
 */
function workTreeOf(folder: string): string | undefined {
  const env: NodeJS.ProcessEnv = { GIT_DISCOVERY_ACROSS_FILESYSTEM: '1' };
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('GIT_')) env[name] = value;
  const asked = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: folder, env, encoding: 'utf8', timeout: 10000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (asked.status === 0 && asked.stdout.trim() !== '') return asked.stdout.trim();
  for (let current = folder; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return undefined;
  }
}

function isInside(path: string, folder: string): boolean {
  const rest = relative(folder, path);
  return rest === '' || (!rest.startsWith(`..${sep}`) && rest !== '..' && !/^([A-Za-z]:|[\\/])/.test(rest));
}

/**
 * The real folder render may write into for `--to to`, or why not (one line: the path as given, the
 * resolved path, the cause, what to do). `committedOut` is generate's default output folder, `./out`,
 * refused even outside git.
 */
export function renderTarget(to: string, committedOut = 'out'): { folder: string } | { problem: string } {
  const resolved = resolveReal(to);
  if ('problem' in resolved) return { problem: `--to ${to}: ${resolved.problem}` };
  const elsewhere = join(tmpdir(), 'rendered');
  const out = resolveReal(committedOut);
  if ('real' in out && isInside(resolved.real, out.real)) {
    return { problem: `--to ${to}: ${resolved.real} is inside ./out, which is committed; render secrets somewhere else, e.g. ${elsewhere}` };
  }
  const workTree = workTreeOf(existingAncestor(resolved.real));
  if (workTree !== undefined) {
    return {
      problem:
        `--to ${to}: ${resolved.real} is inside the git work tree ${workTree}, where 'git add' would commit the real secrets; ` +
        `render into a folder outside any repository, e.g. ${elsewhere}`,
    };
  }
  return { folder: resolved.real };
}
