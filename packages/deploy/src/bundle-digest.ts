import type { Artifact } from '@clusterspec/spec';
import { createHash } from 'node:crypto';

/**
 * The digest of every file the playbook installs, as generate makes them (placeholders unfilled): path, owner,
 * group, mode and content. generate writes it into the deploy folder's variables and `clusterspec render`
 * into its stamp, from the same artifacts; the playbook refuses a rendered tree whose digest is not its own
 * (rendered from another revision of the spec, or by another clusterspec). Stronger than a digest of the spec
 * text: a comment edit does not invalidate a render, a new clusterspec that writes other files does.
 */
export function bundleDigest(artifacts: readonly Artifact[]): string {
  const hash = createHash('sha256');
  const installed = artifacts.filter((item) => item.path.startsWith('hosts/')).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const item of installed) {
    const content = Buffer.from(item.content, 'utf8');
    hash.update(`${item.path}\0${item.owner}\0${item.group}\0${item.mode.toString(8)}\0${content.length}\0`);
    hash.update(content);
  }
  return `sha256:${hash.digest('hex')}`;
}
