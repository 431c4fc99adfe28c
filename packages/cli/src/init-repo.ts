import { stringify } from 'yaml';
import { initYaml, type InitAnswers } from './init-spec';

/**
 * `clusterspec init --repo DIR`: the files of a sites repository, as data. Pure: the two texts it reuses (the
 * pre-commit hook and the fleet CI workflow, one source each, shipped in the package) are read by the command and
 * passed in, so the same answers always give the same bytes.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json lies outside src/ (the rootDir), where an import cannot reach
const CLI_VERSION = (require('../package.json') as { version: string }).version;

/** The Nx the plugin is tested with: this repository's own (tests/operator/init-repo.test.ts keeps them equal). */
export const NX_VERSION = '24.0.6';

/** Where a sites repository keeps its specs: sites/<name>/cluster.yaml, the plugin's `specs` option. */
export const SITES_FOLDER = 'sites';
const SPECS_GLOB = `${SITES_FOLDER}/*/cluster.{yaml,toml}`;

/** The line of the pre-commit hook that names the specs' folder (fixtures in this repository). */
const HOOK_FOLDER_LINE = /^specs_dir=fixtures$/m;

/**
 * A folder for files filled in with secrets (`clusterspec render --to`), ignored by git as a second guard: render
 * itself refuses to write inside a git work tree.
 */
const RENDERED_FOLDER = 'rendered';

export interface RepoOptions {
  /** npm dependency specs of the two packages: a version, a tarball path or URL, a git URL. */
  readonly cliPackage?: string;
  readonly nxPackage?: string;
  /** Many sites: the sharded fleet workflow and out/ in .nxignore. */
  readonly fleet: boolean;
}

/** What the repository reuses from the tool (the command reads them from the installed package). */
export interface RepoSources {
  /** .githooks/pre-commit of the tool's repository. */
  readonly hook: string;
  /** docs/ci/fleet.yml of the tool's repository. */
  readonly fleetWorkflow: string;
}

