import { stringify as stringifyToml, type JsonMap } from '@iarna/toml';
import ejs from 'ejs';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { ArtifactFormat } from './artifact-formats';
import type { ClusterModel, Host } from './model';
import type { SpecPath } from './raw-spec.generated';

export type { ArtifactFormat } from './artifact-formats';

/**
 * What a kind of generated file is, as data: where it goes, what it is for, which spec fields make it,
 * which of its keys carry secrets, which program reads it, and how its text is written from its data.
 * `explain`, the `secret-literal` rule, the README's artifact table and `render` read descriptors; the
 * generators create every artifact through one (see `artifact`).
 */
export interface ArtifactDescriptor<D = unknown> {
  /** `<generator package>/<name>`, e.g. `consul/agent-config`. */
  readonly id: string;
  /** Relative to out/<cluster>/: `*` is one path segment (or part of one), `**` any number, `{a,b}` either. */
  readonly pattern: string;
  /** One line: what the file is and what it holds. */
  readonly description: string;
  /** Which hosts get it (or "the cluster" for files under cluster/ and pki/). */
  readonly where: string;
  /** Dotted spec paths the generator reads, `[]` for "every item" (SpecPath: tsc checks each against the schema). */
  readonly reads: readonly SpecPath[];
  /**
   * Key paths into the data whose values are secrets (`{{secret:…}}` placeholders in out/): dotted, `*`
   * for every item of a list or every key of a map. Empty when the file carries none.
   */
  readonly secretKeys: readonly string[];
  /** The program that reads the file at deploy time. */
  readonly consumer: string;
  /** Its serialiser or template family; what a secret may be in it is that format's entry of ARTIFACT_FORMATS. */
  readonly format: ArtifactFormat;
  /**
   * What only this kind of file refuses in a secret at one of its `secretKeys` (`key` the declared key path), beyond
   * its format's rules: why not, or undefined (keepalived uses only the first 8 characters of auth_pass).
   */
  readonly placeSecret?: (value: string, key: string) => string | undefined;
  /**
   * Unix mode of the file. Unless given: 0o644, and for a file that carries a secret (`secretKeys`) 0o600, or
   * 0o640 when a `group` other than root must read it (see `defaultMode`).
   */
  readonly mode?: number;
  /**
   * The consumer's own check of a new version of the file, as argv with `%s` for the file's path: the deploy
   * runs it on the host before the file replaces the one the service runs with, and keeps the old one when it
   * fails (`nginx -t -c %s`). The temporary file sits beside the real one and ends with its name, so relative
   * includes and the extension a program reads the format from still hold.
   */
  readonly check?: readonly string[];
  /** The account that owns the file on its host; `root` unless given. */
  readonly owner?: string;
  /**
   * The group that owns the file on its host: the group of the service account that reads it when that service
   * does not run as root (consul.hcl: `consul`, for `User=consul`); `root` unless given.
   */
  readonly group?: string;
  /** The file's text from its data: a serialiser (YAML, JSON, TOML) or a template for line formats. */
  render(data: D): string;
}

/** One generated file, relative to out/<cluster>/: its text and the structured data it was rendered from. */
export interface Artifact<D = unknown> {
  /** '/'-separated path, e.g. hosts/emei/etc/nginx/nginx.conf. */
  readonly path: string;
  /** `descriptor.render(data)`. */
  readonly content: string;
  /** Unix mode; 0o644 unless the file is a script or holds a secret once deployed (see `defaultMode`). */
  readonly mode: number;
  /** Owner and group on the host (the descriptor's, root by default). */
  readonly owner: string;
  readonly group: string;
  /** The consumer's check of a new version (the descriptor's, unless this file's version of the program has none). */
  readonly check?: readonly string[];
  readonly data: D;
  readonly descriptor: ArtifactDescriptor<D>;
}

/**
 * A pure function from the model to the files of one component, carrying the descriptors of every file it
 * makes: `lint` runs only the generators that make a file some rule reads (see `defineGenerator`).
 */
export interface Generator {
  (model: ClusterModel): readonly Artifact[];
  readonly produces: readonly ArtifactDescriptor[];
}

