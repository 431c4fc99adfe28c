import type { FieldPath } from './errors';
import { LOAD_CHECKS, loadCheckTag } from './load-checks';
import type { ContainerdModel, ContainerRuntime } from './model';
import type { ProblemList } from './problems';
import type { RawContainerd } from './raw-spec.generated';
import { CONTAINERD_RELEASES, releaseSeries, type KubernetesRelease } from './releases';
import { resolveRelease } from './sections';
import { parseVersion } from './version';

/** The kubelet's runtime when the spec names none: Docker while the release has dockershim, containerd after. */
export function defaultContainerRuntime(kubernetes: KubernetesRelease): ContainerRuntime {
  return kubernetes.dockershim ? 'docker' : 'containerd';
}

/**
 * The kubelet's container runtime and, for containerd, the release whose configuration is generated (the
 * spec's, else the one paired with the Kubernetes release). Docker as the runtime of a release without
 * dockershim is refused (load/dockershim), as is containerd on the legacy static-pod flow (load/static-pod-runtime),
 * whose kubelets only knew Docker. `kubernetes` is undefined when the Kubernetes version was refused.
 */
export function normalizeContainerRuntime(
  kubernetesText: string,
  kubernetes: KubernetesRelease | undefined,
  raw: { runtime?: ContainerRuntime; containerd?: RawContainerd },
  problems: ProblemList,
): { runtime: ContainerRuntime; containerd?: ContainerdModel } {
  if (!kubernetes) return { runtime: raw.runtime ?? 'containerd' };
  const runtime = raw.runtime ?? defaultContainerRuntime(kubernetes);
  const runtimePath: FieldPath = ['spec', 'kubernetes', 'containerRuntime'];
  if (runtime === 'docker' && !kubernetes.dockershim) {
    problems.add(
      runtimePath,
      `Kubernetes ${kubernetesText} has no dockershim (removed in 1.24): its kubelet cannot use Docker as the container runtime${loadCheckTag(LOAD_CHECKS.dockershim)}`,
      'remove containerRuntime (containerd is the default from 1.24); Docker may stay on docker.hosts for building and pushing images',
    );
  }
  if (runtime === 'containerd' && kubernetes.flow !== 'kubeadm') {
    problems.add(
      runtimePath,
      `the static-pod flow of Kubernetes ${kubernetesText} is generated for Docker only${loadCheckTag(LOAD_CHECKS.staticPodRuntime)}`,
      'remove containerRuntime, or use Kubernetes 1.15 or newer (kubeadm)',
    );
  }
  if (raw.containerd && runtime !== 'containerd') {
    problems.add(
      ['spec', 'containerd'],
      'spec.containerd is set but the kubelet runs Docker',
      'remove spec.containerd, or set kubernetes.containerRuntime: containerd',
    );
  }
  if (runtime !== 'containerd') return { runtime };
  const stated = raw.containerd?.version;
  const { version, release } =
    stated === undefined
      ? resolveRelease(CONTAINERD_RELEASES, `${kubernetes.pairedContainerd}.0`, ['spec', 'kubernetes', 'version'], problems)
      : resolveRelease(CONTAINERD_RELEASES, stated, ['spec', 'containerd', 'version'], problems);
  return {
    runtime,
    containerd: {
      ...(stated !== undefined ? { version: parseVersion(stated) } : {}),
      series: releaseSeries(version),
      release,
    },
  };
}