export interface RepoFile {
  readonly path: string;
  readonly text: string;
  readonly mode: number;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

/** The root Nx project's targets: `npx nx run generate` (the hook's advice) runs every site's. */
const rootTargets = Object.fromEntries(
  ['generate', 'lint', 'check'].map((target) => [target, { executor: 'nx:noop', dependsOn: [{ projects: 'tag:cluster', target }] }]),
);

function packageJson(answers: InitAnswers, options: RepoOptions): string {
  return json({
    name: `${answers.name}-sites`,
    version: '0.0.0',
    private: true,
    description: 'Cluster sites described by clusterspec specs (sites/<name>/cluster.yaml) and what they generate (out/<name>/).',
    // The hook runs on every commit; installing the dependencies points git at it (as in clusterspec's own
    // repository). No other script: Nx would take `lint` or `generate` for targets of the root project.
    scripts: { prepare: 'clusterspec-install-git-hook' },
    nx: { name: 'sites', targets: rootTargets },
    devDependencies: {
      '@clusterspec/cli': options.cliPackage ?? CLI_VERSION,
      '@clusterspec/nx': options.nxPackage ?? CLI_VERSION,
      nx: NX_VERSION,
    },
  });
}

function nxJson(): string {
  return json({
    $schema: './node_modules/nx/schemas/nx-schema.json',
    analytics: false,
    neverConnectToCloud: true,
    defaultBase: 'main',
    plugins: [{ plugin: '@clusterspec/nx', options: { specs: SPECS_GLOB } }],
  });
}

const GITIGNORE = `node_modules/
# The Nx cache and task outputs: site archives (dist/clusterspec/), SARIF reports.
.nx/
dist/
reports/
# Files filled in with secrets (clusterspec render): never committed. render refuses a folder inside the repository anyway.
${RENDERED_FOLDER}/
# What a killed \`clusterspec generate\` leaves beside out/<cluster>: check reports them, the next generate removes them.
out/.*.lock
out/.*.lock.[0-9]*
out/*.tmp-[0-9]*/
out/*.old-[0-9]*/
`;

// Nx reads these from .env at the root: no cloud, no daemon left running, plugins in Nx's own process (about 1 s
// less per call than isolated).
const NX_ENV = 'NX_NO_CLOUD=true\nNX_DAEMON=false\nNX_ISOLATE_PLUGINS=false\n';

const EDITORCONFIG = `root = true

[*]
charset = utf-8
end_of_line = lf
insert_final_newline = true
trim_trailing_whitespace = true

[*.{yaml,yml,json,toml}]
indent_style = space
indent_size = 2
`;

/** The workflow of a repository of a few sites: every site linted, checked and its findings uploaded as SARIF. */
function siteWorkflow(): string {
  const node = { uses: 'actions/setup-node@v4', with: { 'node-version': 22, cache: 'npm' } };
  const workflow = {
    name: 'clusterspec',
    on: { pull_request: null, push: { branches: ['main'] } },
    env: { NX_NO_CLOUD: true },
    jobs: {
      sites: {
        'runs-on': 'ubuntu-latest',
        permissions: { contents: 'read', 'security-events': 'write' },
        steps: [
          { uses: 'actions/checkout@v4' },
          node,
          { run: 'npm ci' },
          { name: 'out/ must be what the specs generate', run: 'npx nx run-many -t check' },
          { name: 'lint every site, as SARIF (reports/sarif/<cluster>.sarif)', run: 'npx nx run-many -t lint -c sarif' },
          { name: 'what two sites share by mistake (addresses, endpoint names, VRRP ids)', run: 'npx clusterspec lint --fleet --quiet' },
          { name: "every site's SARIF as one run", if: 'always()', run: 'npx clusterspec-fleet-ci merge-sarif reports/sarif/*.sarif > clusterspec.sarif' },
          { if: 'always()', uses: 'github/codeql-action/upload-sarif@v3', with: { sarif_file: 'clusterspec.sarif', category: 'clusterspec' } },
        ],
      },
    },
  };
  return `# Written by \`clusterspec init --repo\`. A repository of many sites: \`clusterspec init --repo DIR --fleet\` writes the sharded one.\n${yaml(workflow).replace(/^( {2}pull_request):.*$/m, '$1:')}`;
}

function readme(answers: InitAnswers, options: RepoOptions): string {
  const spec = `${SITES_FOLDER}/${answers.name}/cluster.yaml`;
  return `# ${answers.name} sites

Cluster specs for [clusterspec](https://www.npmjs.com/package/@clusterspec/cli), one folder per site, and the files
they generate, committed so every change to a host's configuration is reviewed as a diff.

- \`${SITES_FOLDER}/<name>/cluster.yaml\`: a site's spec (the first: \`${spec}\`). Your editor checks it against the
  schema named on its first line.
- \`out/<name>/\`: what \`generate\` writes, one folder per host as on its disk. Never edited by hand.
- \`.githooks/pre-commit\`: refuses a commit whose specs fail lint or whose \`out/\` is not what they generate.

\`\`\`sh
npm install                                   # the tools, and the hook (git config core.hooksPath .githooks)
npx nx run-many -t generate lint check        # every site, cached by Nx
npx clusterspec lint --fleet                  # what two sites claim twice (addresses, names)
npx clusterspec diff ${spec}   # what a change to the spec changes in out/
npx clusterspec render ${spec} --all --to /srv/deploy/${answers.name}   # with secrets, outside any repository
\`\`\`

A new site: \`npx clusterspec init --name NAME --out ${SITES_FOLDER}/NAME/cluster.yaml\`. After upgrading
@clusterspec/cli: \`npx clusterspec migrate ${SITES_FOLDER}/*/cluster.yaml\`, then \`npx nx run-many -t generate\`
and review the diff of out/ before committing it.
CI: \`.github/workflows/${options.fleet ? 'fleet' : 'clusterspec'}.yml\` (lint, check, findings as code-scanning alerts${options.fleet ? '; the sites dealt over shards' : ''}).
`;
}

/** The hook of clusterspec's repository, judging sites/ instead of fixtures/. */
function hook(source: string): string {
  if (!HOOK_FOLDER_LINE.test(source)) throw new Error('the pre-commit hook has no line specs_dir=fixtures to point at sites/ (packages/cli/src/init-repo.ts)');
  return source.replace(HOOK_FOLDER_LINE, `specs_dir=${SITES_FOLDER}`);
}

/** Every file of a new sites repository, sorted by path. */
export function repoFiles(answers: InitAnswers, options: RepoOptions, sources: RepoSources, schemaReference: string): RepoFile[] {
  const files: RepoFile[] = [
    { path: 'package.json', text: packageJson(answers, options), mode: 0o644 },
    { path: 'nx.json', text: nxJson(), mode: 0o644 },
    { path: '.env', text: NX_ENV, mode: 0o644 },
    { path: '.gitignore', text: GITIGNORE, mode: 0o644 },
    { path: '.editorconfig', text: EDITORCONFIG, mode: 0o644 },
    { path: '.githooks/pre-commit', text: hook(sources.hook), mode: 0o755 },
    { path: 'README.md', text: readme(answers, options), mode: 0o644 },
    { path: `${SITES_FOLDER}/${answers.name}/cluster.yaml`, text: initYaml(answers, schemaReference), mode: 0o644 },
    options.fleet
      ? { path: '.github/workflows/fleet.yml', text: sources.fleetWorkflow, mode: 0o644 }
      : { path: '.github/workflows/clusterspec.yml', text: siteWorkflow(), mode: 0o644 },
  ];
  // Nx then hashes none of out/'s files: with thousands of them, hashing costs more than check reading them.
  if (options.fleet) files.push({ path: '.nxignore', text: 'out/\n', mode: 0o644 });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
