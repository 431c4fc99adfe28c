/**
 * Version facts live in one place: the release tables of this folder, resolved once into the model
 * (model.<component>.release). Anywhere else, comparing a version (its numbers, its text, a literal such
 * as '1.15', a helper such as atLeast) would be a second, silently diverging source of the same fact.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
// migrations.ts is the one table of the spec's own shapes (its apiVersion), not of a component's releases.
const ALLOWED = [join('packages', 'spec', 'src', 'releases'), join('packages', 'spec', 'src', 'version.ts'), join('packages', 'spec', 'src', 'migrations.ts')];

const COMPARISON = '(?:===|!==|==|!=|<=|>=|<|>)';
const VERSION_COMPARISONS: readonly RegExp[] = [
  /\bversion\??\.(?:major|minor|patch)\b/i,
  /\b(?:atLeast|atMost|compareVersions?|compareRelease|semver\w*)\s*\(/,
  new RegExp(`version(?:\\.text)?\\s*${COMPARISON}`, 'i'),
  new RegExp(`${COMPARISON}\\s*[\\w.]*version(?:\\.text)?\\b`, 'i'),
  new RegExp(`${COMPARISON}\\s*['"\`]v?\\d+\\.\\d+(?:\\.\\d+)?['"\`]`),
  new RegExp(`['"\`]v?\\d+\\.\\d+(?:\\.\\d+)?['"\`]\\s*${COMPARISON}`),
  /\bversion(?:\.text)?\.(?:startsWith|endsWith|includes|match|localeCompare)\s*\(/i,
];

/** A comparison with a release table's decision (e.g. a file's config version against release.configVersion) is reading the table. */
const READS_RELEASE = /\brelease\.\w+/;

/** Lines of a source text that compare versions, as "line: text". */
function versionComparisons(source: string): string[] {
  return source
    .split('\n')
    .flatMap((line, index) => (VERSION_COMPARISONS.some((pattern) => pattern.test(line)) && !READS_RELEASE.test(line) ? [`${index + 1}: ${line.trim()}`] : []));
}

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('versions are compared only by the release tables', () => {
  it.each([
    'return atLeast(model.kubernetes.version, 1, 15);',
    'if (version.major < 1) refuse();',
    'const legacy = model.kubernetes.version.minor === 6;',
    "if (harbor.version.text === '1.1.0') layout = 'cfg';",
    "const old = '1.15' > text;",
    "if (consul.version.text.startsWith('1.')) ui = 'ui';",
    'if (kubernetesVersion >= minimum) flow = kubeadm;',
  ])('the scan catches %s', (line) => {
    expect(versionComparisons(line)).toHaveLength(1);
  });

  it.each([
    'if (config.data.version !== release.configVersion) report();',
    'version: consul.version.text',
    'image: `vmware/harbor-db:v${harbor.version.text}`,',
    "stringify(document, { version: '1.1' })",
    'const release = model.kubernetes.release;',
  ])('the scan lets %s pass', (line) => {
    expect(versionComparisons(line)).toEqual([]);
  });

  it('no package source outside spec/src/releases compares a version', () => {
    const found = sources(join(ROOT, 'packages'))
      .filter((file) => !ALLOWED.some((allowed) => relative(ROOT, file).startsWith(allowed)))
      .flatMap((file) => versionComparisons(readFileSync(file, 'utf8')).map((line) => `${relative(ROOT, file)}:${line}`));
    expect(found).toEqual([]);
  });
});
