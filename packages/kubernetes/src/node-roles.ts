import {
  artifact,
  defineArtifact,
  GENERATED_NOTICE,
  HOST_FIELDS,
  usesKubeadm,
  type Artifact,
  type ClusterModel,
  type Host,
  type Taint,
} from '@clusterspec/spec';

/** node-roles.sh as data: its kubectl commands, one a line. */
export interface NodeRoleScript {
  readonly commands: readonly string[];
}

export const nodeRoleScriptFile = defineArtifact<NodeRoleScript>({
  id: 'kubernetes/node-roles',
  pattern: 'cluster/node-roles.sh',
  description:
    '`kubectl label/taint` of the nodes: legacy flow, every node as its role says (kubeadm 1.6 marked only the first master); kubeadm flow, only labels given in the spec',
  where: 'the cluster',
  reads: [...HOST_FIELDS, 'spec.hosts[].labels', 'spec.hosts[].taints', 'spec.kubernetes.controlPlane.schedulable', 'spec.kubernetes.version'],
  secretKeys: [],
  consumer: 'bash, run with an admin kubeconfig',
  format: 'shell',
  mode: 0o755,
  render: ({ commands }) =>
    ['#!/usr/bin/env bash', `# ${GENERATED_NOTICE}`, '# Labels and taints the nodes; run with an admin kubeconfig.', 'set -euo pipefail', ...commands, ''].join(
      '\n',
    ),
});

/** Taints kubeadm of this version puts on control-plane nodes, or none when the spec makes them schedulable. */
export function controlPlaneTaints(model: ClusterModel): Taint[] {
  if (model.kubernetes.schedulableControlPlane) return [];
  return model.kubernetes.release.controlPlaneTaints.map((key) => ({ key, value: '', effect: 'NoSchedule' }));
}

const isControlPlane = (host: Host) => host.roles.includes('control-plane');

/** The taints a node ends up with: the spec's own list, else the version's control-plane taints. */
export function nodeTaints(model: ClusterModel, host: Host): readonly Taint[] {
  return host.taints ?? (isControlPlane(host) ? controlPlaneTaints(model) : []);
}

/** The labels a node ends up with: the spec's own, else the version's control-plane labels. */
export function nodeLabels(model: ClusterModel, host: Host): Readonly<Record<string, string>> {
  if (host.labels) return host.labels;
  if (!isControlPlane(host)) return {};
  return Object.fromEntries(model.kubernetes.release.controlPlaneLabels.map((label) => [label, '']));
}

function labelCommands(host: Host, labels: Readonly<Record<string, string>>): string[] {
  return Object.keys(labels)
    .sort()
    .map((key) => `kubectl label node ${host.name} ${key}=${labels[key]} --overwrite`);
}

/**
 * Labels and taints applied with kubectl. Legacy flow: kubeadm 1.6 marked only the first master, so the
 * others took ordinary workloads (fixtures/broken/masters-untainted); the script marks every node as its role says.
 * kubeadm flow: kubeadm labels and taints control-plane nodes itself, so only labels from the spec remain.
 */
export function generateNodeRoleScript(model: ClusterModel): Artifact[] {
  const kubeadm = usesKubeadm(model);
  const release = model.kubernetes.release;
  const lines = model.kubernetes.nodes.flatMap((host) => {
    if (kubeadm) return host.labels ? labelCommands(host, host.labels) : [];
    const taints = nodeTaints(model, host);
    const untaint = isControlPlane(host) && host.taints === undefined && model.kubernetes.schedulableControlPlane;
    return [
      ...labelCommands(host, nodeLabels(model, host)),
      ...(untaint ? release.controlPlaneTaints.map((key) => `kubectl taint node ${host.name} ${key}:NoSchedule- || true`) : []),
      ...taints.map((taint) => `kubectl taint node ${host.name} ${taint.key}=${taint.value}:${taint.effect} --overwrite`),
    ];
  });
  if (lines.length === 0) return [];
  return [artifact(nodeRoleScriptFile, 'cluster/node-roles.sh', { commands: lines })];
}