/** A generator with the descriptors of the files it makes (a test holds every file it makes to one of them). */
export function defineGenerator(produces: readonly ArtifactDescriptor[], generate: (model: ClusterModel) => readonly Artifact[]): Generator {
  return Object.assign((model: ClusterModel) => generate(model), { produces });
}

/** The spec fields that place any per-host file: which hosts exist, where they are, what they run. */
export const HOST_FIELDS: readonly SpecPath[] = ['spec.hosts[].name', 'spec.hosts[].address', 'spec.hosts[].roles'];

export const GENERATED_NOTICE = 'Generated by clusterspec from the cluster spec; edit the spec, not this file.';

/** Declares a kind of artifact (typed by its data); every generator module exports its descriptors. */
export function defineArtifact<D>(descriptor: ArtifactDescriptor<D>): ArtifactDescriptor<D> {
  return descriptor;
}

const ROOT_ACCOUNT = 'root';

/**
 * A file's mode when its descriptor names none. A file that holds a secret once deployed is readable by its
 * owner (root) and, when a service that does not run as root reads it, by that service's group: never by every
 * local account (a world-readable kubeadm-config.yaml hands any local user the bootstrap token).
 */
export function defaultMode(descriptor: Pick<ArtifactDescriptor, 'secretKeys' | 'group'>): number {
  if (descriptor.secretKeys.length === 0) return 0o644;
  return descriptor.group && descriptor.group !== ROOT_ACCOUNT ? 0o640 : 0o600;
}

/**
 * The artifact of a descriptor at a path: its text is always the rendering of its data. The text is rendered
 * when first read, once: lint reads the data alone, and rendering (YAML, TOML, templates) is most of what
 * generating costs.
 */
export function artifact<D>(
  descriptor: ArtifactDescriptor<D>,
  path: string,
  data: D,
  options: { readonly check?: readonly string[] | null } = {},
): Artifact<D> {
  let content: string | undefined;
  // null: this file's program has no check (an older release than the descriptor's check needs).
  const check = options.check === null ? undefined : (options.check ?? descriptor.check);
  return {
    path,
    get content() {
      return (content ??= descriptor.render(data));
    },
    mode: descriptor.mode ?? defaultMode(descriptor),
    owner: descriptor.owner ?? ROOT_ACCOUNT,
    group: descriptor.group ?? ROOT_ACCOUNT,
    ...(check ? { check } : {}),
    data,
    descriptor,
  };
}

/** The data of an artifact of a given descriptor, typed; undefined for a missing file or one of another kind. */
export function dataOf<D>(file: Artifact | undefined, descriptor: ArtifactDescriptor<D>): D | undefined {
  return file && file.descriptor.id === descriptor.id ? (file.data as D) : undefined;
}

/** Path of a file on a host, mirroring the host's file system under hosts/<name>/. */
export function hostFile(host: Host, absolutePath: string): string {
  return `hosts/${host.name}${absolutePath}`;
}

/** YAML documents as Kubernetes tools read them: `---` separated, a notice on top, no line folding. */
export function yamlDocuments(...documents: readonly unknown[]): string {
  const body = documents.map((document) => yamlText(document)).join('---\n');
  return `# ${GENERATED_NOTICE}\n${body}`;
}

/** One YAML document without the notice (e.g. a kubeconfig embedded in a ConfigMap), no line folding. */
export function yamlText(document: unknown): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** JSON as the tools here write it: two-space indent, one trailing newline. */
export function jsonDocument(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** A TOML file built as data (tables in insertion order), the notice on top as a comment. */
export function tomlDocument(data: JsonMap): string {
  return `# ${GENERATED_NOTICE}\n${stringifyToml(data)}`;
}

/**
 * An EJS template's render function; templates live in a package's templates/ folder beside src/ and dist/.
 * Read and compiled once, when first rendered: modules declare their templates at load, and a command that
 * renders none of them (lint reads the artifacts' data, never their text) should not pay for compiling them.
 */
export function compileTemplate<D extends object = object>(path: string): (data: D) => string {
  let render: ejs.TemplateFunction | undefined;
  return (data) => {
    render ??= ejs.compile(readFileSync(path, 'utf8'), { filename: path, strict: true, localsName: 'it', escape: (text: string) => text });
    return render({ ...data, notice: GENERATED_NOTICE });
  };
}

const patternCache = new Map<string, RegExp>();

/** Whether a '/'-separated path matches a descriptor's pattern: `*` one segment (or part of one), `**` any, `{a,b}` either. */
export function matchesPattern(pattern: string, path: string): boolean {
  let regex = patternCache.get(pattern);
  if (!regex) {
    const source = pattern
      .replace(/[.+^$()|[\]\\]/g, '\\$&')
      .replace(/\{([^}]*)\}/g, (_, options: string) => `(?:${options.split(',').join('|')})`)
      // `**` is parked as NUL, a character no pattern or path holds, so the single-`*` step cannot touch it.
      .replace(/\*\*/g, '\u0000')
      .replace(/\*/g, '[^/]+')
      // eslint-disable-next-line no-control-regex -- the NUL placeholder set two lines above, on purpose
      .replace(/\u0000/g, '.+');
    regex = new RegExp(`^${source}$`);
    patternCache.set(pattern, regex);
  }
  return regex.test(path);
}

