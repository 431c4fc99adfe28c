import { artifact, BUILT_IN_GROUPS, compareCodePoints, defineArtifact, yamlDocuments, type Artifact, type ClusterModel } from '@clusterspec/spec';
import type { IClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';

export const groupBindingsFile = defineArtifact<readonly IClusterRoleBinding[]>({
  id: 'kubernetes/group-bindings',
  pattern: 'cluster/rbac/group-bindings.yaml',
  description: 'a ClusterRoleBinding per user group Kubernetes does not define itself',
  where: 'the cluster',
  reads: ['spec.kubernetes.users[].groups', 'spec.kubernetes.users[].clusterRole'],
  secretKeys: [],
  consumer: 'kubectl apply',
  format: 'yaml',
  render: (bindings) => yamlDocuments(...bindings),
});

/** A ClusterRoleBinding for each user group Kubernetes does not know, to the user's clusterRole. */
export function generateGroupBindings(model: ClusterModel): Artifact[] {
  const roleOfGroup = new Map<string, string>();
  for (const user of model.kubernetes.users) {
    for (const group of user.groups) if (!BUILT_IN_GROUPS.has(group)) roleOfGroup.set(group, user.clusterRole);
  }
  if (roleOfGroup.size === 0) return [];
  const bindings = [...roleOfGroup.entries()]
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([group, clusterRole]): IClusterRoleBinding => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `clusterspec:${group}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
    }));
  return [artifact(groupBindingsFile, 'cluster/rbac/group-bindings.yaml', bindings)];
}
