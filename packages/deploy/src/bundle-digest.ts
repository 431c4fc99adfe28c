import type { Artifact, ClusterModel } from '@clusterspec/spec';
import { createHash } from 'node:crypto';
import { CLUSTER_OBJECTS } from './layout';

/**
 * The cluster/ files the playbook applies with kubectl (CLUSTER_OBJECTS), in the kubeadm flow only: kubectl
 * with admin.conf on a control-plane host is kubeadm's; the legacy flow's objects are applied by hand.
 */
export function clusterObjects(model: ClusterModel, artifacts: readonly Artifact[]): Artifact[] {
  if (model.kubernetes.release.flow !== 'kubeadm') return [];
  return artifacts.filter((item) => CLUSTER_OBJECTS.some((object) => object.from === item.path));
}

/**
 * The digest of every file the playbook installs (hosts/ and the cluster objects), as generate makes them (placeholders unfilled): path, owner,
 * group, mode and content. generate writes it into the deploy folder's variables and `clusterspec render`
 * into its stamp, from the same artifacts; the playbook refuses a rendered tree whose digest is not its own
 * (rendered from another revision of the spec, or by another clusterspec). Stronger than a digest of the spec
 * text: a comment edit does not invalidate a render, a new clusterspec that writes other files does.
 */
export function bundleDigest(model: ClusterModel, artifacts: readonly Artifact[]): string {
  const hash = createHash('sha256');
  const files = [...artifacts.filter((item) => item.path.startsWith('hosts/')), ...clusterObjects(model, artifacts)].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  for (const item of files) {
    const content = Buffer.from(item.content, 'utf8');
    hash.update(`${item.path}\0${item.owner}\0${item.group}\0${item.mode.toString(8)}\0${content.length}\0`);
    hash.update(content);
  }
  return `sha256:${hash.digest('hex')}`;
}
