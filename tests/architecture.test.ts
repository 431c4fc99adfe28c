import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { preProcessFile } from 'typescript';
import { ROOT } from './support/fixtures';
import { deadline } from './support/deadline';

/**
 * The packages' boundaries, read from the code itself: a package is used through its name and its
 * index (never by a relative path into its `src`, which skips its build and its public surface), the
 * shared analyses live in @clusterspec/analysis so that `topology` need not load the linter, and every
 * package.json and tsconfig says exactly what the sources import, so `tsc -b` builds in the right order
 * and the graph stays acyclic (npm workspaces and TypeScript project references both refuse cycles:
 * https://www.typescriptlang.org/docs/handbook/project-references.html).
 */

const SCOPE = '@clusterspec/';
const PACKAGES_DIR = join(ROOT, 'packages');

interface Workspace {
  readonly dir: string;
  readonly name: string;
  readonly dependencies: readonly string[];
  /** Packages needed only for their types (`import type`): they vanish from the emitted JavaScript. */
  readonly devDependencies: readonly string[];
  readonly references: readonly string[];
  /** Whether it is TypeScript built by tsc -b (a tsconfig.json); @clusterspec/nx is plain JavaScript. */
  readonly compiled: boolean;
}

function workspaces(): Workspace[] {
  return readdirSync(PACKAGES_DIR)
    .filter((dir) => existsSync(join(PACKAGES_DIR, dir, 'package.json')))
    .sort()
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(PACKAGES_DIR, dir, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      const compiled = existsSync(join(PACKAGES_DIR, dir, 'tsconfig.json'));
      const tsconfig = (compiled ? JSON.parse(readFileSync(join(PACKAGES_DIR, dir, 'tsconfig.json'), 'utf8')) : {}) as { references?: { path: string }[] };
      return {
        dir,
        name: manifest.name,
        dependencies: Object.keys(manifest.dependencies ?? {}).sort(),
        devDependencies: Object.keys(manifest.devDependencies ?? {}).sort(),
        references: (tsconfig.references ?? []).map((reference) => reference.path.replace(/^\.\.\//, '')).sort(),
        compiled,
      };
    });
}

function sourceFiles(dir: string): string[] {
  // A package of plain JavaScript has no src/ (@clusterspec/nx: its modules sit at its root).
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.generated.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.split(sep).includes('node_modules'))
    .sort();
}

const isTest = (file: string) => file.endsWith('.test.ts');

/** Every module a file names: imports, re-exports, `import type`, `require(...)` and `import(...)`. */
export function importsOf(text: string): string[] {
  return preProcessFile(text, true, true).importedFiles.map((imported) => imported.fileName);
}

/** Modules a file names only in `import type` statements: no JavaScript loads them at run time. */
export function typeOnlyImportsOf(text: string): string[] {
  const typeOnly = [...text.matchAll(/^import type [^;]*? from '([^']+)';/gms)].map((match) => match[1]);
  const valueImports = text.replace(/^import type [^;]*? from '[^']+';/gms, '');
  const values = new Set(importsOf(valueImports));
  return typeOnly.filter((specifier) => !values.has(specifier));
}

/** The package directory (under packages/) a path lies in, if any. */
function packageOf(path: string): string | undefined {
  const inside = relative(PACKAGES_DIR, path);
  return inside.startsWith('..') ? undefined : inside.split(sep)[0];
}

/**
 * Why importing `specifier` from `file` reaches into another package by relative path, or undefined.
 * `file` is absolute; a file outside packages/ (the tests) may reach into no package at all.
 */
export function relativeCrossing(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = packageOf(resolve(dirname(file), specifier));
  if (target === undefined || target === packageOf(file)) return undefined;
  return `${relative(ROOT, file)} imports '${specifier}': use '${SCOPE}${target}' (its index) instead`;
}

