/**
 * The documentation stays true to the tree (issue 25, items 1 and 2): every relative link and every repository
 * path README.md and docs/ name exists, the README opens with the two set-up commands, docs/usage.md covers
 * every command and flag, and docs/architecture.md's package table is what the package.json files say.
 *
 * What counts as a repository path: a backticked span outside fenced code blocks whose first word starts with
 * one of REPOSITORY_ROOTS (`packages/cli/src/load.ts`, `tests/golden.test.ts`, `docs/rules/`, ...). Paths other
 * programs own (`/etc/hosts`, `hosts/<host>/…` under out/<cluster>/, `deploy/site.yml`) do not start with one,
 * so they are not checked. A path holding a placeholder (`<id>`, `*`, `{a,b}`, `…`, `...`, `$`, `[`) is
 * checked up to the folder before the placeholder: `packages/lint/src/rules/<id>.ts` needs
 * `packages/lint/src/rules/`. A path into a build output (`packages/cli/dist/bundle.js`) needs its package's
 * folder, since a fresh clone has no dist/. A `:line` suffix is dropped. A path that belongs to another project
 * is not ours: one followed by `in <owner>/<repo>` (`docs/ha-considerations.md` in kubernetes/kubeadm) or right
 * after the name of an upstream project (containerd `docs/hosts.md`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './support/fixtures';

const REPOSITORY_ROOTS = ['packages/', 'tests/', 'scripts/', 'fixtures/', 'bench/', 'tools/', 'schemas/', 'docs/', 'out/', '.githooks/', '.ci/'];
const PLACEHOLDER = /[<*{…$[]|\.\.\./;
const UPSTREAM_BEFORE = /\b(containerd|kubeadm|kubernetes|kubespray|consul|consul-template|harbor|nginx|haproxy|keepalived|etcd|ansible|kube-vip)(['’]s)?\s*$/i;
const UPSTREAM_AFTER = /^\s+in\s+[\w.-]+\/[\w.-]+/;

/** README.md and every Markdown file under docs/, as paths relative to the repository root. */
function documents(): string[] {
  const found = ['README.md'];
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk('docs');
  return found.sort();
}

