import { releaseTable } from './table';

export type KubeadmApiVersion = 'kubeadm.k8s.io/v1beta2' | 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4';

/** Everything about Kubernetes that changes what we write with its version. */
export interface KubernetesRelease {
  /** legacy: static pods written by hand (Kubernetes 1.6, fixtures/seed-ha); kubeadm: kubeadm configs, certificates issued by kubeadm. */
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
  /**
   * Whether the kubelet can drive Docker (dockershim): removed in 1.24 (kubernetes/enhancements KEP-2221),
   * so the default runtime is Docker before and containerd from then on.
   */
  readonly dockershim: boolean;
  /**
   * The containerd release (major.minor) paired with this Kubernetes release when the spec names none: the
   * containerd project's Kubernetes support table (RELEASES.md, "Kubernetes Support"), never older than 1.6,
   * the first with the CRI v1 API every kubelet from 1.26 requires.
   */
  readonly pairedContainerd: string;
  /**
   * Days a leaf certificate and a CA are valid when the spec names none: kubeadm's one year and ten years
   * (kubeadm docs, "Certificate Management with kubeadm"), which the legacy sign.sh follows.
   */
  readonly certificateValidityDays: number;
  readonly caCertificateValidityDays: number;
  /**
   * Whether the spec may set them: the legacy sign.sh takes any -days; kubeadm from config v1beta4 (1.31:
   * certificateValidityPeriod, caCertificateValidityPeriod); kubeadm before fixes them.
   */
  readonly certificateValiditySettable: boolean;
  /**
   * The kubeconfig (under /etc/kubernetes) a static pod that must reach the apiserver during `kubeadm init`
   * mounts, such as kube-vip, which leader-elects through it before the VIP exists. From 1.29 kubeadm binds
   * admin.conf to the kubeadm:cluster-admins group, which has no rights until init has finished, and writes
   * super-admin.conf (system:masters) on the first control-plane host only (kubernetes#121305, kube-vip#684, #938).
   */
  readonly initAdminKubeconfig: 'admin.conf' | 'super-admin.conf';
  /**
   * Whether kubeadm has `kubeadm config validate` (from 1.26, kubernetes#111934), which the deploy runs on a
   * new kubeadm-config.yaml before it replaces the old one.
   */
  readonly kubeadmConfigValidate: boolean;
  /**
   * How many minor releases older than the oldest apiserver a kubelet of this release may be (Kubernetes'
   * version skew policy, kubernetes.io/releases/version-skew-policy: two, three for kubelets from 1.25). A
   * kubelet newer than an apiserver is never supported; apiservers of one site stay within one minor.
   */
  readonly kubeletOlderMinors: number;
  /**
   * How many minor releases one `kubeadm upgrade apply` may cross: one ("Skipping MINOR versions when upgrading
   * is unsupported", kubeadm docs, "Upgrading kubeadm clusters"). The legacy flow has no upgrade at all: 0.
   */
  readonly upgradeMinors: number;
}

/**
 * Whether kubeadm sets the site up (its release's flow), issuing the control-plane certificates itself; the
 * legacy flow writes static pods and signs with pki/sign.sh. Beside the table that decides it, for every package.
 */
export function usesKubeadm(model: { readonly kubernetes: { readonly release: KubernetesRelease } }): boolean {
  return model.kubernetes.release.flow === 'kubeadm';
}

const MASTER = 'node-role.kubernetes.io/master';
const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';

/**
 * kubeadm's history, from the release each row names on. Supported: 1.6 (the legacy static pods of
 * fixtures/seed-ha, whose flags later releases renamed or dropped) and 1.15 on, when kubeadm joins
 * control-plane nodes itself (`kubeadm join --control-plane`); releases in between would get broken manifests.
 * The newest supported release is the newest whose kubeadm config API and node-role facts were checked.
 */
export const KUBERNETES_RELEASES = releaseTable<KubernetesRelease>({
  program: 'Kubernetes',
  rows: [
    {
      since: [1, 0],
      why: 'kubeadm 1.6 on the first master, static pods written by hand on the others',
      flow: 'legacy',
      extraArgsAsList: false,
      imageRepository: 'gcr.io/google_containers',
      etcdImageTag: '3.0.17',
      controlPlaneLabels: [MASTER],
      controlPlaneTaints: [MASTER],
      kubeadmCgroupDriverDefault: 'cgroupfs',
      dockershim: true,
      pairedContainerd: '1.6',
      certificateValidityDays: 365,
      caCertificateValidityDays: 3650,
      certificateValiditySettable: true,
      initAdminKubeconfig: 'admin.conf',
      kubeadmConfigValidate: false,
      kubeletOlderMinors: 2,
      upgradeMinors: 0,
    },
    {
      since: [1, 15],
      why: 'kubeadm config v1beta2; HA control plane joins with --control-plane',
      flow: 'kubeadm',
      kubeadmApiVersion: 'kubeadm.k8s.io/v1beta2',
      imageRepository: 'k8s.gcr.io',
      etcdImageTag: undefined,
      certificateValiditySettable: false,
      upgradeMinors: 1,
    },
    { since: [1, 20], why: 'control-plane label added beside master', controlPlaneLabels: [MASTER, CONTROL_PLANE] },
    {
      since: [1, 22],
      why: 'kubeadm config v1beta3; kubeadm defaults the kubelet cgroup driver to systemd',
      kubeadmApiVersion: 'kubeadm.k8s.io/v1beta3',
      kubeadmCgroupDriverDefault: 'systemd',
    },
    {
      since: [1, 24],
      why: 'master label removed, control-plane taint added (kubernetes#107533); dockershim removed (KEP-2221)',
      controlPlaneLabels: [CONTROL_PLANE],
      controlPlaneTaints: [MASTER, CONTROL_PLANE],
      dockershim: false,
    },
    {
      since: [1, 26],
      why: 'containerd 1.7 paired (containerd RELEASES.md); kubeadm config validate (kubernetes#111934)',
      pairedContainerd: '1.7',
      kubeadmConfigValidate: true,
    },
    {
      since: [1, 25],
      why: 'a kubelet from 1.25 may be three minors older than the apiserver, two before (kubernetes.io/releases/version-skew-policy, KEP-3935)',
      kubeletOlderMinors: 3,
    },
    { since: [1, 30], why: 'containerd 2.1 paired (containerd RELEASES.md)', pairedContainerd: '2.1' },
    {
      since: [1, 25],
      why: 'master taint no longer applied (kubernetes#110095); images from registry.k8s.io',
      controlPlaneTaints: [CONTROL_PLANE],
      imageRepository: 'registry.k8s.io',
    },
    {
      since: [1, 29],
      why: 'kubeadm init writes super-admin.conf; admin.conf has rights only once init is done (kubernetes#121305)',
      initAdminKubeconfig: 'super-admin.conf',
    },
    {
      since: [1, 31],
      why: 'kubeadm config v1beta4: extraArgs become name/value lists; certificate and CA validity periods',
      kubeadmApiVersion: 'kubeadm.k8s.io/v1beta4',
      extraArgsAsList: true,
      certificateValiditySettable: true,
    },
  ],
  supported: [
    { from: [1, 6], to: [1, 6] },
    { from: [1, 15], to: [1, 34] },
  ],
  unsupported: (version, supportedText) => ({
    message: `Kubernetes ${version.text} is not supported`,
    hint: `use ${supportedText}: 1.6.x is the legacy static-pod flow, 1.15 and later are set up by kubeadm`,
  }),
});
