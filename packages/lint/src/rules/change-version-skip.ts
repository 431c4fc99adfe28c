import { HARBOR_RELEASES, KUBERNETES_RELEASES, versionChange, type FieldPath, type VersionChange } from '@clusterspec/spec';
import { defineChangeRule } from '../change-rule';

/**
 * Versions move along each program's documented upgrade path, from its release table: Kubernetes one minor
 * per `kubeadm upgrade apply` (kubeadm docs: skipping minor versions is unsupported); Harbor as far back as
 * each release's upgrade guide migrates from. Downgrades and major jumps are refused.
 */
export const changeVersionSkip = defineChangeRule({
  id: 'change-version-skip',
  description: 'Kubernetes and Harbor versions change along their documented upgrade paths: no skipped minor release, no downgrade.',
  messages: {
    tooFar: '{{program}} {{from}} to {{to}} skips what one upgrade may cross: go through {{via}} first, one revision each, then {{to}}',
    unsupported: '{{why}}; clusterspec plans upgrades only (patch, or minor along the documented path)',
    legacy:
      'Kubernetes {{from}} is the legacy static-pod flow, which has no upgrade; only patch releases of {{from}} are planned — a kubeadm-built site is a new site',
  },
  severity: 'error',
  check({ model, previous, report }) {
    const judge = (program: string, field: FieldPath, from: string, to: string, change: VersionChange) => {
      if (change.kind === 'too-far') report({ messageId: 'tooFar', field, data: { program, from, to, via: change.via.join(', ') } });
      if (change.kind === 'unsupported') report({ messageId: 'unsupported', field, data: { why: change.why } });
    };
    const before = previous.model.kubernetes;
    const after = model.kubernetes;
    const kubernetes = versionChange(KUBERNETES_RELEASES, before.version, after.version, (release) => release.upgradeMinors);
    if (before.release.upgradeMinors === 0 && kubernetes.kind !== 'same' && kubernetes.kind !== 'patch')
      report({ messageId: 'legacy', field: ['spec', 'kubernetes', 'version'], data: { from: before.version.text } });
    else judge('Kubernetes', ['spec', 'kubernetes', 'version'], before.version.text, after.version.text, kubernetes);
    const harborBefore = previous.model.harbor;
    const harborAfter = model.harbor;
    if (harborBefore && harborAfter) {
      const change = versionChange(HARBOR_RELEASES, harborBefore.version, harborAfter.version, (release) => release.upgradeMinorsBack);
      judge('Harbor', ['spec', 'harbor', 'version'], harborBefore.version.text, harborAfter.version.text, change);
    }
  },
});