/** A pattern's alternatives with every `{a,b}` spelled out: `x/{a,b}.conf` is `x/a.conf` and `x/b.conf`. */
function expandBraces(pattern: string): string[] {
  const group = /\{([^}]*)\}/.exec(pattern);
  if (!group) return [pattern];
  const [head, tail] = [pattern.slice(0, group.index), pattern.slice(group.index + group[0].length)];
  return group[1].split(',').flatMap((option) => expandBraces(`${head}${option}${tail}`));
}

/** Whether two segments (`*` for any run of characters within one) can name the same segment. */
function segmentsOverlap(a: string, b: string): boolean {
  if (!a.includes('*')) return matchesPattern(b, a);
  if (!b.includes('*')) return matchesPattern(a, b);
  // Both have a `*`: judged by the literal text before the first and after the last, which must agree.
  const prefixes = (x: string, y: string) => x.startsWith(y) || y.startsWith(x);
  const suffixes = (x: string, y: string) => x.endsWith(y) || y.endsWith(x);
  return prefixes(a.slice(0, a.indexOf('*')), b.slice(0, b.indexOf('*'))) && suffixes(a.slice(a.lastIndexOf('*') + 1), b.slice(b.lastIndexOf('*') + 1));
}

function segmentListsOverlap(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return a.length === 0 && b.length === 0;
  const [first, ...restA] = a;
  const [second, ...restB] = b;
  if (first === '**' || second === '**') {
    // `**` stands for one or more segments: it takes the other side's first segment, then stops or goes on.
    return segmentListsOverlap(restA, restB) || (first === '**' && segmentListsOverlap(a, restB)) || (second === '**' && segmentListsOverlap(restA, b));
  }
  return segmentsOverlap(first, second) && segmentListsOverlap(restA, restB);
}

/**
 * Whether some path could match both patterns (`matchesPattern`'s syntax, with `**` a whole segment). Never
 * wrong when it says no; a `*` inside a segment on both sides is judged by the literal text around it alone,
 * so it may say yes for two patterns no path matches (e.g. `a*b*c` and `a*d*c`) — harmless where it decides
 * what to generate.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const key = `${a}\u0000${b}`;
  let overlap = overlapCache.get(key);
  if (overlap === undefined) {
    overlap = expandBraces(a).some((left) => expandBraces(b).some((right) => segmentListsOverlap(left.split('/'), right.split('/'))));
    overlapCache.set(key, overlap);
  }
  return overlap;
}

/** Every rule's reads against every descriptor is some thousand pairs per lint run, of a few dozen patterns. */
const overlapCache = new Map<string, boolean>();

/** Every value at a descriptor's key path (`a.b`, `*` for each item or key) in an artifact's data, with its concrete path. */
export function valuesAt(data: unknown, keyPath: string): { path: string; value: unknown }[] {
  let found: { path: string; value: unknown }[] = [{ path: '', value: data }];
  for (const key of keyPath.split('.')) {
    found = found.flatMap(({ path, value }) => {
      if (!value || typeof value !== 'object') return [];
      const join = (name: string | number) => (path ? `${path}.${name}` : String(name));
      if (key === '*') return Object.entries(value as Record<string, unknown>).map(([name, inner]) => ({ path: join(name), value: inner }));
      return key in value ? [{ path: join(key), value: (value as Record<string, unknown>)[key] }] : [];
    });
  }
  return found;
}