/** The bare package name of a specifier ('@scope/name/sub' → '@scope/name', 'yaml/util' → 'yaml'), or undefined for relative and node: ones. */
function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The first cycle of a graph, as a path that ends where it began, or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): string[] | undefined => {
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    if (state.get(node) === 'done') return undefined;
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next, [...path, node]);
      if (cycle) return cycle;
    }
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('architecture: the checks themselves', () => {
  it('flags a relative import into another package and allows one within the package', () => {
    const lintTest = join(PACKAGES_DIR, 'lint', 'src', 'engine.test.ts');
    expect(relativeCrossing(lintTest, '../../cli/src/generate')).toBe(
      `packages/lint/src/engine.test.ts imports '../../cli/src/generate': use '@clusterspec/cli' (its index) instead`,
    );
    expect(relativeCrossing(join(ROOT, 'tests', 'acceptance', 'x.test.ts'), '../../packages/analysis/src/balancers')).toContain(`'@clusterspec/analysis'`);
    expect(relativeCrossing(lintTest, './rules')).toBeUndefined();
    expect(relativeCrossing(join(ROOT, 'tests', 'x.test.ts'), './support/fixtures')).toBeUndefined();
  });

  it('reads every kind of import', () => {
    const text =
      "import a from 'a';\nimport type { B } from 'b';\nexport { c } from 'c';\nconst d = require('d');\nconst e = () => import('e');\ntype F = typeof import('f');";
    expect(importsOf(text).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('finds a cycle, and none in a tree', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCycle(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toBeUndefined();
  });
});

describe('architecture: the packages', () => {
  const all = workspaces();
  const byName = new Map(all.map((workspace) => [workspace.name, workspace]));

  it('finds the workspace packages, analysis among them', () => {
    expect(all.map((workspace) => workspace.name)).toEqual(
      expect.arrayContaining(['@clusterspec/analysis', '@clusterspec/generators', '@clusterspec/lint', '@clusterspec/topology', '@clusterspec/cli']),
    );
  });

  it('no source or test reaches into another package by relative path', () => {
    const files = [...sourceFiles(PACKAGES_DIR).filter((file) => file.split(sep).includes('src')), ...sourceFiles(join(ROOT, 'tests'))];
    expect(files.length).toBeGreaterThan(100);
    const crossings = files.flatMap((file) => importsOf(readFileSync(file, 'utf8')).flatMap((specifier) => relativeCrossing(file, specifier) ?? []));
    expect(crossings).toEqual([]);
  });

  // Its test may still run the linter, to check that the picture's red edges are san-coverage's findings.
  it('topology draws from the analyses, not from the linter', () => {
    const topology = byName.get('@clusterspec/topology')!;
    expect(topology.dependencies).toContain('@clusterspec/analysis');
    expect(topology.dependencies).not.toContain('@clusterspec/lint');
    expect(topology.references).not.toContain('lint');
    const imported = sourceFiles(join(PACKAGES_DIR, 'topology', 'src'))
      .filter((file) => !isTest(file))
      .flatMap((file) => importsOf(readFileSync(file, 'utf8')));
    expect(imported).not.toContain('@clusterspec/lint');
  });

  // The CLI is the top of the graph: a package's test that imports it tests through it (and is rebuilt with it).
  // Generate through @clusterspec/generators, lint rules through @clusterspec/lint/testing; what needs the CLI
  // itself (its commands, secrets filling, init) is tested under tests/.
  it('no package test imports the CLI', () => {
    const tests = sourceFiles(PACKAGES_DIR).filter((file) => file.split(sep).includes('src') && isTest(file));
    expect(tests.length).toBeGreaterThan(50);
    const offenders = tests.filter((file) => importsOf(readFileSync(file, 'utf8')).some((specifier) => packageName(specifier) === `${SCOPE}cli`));
    expect(offenders.map((file) => relative(ROOT, file))).toEqual([]);
  });

  // The one list of generators sits below every package that generates: the CLI and the linter (its RuleTester)
  // import it, and it imports neither, so a rule test or a generator test never loads the CLI.
  it('generators sits below cli and lint in the import order', () => {
    // A bundled package (cli) builds on the others through devDependencies.
    const graph = new Map(
      all.map((workspace) => [workspace.name, [...workspace.dependencies, ...workspace.devDependencies].filter((name) => byName.has(name))]),
    );
    const reaches = (from: string, to: string): boolean => {
      const seen = new Set<string>();
      const queue = [from];
      while (queue.length > 0) {
        for (const next of graph.get(queue.shift()!) ?? []) {
          if (next === to) return true;
          if (seen.has(next)) continue;
          seen.add(next);
          queue.push(next);
        }
      }
      return false;
    };
    expect(byName.get(`${SCOPE}cli`)!.devDependencies).toContain(`${SCOPE}generators`);
    expect(byName.get(`${SCOPE}lint`)!.dependencies).toContain(`${SCOPE}generators`);
    expect(reaches(`${SCOPE}generators`, `${SCOPE}cli`)).toBe(false);
    expect(reaches(`${SCOPE}generators`, `${SCOPE}lint`)).toBe(false);
    // Every generator package is below it, in its list.
    for (const name of ['consul', 'containerd', 'deploy', 'harbor', 'host', 'kubernetes', 'loadbalancer', 'pki', 'topology']) {
      expect(reaches(`${SCOPE}generators`, `${SCOPE}${name}`)).toBe(true);
    }
  });

  // The RuleTester reads fixtures and runs under Jest: only its test entry (@clusterspec/lint/testing) exports
  // it, which no source of any package imports.
  it("only tests import @clusterspec/lint/testing; the linter's index does not export the RuleTester", () => {
    const sources = sourceFiles(PACKAGES_DIR).filter((file) => file.split(sep).includes('src') && !isTest(file));
    const importers = sources.filter((file) => importsOf(readFileSync(file, 'utf8')).some((specifier) => specifier === `${SCOPE}lint/testing`));
    expect(importers.map((file) => relative(ROOT, file))).toEqual([]);
    const index = importsOf(readFileSync(join(PACKAGES_DIR, 'lint', 'src', 'index.ts'), 'utf8'));
    expect(index).not.toContain('./rule-tester');
    expect(index).not.toContain('./testing');
  });

  // One RuleTester: every rule's test takes it from the linter's test entry (tests/support has none any more).
  it('every rule test imports the RuleTester from @clusterspec/lint/testing', () => {
    const ruleTests = sourceFiles(join(PACKAGES_DIR, 'lint', 'src', 'rules')).filter(isTest);
    expect(ruleTests.length).toBeGreaterThan(35);
    const others = ruleTests.filter((file) => !importsOf(readFileSync(file, 'utf8')).includes(`${SCOPE}lint/testing`));
    expect(others.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it.each(all.map((workspace) => workspace.dir))('packages/%s: package.json and tsconfig references name exactly what its sources import', (dir) => {
    const workspace = all.find((candidate) => candidate.dir === dir)!;
    const sources = sourceFiles(join(PACKAGES_DIR, dir, 'src')).filter((file) => !isTest(file));
    const imported = new Set(sources.flatMap((file) => importsOf(readFileSync(file, 'utf8')).flatMap((specifier) => packageName(specifier) ?? [])));
    imported.delete(workspace.name);
    // A package used only for its types may be a devDependency: the build needs it, the runtime does not.
    const typeOnly = new Set(sources.flatMap((file) => typeOnlyImportsOf(readFileSync(file, 'utf8')).flatMap((specifier) => packageName(specifier) ?? [])));
    const valueImported = new Set(
      sources.flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        const types = new Set(typeOnlyImportsOf(text));
        return importsOf(text)
          .filter((specifier) => !types.has(specifier))
          .flatMap((specifier) => packageName(specifier) ?? []);
      }),
    );
    for (const name of typeOnly) if (!valueImported.has(name) && workspace.devDependencies.includes(name)) imported.delete(name);
    // A package published as a bundle (@clusterspec/cli: the build packs the other packages into it) declares the
    // workspace packages it imports as devDependencies, so an install fetches none of them.
    const bundled = workspace.devDependencies.filter((name) => name.startsWith(SCOPE) && valueImported.has(name));
    const declared = [...workspace.dependencies, ...bundled];
    // Every package a source imports is declared; every workspace package declared is imported (a stale
    // dependency orders the build wrongly and hides a cycle that is not there).
    expect([...imported].filter((name) => !declared.includes(name)).sort()).toEqual([]);
    const workspaceDependencies = declared.filter((name) => name.startsWith(SCOPE));
    expect(workspaceDependencies.filter((name) => !imported.has(name))).toEqual([]);
    expect(workspace.references).toEqual(workspaceDependencies.map((name) => byName.get(name)!.dir).sort());
  });

  it('the dependency graph of the packages is acyclic', () => {
    const graph = new Map(
      all.map((workspace) => [workspace.name, [...workspace.dependencies, ...workspace.devDependencies].filter((name) => byName.has(name))]),
    );
    expect(findCycle(graph)).toBeUndefined();
  });

  it('the root tsconfig builds every package', () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { references: { path: string }[] };
    expect(root.references.map((reference) => reference.path).sort()).toEqual(
      all
        .filter((workspace) => workspace.compiled)
        .map((workspace) => `packages/${workspace.dir}`)
        .sort(),
    );
  });
});

/**
 * Docs and comments stand on their own: they describe the failure and cite a public source (a Kubernetes
 * doc, a GitHub issue), never notes kept outside this repository, which a reader of a clone cannot open.
 * The site those notes narrated is in the repository as fixtures/seed-ha, and its mistakes as
 * fixtures/broken/<case>: a comment names those instead.
 */
export const OUTSIDE_REFERENCES: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /design[ -]?doc/i, why: 'cites notes kept outside this repository' },
  { pattern: /\b\d{3}_[0-9a-f]{16}\.txt\b/, why: 'names a notes file that is not in this repository' },
  { pattern: /(?:\.\.\/)+shared\/|\/work\//, why: 'a path outside this repository' },
  { pattern: /\b(?:Kubernetes|Consul|Harbor) document\b|\bthe documents'|\bthe document's\b|\(00\d\)/, why: 'cites a document that is not in this repository' },
];

/** One finding per line of `text` that cites something outside the repository, as `file:line: why: line`. */
export function outsideReferences(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, index) =>
      OUTSIDE_REFERENCES.filter(({ pattern }) => pattern.test(line)).map(({ why }) => `${file}:${index + 1}: ${why}: ${line.trim().slice(0, 120)}`),
    );
}

