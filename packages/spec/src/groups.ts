/** Groups Kubernetes defines and binds itself; binding them again would widen or duplicate access. */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  'system:masters',
  'system:authenticated',
  'system:unauthenticated',
  'system:nodes',
  'system:serviceaccounts',
  'system:bootstrappers',
  'system:monitoring',
  'kubeadm:cluster-admins',
]);
