import { usesKubeadm } from '@clusterspec/spec';
import { nodeLabels, nodeTaints } from '@clusterspec/kubernetes';
import type { FieldPath, Host } from '@clusterspec/spec';
import { defineRule, type Finding } from '../rule';

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

function checkSyntax(
  report: (finding: Finding<'badLabelKey' | 'badLabelValue' | 'badTaintKey' | 'badTaintValue' | 'badTaintEffect'>) => void,
  host: Host,
  index: number,
): void {
  for (const [key, value] of Object.entries(host.labels ?? {})) {
    const field: FieldPath = ['spec', 'hosts', index, 'labels', key];
    const problem = keyProblem(key);
    if (problem) report({ field, messageId: 'badLabelKey', data: { key, host: host.name, problem } });
    if (value !== '' && !NAME.test(value))
      report({
        field,
        messageId: 'badLabelValue',
        data: { value, host: host.name },
      });
  }
  (host.taints ?? []).forEach((taint, position) => {
    const field: FieldPath = ['spec', 'hosts', index, 'taints', position];
    const problem = keyProblem(taint.key);
    if (problem) report({ field, messageId: 'badTaintKey', data: { key: taint.key, host: host.name, problem } });
    if (taint.value !== '' && !NAME.test(taint.value)) report({ field, messageId: 'badTaintValue', data: { value: taint.value, host: host.name } });
    if (!EFFECTS.includes(taint.effect))
      report({ field, messageId: 'badTaintEffect', data: { effect: taint.effect, host: host.name, effects: EFFECTS.join(', ') } });
  });
}

/** kubeadm 1.6 labelled and tainted the first master only: the others silently took workloads. */
export const taintLabelConsistency = defineRule({
  id: 'taint-label-consistency',
  description: 'Control-plane nodes carry the role label and NoSchedule taint the version expects, workers carry neither, and every label and taint is valid.',
  severity: 'error',
  messages: {
    badLabelKey: `label key "{{key}}" on {{host}} {{problem}}`,
    badLabelValue: `label value "{{value}}" on {{host}} must be empty or 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    badTaintKey: `taint key "{{key}}" on {{host}} {{problem}}`,
    badTaintValue: `taint value "{{value}}" on {{host}} is not a valid label value`,
    badTaintEffect: `taint effect "{{effect}}" on {{host}} is not one of {{effects}}`,
    missingLabel: `control-plane host {{host}} lacks the label {{label}}; Kubernetes {{text}} tools look for it`,
    missingTaint: `control-plane host {{host}} lacks the taint {{taint}}:NoSchedule, so it takes ordinary workloads; the spec says the control plane is not schedulable`,
    workerLabel: `worker {{host}} carries the control-plane label {{key}}`,
    workerTaint: `worker {{host}} carries the control-plane taint {{key}}`,
    labelTaintDisagree: `{{host}} is {{has}} as control plane but not {{lacks}}: label and taint must agree`,
  },
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
            messageId: 'missingLabel',
            data: { host: host.name, label, text: model.kubernetes.version.text },
          });
        }
        if (!model.kubernetes.schedulableControlPlane) {
          for (const taint of release.controlPlaneTaints.filter((key) => !taintKeys.includes(key))) {
            report({
              field: taintField,
              messageId: 'missingTaint',
              data: { host: host.name, taint },
            });
          }
        }
      } else {
        const roleKeys = [...new Set([...release.controlPlaneLabels, ...release.controlPlaneTaints])];
        for (const key of roleKeys.filter((candidate) => candidate in labels))
          report({ field: labelField, messageId: 'workerLabel', data: { host: host.name, key } });
        for (const key of roleKeys.filter((candidate) => taintKeys.includes(candidate)))
          report({ field: taintField, messageId: 'workerTaint', data: { host: host.name, key } });
      }
      const labelled = release.controlPlaneLabels.some((key) => key in labels);
      const tainted = release.controlPlaneTaints.some((key) => taintKeys.includes(key));
      if (controlPlane && labelled !== tainted && !model.kubernetes.schedulableControlPlane) {
        report({
          field: labelled ? taintField : labelField,
          messageId: 'labelTaintDisagree',
          data: { host: host.name, has: labelled ? 'labelled' : 'tainted', lacks: labelled ? 'tainted' : 'labelled' },
        });
      }
    }
  },
});