/** Folders that hold no text of the repository's own: installed, built, cached or scratch files (.gitignore). */
const NOT_THE_REPOSITORY = new Set(['.git', 'node_modules', 'dist', '.nx', 'coverage', 'tmp']);

/** Every text file of the repository (sources, tests, templates, docs, schemas, fixtures, scripts, the golden out/). */
/**
 * The repository's files: what git tracks or would track (ignored build output such as dist/ and
 * *.tsbuildinfo holds absolute paths of the machine it was built on, which is not the repository's text).
 * Outside a git work tree (an exported archive), a walk that skips the folders git ignores.
 */
function repositoryTextFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', timeout: deadline(30000) });
  if (listed.status === 0) {
    return listed.stdout
      .split('\0')
      .filter((path) => path !== '')
      .map((path) => join(ROOT, path))
      .filter((file) => existsSync(file) && lstatSync(file).isFile())
      .sort();
  }
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .filter((entry: Dirent) => !NOT_THE_REPOSITORY.has(entry.name) && !/\.(tmp|old)-\d+$/.test(entry.name) && !entry.name.endsWith('.tsbuildinfo'))
      .flatMap((entry: Dirent) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []));
  return walk(ROOT).sort();
}

describe('docs and comments stand on their own', () => {
  // The samples are joined at run time so that this file does not cite what it forbids.
  it.each([
    ['the phrase', ['as the design', 'documents did'].join(' ')],
    ['the singular, hyphenated', ['the design', 'doc'].join('-')],
    ['a notes file by name', ['000', '7afd76c2fc978b5f.txt'].join('_')],
    ['a path to the shared notes', ['..', 'shared', 'notes', 'toolchain.md'].join('/')],
    ['a document by its product', ['the Consul', 'document joined one server'].join(' ')],
    ['a document by its number', ['document (00', '3)'].join('')],
  ])('flags %s', (_what, line) => {
    expect(outsideReferences('x.md', `fine\n${line}\n`)).toEqual([expect.stringMatching(/^x\.md:2: /)]);
  });

  it('passes a comment that describes the failure and cites a public source', () => {
    const line = 'kubelets fail with x509: certificate is valid for 10.96.0.1, not 10.27.52.72 (https://kubernetes.io/docs/setup/best-practices/certificates/)';
    expect(outsideReferences('x.ts', line)).toEqual([]);
  });

  it('no source, template, doc, schema, fixture or generated file cites notes outside the repository', () => {
    const files = repositoryTextFiles();
    expect(files.length).toBeGreaterThan(500);
    const findings = files.flatMap((file) => {
      const bytes = readFileSync(file);
      return bytes.includes(0) ? [] : outsideReferences(relative(ROOT, file), bytes.toString('utf8'));
    });
    expect(findings).toEqual([]);
  });
});
