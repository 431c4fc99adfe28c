import { ARTIFACT_FORMATS, type SecretFormat } from './artifact-formats';
import { valuesAt, type Artifact } from './artifact';
import type { ClusterModel, SecretRef } from './model';
import { carriesSecret, SECRET_PLACEHOLDER, secretPlaceholder } from './secrets';

/**
 * Where secret values go, for `render`: into each artifact's data at the keys its descriptor declares
 * (`secretKeys`), the text rendered again by the descriptor, so serialisers quote and escape and templates get a
 * value their format's entry (ARTIFACT_FORMATS) and the descriptor's `placeSecret` accept. Pure: the CLI reads
 * the values (secrets-fill) and writes the files.
 *
 * The one rule: a value goes into the filled artifact and nowhere else. Reasons name no value, nor any part of one.
 */

/** One secret a set of artifacts needs. */
export interface SecretUse {
  readonly placeholder: string;
  readonly kind: 'env' | 'file';
  /** The environment variable name or the file path, as the spec wrote it. */
  readonly name: string;
  /** Spec fields that reference it, e.g. spec.consul.encrypt. */
  readonly fields: string[];
  /** Artifact paths that carry its placeholder. */
  readonly files: string[];
}

/** A secret the model keeps under another path than the spec's: the virtual address's settings gather in virtualIP. */
const SPEC_FIELD_OF: Readonly<Record<string, string>> = { 'spec.kubernetes.loadBalancer.virtualIP.password': 'spec.kubernetes.loadBalancer.vrrpPassword' };

/** Where each SecretRef of the model sits in the spec, by placeholder; defaults included. */
function secretFields(model: ClusterModel): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  const visit = (value: unknown, path: string, depth: number) => {
    if (!value || typeof value !== 'object' || Array.isArray(value) || depth > 4) return;
    if ('fromEnv' in value || 'fromFile' in value) {
      const placeholder = secretPlaceholder(value as SecretRef);
      fields.set(placeholder, [...(fields.get(placeholder) ?? []), SPEC_FIELD_OF[path] ?? path]);
      return;
    }
    for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`, depth + 1);
  };
  for (const section of ['kubernetes', 'harbor', 'consul', 'docker'] as const) visit(model[section], `spec.${section}`, 0);
  return fields;
}

/** Every secret the artifacts carry, in order of first appearance. */
export function secretUses(model: ClusterModel, artifacts: readonly Artifact[]): SecretUse[] {
  const fields = secretFields(model);
  const uses = new Map<string, SecretUse>();
  for (const item of artifacts) {
    for (const match of item.content.matchAll(SECRET_PLACEHOLDER)) {
      let use = uses.get(match[0]);
      if (!use) {
        use = { placeholder: match[0], kind: match[1] as 'env' | 'file', name: match[2], fields: fields.get(match[0]) ?? [], files: [] };
        uses.set(match[0], use);
      }
      if (use.files[use.files.length - 1] !== item.path) use.files.push(item.path);
    }
  }
  return [...uses.values()];
}

/** Sets the value at a concrete dotted path of valuesAt (`a.0.b`) in plain data. */
function setAt(data: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], data);
  (parent as Record<string, unknown>)[last] = value;
}

/** Why a value cannot go at a secret key of an artifact, or the value as its data holds it. */
function placeOne(item: Artifact, key: string, value: string): { value: unknown } | { reason: string } {
  const format: SecretFormat = ARTIFACT_FORMATS[item.descriptor.format];
  const reason = format.refuse?.(value) ?? item.descriptor.placeSecret?.(value, key);
  if (reason !== undefined) return { reason };
  return { value: format.encode ? format.encode(value) : value };
}

/** Refusals by placeholder, then by reason, with the files refused for it, in order. */
export type SecretRefusals = Map<string, Map<string, string[]>>;

/**
 * Fills every placeholder of every artifact with its value (`values`, by placeholder; a placeholder without one
 * is left, as its secret is reported missing). Either every value can be placed and the filled artifacts come
 * back (`secretBearing`: the paths that carried a placeholder), or the refusals do.
 */
export function placeSecrets(
  artifacts: readonly Artifact[],
  values: ReadonlyMap<string, string>,
): { ok: true; artifacts: Artifact[]; secretBearing: Set<string> } | { ok: false; refused: SecretRefusals } {
  const refused: SecretRefusals = new Map();
  const refuse = (placeholder: string, reason: string, path: string) => {
    const reasons = refused.get(placeholder) ?? new Map<string, string[]>();
    const files = reasons.get(reason) ?? [];
    if (files[files.length - 1] !== path) files.push(path);
    reasons.set(reason, files);
    refused.set(placeholder, reasons);
  };
  const filled: Artifact[] = [];
  const secretBearing = new Set<string>();
  for (const item of artifacts) {
    if (!carriesSecret(item.content)) {
      filled.push(item);
      continue;
    }
    secretBearing.add(item.path);
    // A copy of the data, filled at the declared keys: each value placed once (a value that looks like a
    // placeholder is never expanded again), and the text rendered from it by the descriptor.
    const data = structuredClone(item.data);
    const refusedHere = new Set<string>();
    for (const key of item.descriptor.secretKeys) {
      for (const found of valuesAt(data, key)) {
        if (typeof found.value !== 'string' || !values.has(found.value)) continue; // no placeholder, or one reported missing
        const placed = placeOne(item, key, values.get(found.value) as string);
        if ('reason' in placed) {
          refuse(found.value, placed.reason, item.path);
          refusedHere.add(found.value);
        } else setAt(data, found.path, placed.value);
      }
    }
    // The data keeps its placeholders: only the text, which is written, holds the values.
    const content = item.descriptor.render(data);
    // A placeholder left in the text sits where the descriptor declares no secret key (tests/operator/artifacts.test.ts keeps every one declared).
    for (const [placeholder] of content.matchAll(SECRET_PLACEHOLDER))
      if (values.has(placeholder) && !refusedHere.has(placeholder)) refuse(placeholder, `sits where ${item.descriptor.id} declares no secret key`, item.path);
    filled.push({ ...item, content });
  }
  return refused.size > 0 ? { ok: false, refused } : { ok: true, artifacts: filled, secretBearing };
}
