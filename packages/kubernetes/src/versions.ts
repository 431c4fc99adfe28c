import { atLeast, type Version } from '@clusterspec/spec';

export type KubeadmApiVersion = 'kubeadm.k8s.io/v1beta2' | 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4';

/** Everything about Kubernetes that changes with its version. */
export interface KubernetesRelease {
  /** legacy: static pods written by hand (the design documents' 1.6); kubeadm: kubeadm configs. */
  readonly flow: 'legacy' | 'kubeadm';
  readonly kubeadmApiVersion?: KubeadmApiVersion;
  /** v1beta4 turned extraArgs maps into name/value lists. */
  readonly extraArgsAsList: boolean;
  readonly imageRepository: string;
  /** etcd image tag kubeadm of that release used (legacy flow only). */
  readonly etcdImageTag?: string;
  /** Labels kubeadm puts on control-plane nodes. */
  readonly controlPlaneLabels: readonly string[];
  /** Taint keys kubeadm puts on control-plane nodes (effect NoSchedule). */
  readonly controlPlaneTaints: readonly string[];
  /**
   * The kubelet cgroup driver kubeadm writes when KubeletConfiguration names none: cgroupfs (the kubelet's
   * own default) until 1.21, systemd from 1.22 (Kubernetes docs, "Configuring a cgroup driver").
   */
  readonly kubeadmCgroupDriverDefault: 'cgroupfs' | 'systemd';
}

type Change = { readonly from: readonly [number, number]; readonly why: string } & Partial<KubernetesRelease>;

const MASTER = 'node-role.kubernetes.io/master';
const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';

/** Each row changes what the rows before it said, from the version it names on (kubeadm's history). */
const RELEASE_HISTORY: readonly Change[] = [
  {
    from: [1, 0],
    why: 'kubeadm 1.6 as the design documents used it',
    flow: 'legacy',
    extraArgsAsList: false,
    imageRepository: 'gcr.io/google_containers',
    etcdImageTag: '3.0.17',
    controlPlaneLabels: [MASTER],
    controlPlaneTaints: [MASTER],
    kubeadmCgroupDriverDefault: 'cgroupfs',
  },
  { from: [1, 15], why: 'kubeadm config v1beta2; HA control plane joins with --control-plane', flow: 'kubeadm', kubeadmApiVersion: 'kubeadm.k8s.io/v1beta2', imageRepository: 'k8s.gcr.io', etcdImageTag: undefined },
  { from: [1, 20], why: 'control-plane label added beside master', controlPlaneLabels: [MASTER, CONTROL_PLANE] },
  { from: [1, 22], why: 'kubeadm config v1beta3; kubeadm defaults the kubelet cgroup driver to systemd', kubeadmApiVersion: 'kubeadm.k8s.io/v1beta3', kubeadmCgroupDriverDefault: 'systemd' },
  { from: [1, 24], why: 'master label removed, control-plane taint added (kubernetes#107533)', controlPlaneLabels: [CONTROL_PLANE], controlPlaneTaints: [MASTER, CONTROL_PLANE] },
  { from: [1, 25], why: 'master taint no longer applied (kubernetes#110095); images from registry.k8s.io', controlPlaneTaints: [CONTROL_PLANE], imageRepository: 'registry.k8s.io' },
  { from: [1, 31], why: 'kubeadm config v1beta4: extraArgs become name/value lists', kubeadmApiVersion: 'kubeadm.k8s.io/v1beta4', extraArgsAsList: true },
];

export function kubernetesRelease(version: Version): KubernetesRelease {
  let release = {} as KubernetesRelease;
  for (const { from, why: _why, ...change } of RELEASE_HISTORY) {
    if (atLeast(version, from[0], from[1])) release = { ...release, ...change };
  }
  return release;
}
