/**
 * Two revisions of a fixture, built by text edits of its spec (each edit must match, so a stale edit fails
 * where it is applied), generated in memory as `clusterspec plan` generates them.
 */
import type { Revision } from '@clusterspec/plan';
import { loadSpecText } from '@clusterspec/spec';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateArtifacts } from '@clusterspec/cli';
import { ROOT } from './fixtures';

/** A string replaces its first occurrence; a pattern (with its own flags, e.g. /g) what it matches. */
export type TextEdit = readonly [string | RegExp, string];

export interface RevisionPair {
  readonly fixture: string;
  /** Edits making the old revision from the fixture. */
  readonly before?: readonly TextEdit[];
  /** Edits making the new revision from the fixture. */
  readonly after?: readonly TextEdit[];
}

export function editedSpec(fixture: string, edits: readonly TextEdit[] = []): string {
  let text = readFileSync(join(ROOT, 'fixtures', fixture, 'cluster.yaml'), 'utf8');
  for (const [from, to] of edits) {
    if (typeof from === 'string' ? !text.includes(from) : !new RegExp(from.source).test(text)) throw new Error(`"${String(from)}" is not in ${fixture}`);
    text = text.replace(from, to);
  }
  return text;
}

export function revision(file: string, text: string): Revision {
  const model = loadSpecText(file, Buffer.from(text));
  return { model, artifacts: generateArtifacts(model) };
}

/** The old and the new revision of a pair, named before.yaml and after.yaml in positions. */
export function revisions(pair: RevisionPair): { previous: Revision; current: Revision } {
  return { previous: revision('before.yaml', editedSpec(pair.fixture, pair.before)), current: revision('after.yaml', editedSpec(pair.fixture, pair.after)) };
}

/** The modern fixture's control-plane host cp-3, after which edits add hosts. */
export const MODERN_CP3 = '    - name: cp-3\n      address: 10.20.0.23\n      roles: [control-plane, consul-client]\n';
/** A control-plane host of the modern fixture's network, written as the fixture writes its hosts. */
export const modernControlPlane = (name: string, address: string) =>
  `    - name: ${name}\n      address: ${address}\n      roles: [control-plane, consul-client]\n`;