/** The text outside fenced code blocks, line by line (fenced lines blanked, so line numbers stay). */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of prose(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** What a repository path needs to exist, by the rule above; undefined when the span is not one. */
function requiredPath(span: string): string | undefined {
  const word = span
    .trim()
    .split(/\s+/)[0]
    .replace(/:\d+(:\d+)?$/, '');
  if (!REPOSITORY_ROOTS.some((root) => word.startsWith(root))) return undefined;
  let path = word;
  const placeholder = PLACEHOLDER.exec(path);
  if (placeholder) path = path.slice(0, path.lastIndexOf('/', placeholder.index) + 1);
  const dist = /^(packages\/[^/]+\/)dist\//.exec(path);
  if (dist) path = dist[1];
  return path;
}

interface Problem {
  readonly where: string;
  readonly what: string;
}

describe('README.md and docs/', () => {
  const files = documents();

  it('link only to files and headings that exist', () => {
    const problems: Problem[] = [];
    for (const file of files) {
      const lines = prose(readFileSync(join(ROOT, file), 'utf8'));
      lines.forEach((line, index) => {
        for (const match of line.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
          const target = match[1];
          if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
          const [pathPart, fragment] = target.split('#', 2);
          const resolved = pathPart === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), decodeURI(pathPart));
          const where = `${file}:${index + 1}`;
          if (!existsSync(resolved)) {
            problems.push({ where, what: `links to ${target}, and ${relative(ROOT, resolved)} does not exist` });
            continue;
          }
          if (fragment && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(fragment))
            problems.push({ where, what: `links to ${target}, and ${relative(ROOT, resolved)} has no heading #${fragment}` });
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('name only repository paths that exist', () => {
    const problems: Problem[] = [];
    for (const file of files) {
      const lines = prose(readFileSync(join(ROOT, file), 'utf8'));
      lines.forEach((line, index) => {
        for (const match of line.matchAll(/`([^`\n]+)`/g)) {
          const upstream = UPSTREAM_BEFORE.test(line.slice(0, match.index)) || UPSTREAM_AFTER.test(line.slice(match.index + match[0].length));
          const path = upstream ? undefined : requiredPath(match[1]);
          if (path !== undefined && !existsSync(join(ROOT, path)))
            problems.push({ where: `${file}:${index + 1}`, what: `names ${match[1]}, and ${path} does not exist` });
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('README.md starts with the two set-up commands', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const firstBlock = /^```[a-z]*\n([\s\S]*?)^```/m.exec(readme);
    expect(firstBlock).not.toBeNull();
    expect(readme.lastIndexOf('\n## ', firstBlock!.index)).toBe(readme.indexOf('\n## Set-up\n'));
    const commands = firstBlock![1]
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(commands.slice(0, 2)).toEqual(['npm ci && npx nx run generate', 'npm test']);
  });
});

describe('docs/usage.md', () => {
  const usage = readFileSync(join(ROOT, 'docs/usage.md'), 'utf8');
  const folder = join(ROOT, 'packages/cli/src/commands');
  const commands = readdirSync(folder)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'index.ts')
    .map((name) => ({ name: name.replace(/\.ts$/, ''), source: readFileSync(join(folder, name), 'utf8') }));

  it.each(commands.map((command) => [command.name, command] as const))('documents clusterspec %s and each of its flags', (name, { source }) => {
    const start = usage.indexOf(`\n## \`clusterspec ${name}\`\n`);
    expect({ command: name, section: start >= 0 }).toEqual({ command: name, section: true });
    const end = usage.indexOf('\n## ', start + 1);
    const section = usage.slice(start, end < 0 ? undefined : end);
    const options = /\boptions: (\{[^;]*?\}),\n/.exec(source)?.[1] ?? '{}';
    const flags = [...options.matchAll(/'?([a-z][a-z-]*)'?: \{ type:/g)].map((match) => match[1]);
    if (options.includes('...VERBOSITY_OPTIONS')) flags.push('quiet', 'verbose');
    expect(flags.filter((flag) => !section.includes(`--${flag}`)).map((flag) => `clusterspec ${name} --${flag}`)).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  it('lists every package, in import order, with exactly the workspace packages its package.json uses', () => {
    const page = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    const table = page.slice(page.indexOf('<!-- package-table'));
    const rows = [...table.matchAll(/^\| `@clusterspec\/([a-z]+)` \|.*\|\s*([a-z, ]*?)\s*\|$/gm)].map((match) => ({
      name: match[1],
      uses: match[2]
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '')
        .sort(),
    }));
    const packages = readdirSync(join(ROOT, 'packages')).filter((name) => existsSync(join(ROOT, 'packages', name, 'package.json')));
    expect(rows.map((row) => row.name).sort()).toEqual(packages.sort());
    const problems: string[] = [];
    rows.forEach((row, index) => {
      const manifest = join(ROOT, 'packages', row.name, 'package.json');
      if (!statSync(manifest, { throwIfNoEntry: false })) return;
      // A bundled package (the CLI) declares the workspace packages it bundles as devDependencies; the Nx plugin
      // names the CLI as a peer: both are uses.
      const manifestData = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string } & Partial<
        Record<'dependencies' | 'devDependencies' | 'peerDependencies', Record<string, string>>
      >;
      const { name } = manifestData;
      const uses = [manifestData.dependencies, manifestData.devDependencies, manifestData.peerDependencies]
        .flatMap((listed) => Object.keys(listed ?? {}))
        .filter((dependency) => dependency.startsWith('@clusterspec/') && dependency !== name)
        .map((dependency) => dependency.slice('@clusterspec/'.length))
        .sort();
      if (uses.join() !== row.uses.join())
        problems.push(`${row.name}: the table says ${row.uses.join(', ') || 'nothing'}, package.json says ${uses.join(', ') || 'nothing'}`);
      const above = new Set(rows.slice(0, index).map((other) => other.name));
      for (const used of uses) if (!above.has(used)) problems.push(`${row.name} uses ${used}, which is not above it in the table`);
    });
    expect(problems).toEqual([]);
  });
});
