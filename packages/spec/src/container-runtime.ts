import type { FieldPath } from './errors';
import type { ContainerdModel, ContainerdRelease, ContainerRuntime } from './model';
import type { ProblemList } from './problems';
import { atLeast, parseVersion, type Version } from './version';

/**
 * What changes with the containerd version, as rows of its history: each row holds from the version it
 * names on. config_path (the hosts.toml directory) arrived in containerd 1.5 (docs/hosts.md); containerd
 * 2.0 introduced config version 3, which splits the CRI plugin into an images and a runtime plugin
 * (docs/cri/config.md). containerd 1.x reads version 2 only.
 */
const CONTAINERD_HISTORY: readonly { readonly from: readonly [number, number]; readonly release: ContainerdRelease }[] = [
  {
    from: [1, 5],
    release: {
      configVersion: 2,
      registryTable: ['plugins', 'io.containerd.grpc.v1.cri', 'registry'],
      runcTable: ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc'],
    },
  },
  {
    from: [2, 0],
    release: {
      configVersion: 3,
      registryTable: ['plugins', 'io.containerd.cri.v1.images', 'registry'],
      runcTable: ['plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes', 'runc'],
    },
  },
];
/** The newest containerd major release whose configuration is known. */
const NEWEST_CONTAINERD_MAJOR = 2;

/**
 * The containerd release a Kubernetes release is paired with when the spec names none: the containerd
 * project's Kubernetes support table (RELEASES.md, "Kubernetes Support"), never older than 1.6, the first
 * release with the CRI v1 API every kubelet from 1.26 requires.
 */
const CONTAINERD_FOR_KUBERNETES: readonly { readonly from: readonly [number, number]; readonly containerd: string }[] = [
  { from: [1, 0], containerd: '1.6' },
  { from: [1, 26], containerd: '1.7' },
  { from: [1, 30], containerd: '2.1' },
];

/** Kubernetes 1.24 removed dockershim: from then on the kubelet cannot drive Docker (kubernetes/enhancements KEP-2221). */
const DOCKERSHIM_REMOVED: readonly [number, number] = [1, 24];

/** The last row of a history whose version the given one reaches. */
function rowFor<T extends { readonly from: readonly [number, number] }>(rows: readonly T[], version: Version): T | undefined {
  return rows.filter((row) => atLeast(version, row.from[0], row.from[1])).pop();
}

export function containerdRelease(version: Version): ContainerdRelease | undefined {
  return rowFor(CONTAINERD_HISTORY, version)?.release;
}

/** Docker before Kubernetes 1.24, containerd from then on. */
export function defaultContainerRuntime(kubernetes: Version): ContainerRuntime {
  return atLeast(kubernetes, DOCKERSHIM_REMOVED[0], DOCKERSHIM_REMOVED[1]) ? 'containerd' : 'docker';
}

export interface RawContainerd {
  version?: string;
}

/**
 * The kubelet's container runtime and, for containerd, the release whose configuration is generated.
 * Docker as the runtime of Kubernetes 1.24 or newer is refused (the container-runtime rule), as is
 * containerd on the legacy static-pod flow, whose kubelets only knew Docker.
 */
export function normalizeContainerRuntime(
  kubernetesText: string,
  kubeadmFlow: boolean,
  raw: { runtime?: ContainerRuntime; containerd?: RawContainerd },
  problems: ProblemList,
): { runtime: ContainerRuntime; containerd?: ContainerdModel } {
  const kubernetes = parseVersion(kubernetesText);
  const runtime = raw.runtime ?? defaultContainerRuntime(kubernetes);
  const runtimePath: FieldPath = ['spec', 'kubernetes', 'containerRuntime'];
  if (runtime === 'docker' && atLeast(kubernetes, DOCKERSHIM_REMOVED[0], DOCKERSHIM_REMOVED[1])) {
    problems.add(
      runtimePath,
      `Kubernetes ${kubernetesText} has no dockershim (removed in 1.24): its kubelet cannot use Docker as the container runtime (container-runtime)`,
      'remove containerRuntime (containerd is the default from 1.24); Docker may stay on docker.hosts for building and pushing images',
    );
  }
  if (runtime === 'containerd' && !kubeadmFlow) {
    problems.add(runtimePath, `the static-pod flow of Kubernetes ${kubernetesText} is generated for Docker only (container-runtime)`, 'remove containerRuntime, or use Kubernetes 1.15 or newer (kubeadm)');
  }
  if (raw.containerd && runtime !== 'containerd') {
    problems.add(['spec', 'containerd'], 'spec.containerd is set but the kubelet runs Docker', 'remove spec.containerd, or set kubernetes.containerRuntime: containerd');
  }
  if (runtime !== 'containerd') return { runtime };
  const stated = raw.containerd?.version;
  const version = parseVersion(stated ?? `${(rowFor(CONTAINERD_FOR_KUBERNETES, kubernetes) ?? CONTAINERD_FOR_KUBERNETES[0]).containerd}.0`);
  const release = containerdRelease(version);
  if (stated !== undefined && (!release || version.major > NEWEST_CONTAINERD_MAJOR)) {
    problems.add(
      ['spec', 'containerd', 'version'],
      release ? `containerd ${stated} is newer than the newest release clusterspec knows (${NEWEST_CONTAINERD_MAJOR}.x)` : `containerd ${stated} has no registry config_path (hosts.toml arrived in 1.5)`,
      `use containerd 1.5 to ${NEWEST_CONTAINERD_MAJOR}.x`,
    );
  }
  return {
    runtime,
    containerd: {
      ...(stated !== undefined ? { version } : {}),
      series: `${version.major}.${version.minor}`,
      release: release ?? (CONTAINERD_HISTORY[CONTAINERD_HISTORY.length - 1].release),
    },
  };
}
