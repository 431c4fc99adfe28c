import { usesKubeadm } from '@clusterspec/spec';
import { nodeLabels, nodeTaints } from '@clusterspec/kubernetes';
import type { FieldPath, Host } from '@clusterspec/spec';
import { defineRule, type RuleContext } from '../rule';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Why a label or taint key is not a valid Kubernetes qualified name, if it is not. */
function keyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length > 253 || !SUBDOMAIN.test(prefix))) return `has prefix "${prefix}", which is not a lower-case DNS subdomain`;
  if (!NAME.test(name)) return `has name "${name}", which must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return undefined;
}

function checkSyntax(report: RuleContext['report'], host: Host, index: number): void {
  for (const [key, value] of Object.entries(host.labels ?? {})) {
    const field: FieldPath = ['spec', 'hosts', index, 'labels', key];
    const problem = keyProblem(key);
    if (problem) report({ field, message: `label key "${key}" on ${host.name} ${problem}` });
    if (value !== '' && !NAME.test(value))
      report({
        field,
        message: `label value "${value}" on ${host.name} must be empty or 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
      });
  }
  (host.taints ?? []).forEach((taint, position) => {
    const field: FieldPath = ['spec', 'hosts', index, 'taints', position];
    const problem = keyProblem(taint.key);
    if (problem) report({ field, message: `taint key "${taint.key}" on ${host.name} ${problem}` });
    if (taint.value !== '' && !NAME.test(taint.value)) report({ field, message: `taint value "${taint.value}" on ${host.name} is not a valid label value` });
    if (!EFFECTS.includes(taint.effect)) report({ field, message: `taint effect "${taint.effect}" on ${host.name} is not one of ${EFFECTS.join(', ')}` });
  });
}

/** kubeadm 1.6 labelled and tainted the first master only: the others silently took workloads. */
export const taintLabelConsistency = defineRule({
  id: 'taint-label-consistency',
  description: 'Control-plane nodes carry the role label and NoSchedule taint the version expects, workers carry neither, and every label and taint is valid.',
  severity: 'error',
  check({ model, report }) {
    const roleLabels = (keys: readonly string[]) => Object.fromEntries(keys.map((key) => [key, '']));
    const release = model.kubernetes.release;
    const kubeadm = usesKubeadm(model);
    for (const host of model.kubernetes.nodes) {
      const index = model.hosts.indexOf(host);
      checkSyntax(report, host, index);
      const controlPlane = host.roles.includes('control-plane');
      // kubeadm labels control-plane nodes itself, whatever else the spec adds.
      const labels = kubeadm ? { ...(controlPlane ? roleLabels(release.controlPlaneLabels) : {}), ...(host.labels ?? {}) } : nodeLabels(model, host);
      const taintKeys = nodeTaints(model, host)
        .filter((taint) => taint.effect === 'NoSchedule')
        .map((taint) => taint.key);
      const labelField: FieldPath = host.labels ? ['spec', 'hosts', index, 'labels'] : ['spec', 'hosts', index, 'roles'];
      const taintField: FieldPath = host.taints ? ['spec', 'hosts', index, 'taints'] : ['spec', 'hosts', index, 'roles'];
      if (controlPlane) {
        for (const label of release.controlPlaneLabels.filter((key) => !(key in labels))) {
          report({
            field: labelField,
            message: `control-plane host ${host.name} lacks the label ${label}; Kubernetes ${model.kubernetes.version.text} tools look for it`,
          });
        }
        if (!model.kubernetes.schedulableControlPlane) {
          for (const taint of release.controlPlaneTaints.filter((key) => !taintKeys.includes(key))) {
            report({
              field: taintField,
              message: `control-plane host ${host.name} lacks the taint ${taint}:NoSchedule, so it takes ordinary workloads; the spec says the control plane is not schedulable`,
            });
          }
        }
      } else {
        const roleKeys = [...new Set([...release.controlPlaneLabels, ...release.controlPlaneTaints])];
        for (const key of roleKeys.filter((candidate) => candidate in labels))
          report({ field: labelField, message: `worker ${host.name} carries the control-plane label ${key}` });
        for (const key of roleKeys.filter((candidate) => taintKeys.includes(candidate)))
          report({ field: taintField, message: `worker ${host.name} carries the control-plane taint ${key}` });
      }
      const labelled = release.controlPlaneLabels.some((key) => key in labels);
      const tainted = release.controlPlaneTaints.some((key) => taintKeys.includes(key));
      if (controlPlane && labelled !== tainted && !model.kubernetes.schedulableControlPlane) {
        report({
          field: labelled ? taintField : labelField,
          message: `${host.name} is ${labelled ? 'labelled' : 'tainted'} as control plane but not ${labelled ? 'tainted' : 'labelled'}: label and taint must agree`,
        });
      }
    }
  },
});
