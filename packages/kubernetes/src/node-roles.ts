import { usesKubeadm } from '@clusterspec/pki';
import { artifact, GENERATED_NOTICE, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { kubernetesRelease } from './versions';

export interface Taint {
  readonly key: string;
  readonly effect: 'NoSchedule';
}

/** Taints every control-plane node carries: kubeadm's for the version, or none when the spec makes them schedulable. */
export function controlPlaneTaints(model: ClusterModel): Taint[] {
  if (model.kubernetes.schedulableControlPlane) return [];
  return kubernetesRelease(model.kubernetes.version).controlPlaneTaints.map((key) => ({ key, effect: 'NoSchedule' }));
}

/**
 * Legacy flow: kubeadm 1.6 labelled and tainted only the first master, so the others took workloads
 * (the design documents' step 5). The script gives every control-plane node the version's label and taint.
 */
export function generateNodeRoleScript(model: ClusterModel): Artifact[] {
  if (usesKubeadm(model)) return [];
  const release = kubernetesRelease(model.kubernetes.version);
  const lines = model.kubernetes.controlPlaneHosts.flatMap((host) => [
    ...release.controlPlaneLabels.map((label) => `kubectl label node ${host.name} ${label}= --overwrite`),
    ...(model.kubernetes.schedulableControlPlane
      ? release.controlPlaneTaints.map((key) => `kubectl taint node ${host.name} ${key}:NoSchedule- || true`)
      : controlPlaneTaints(model).map((taint) => `kubectl taint node ${host.name} ${taint.key}=:${taint.effect} --overwrite`)),
  ]);
  const script = ['#!/usr/bin/env bash', `# ${GENERATED_NOTICE}`, '# Labels and taints the control-plane nodes; run with an admin kubeconfig.', 'set -euo pipefail', ...lines, ''];
  return [artifact('cluster/node-roles.sh', script.join('\n'), 0o755)];
}
