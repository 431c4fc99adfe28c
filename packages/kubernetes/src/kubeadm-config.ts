import { apiServerCertSANs } from '@clusterspec/pki';
import {
  artifact,
  defineArtifact,
  HOST_FIELDS,
  hostFile,
  secretPlaceholder,
  usesKubeadm,
  yamlDocuments,
  type Artifact,
  type ClusterModel,
  type Host,
  type KubernetesRelease,
} from '@clusterspec/spec';
import { nodeTaints } from './node-roles';
import { hasStaticPodBeforeJoin } from './per-node-proxy';

export const KUBEADM_CONFIG_PATH = '/etc/kubernetes/kubeadm-config.yaml';

/** One document of a kubeadm config file (kubeadm.k8s.io Init/Cluster/JoinConfiguration, or a KubeletConfiguration). */
export interface KubeadmDocument {
  /** The release's kubeadm config API group and version, e.g. kubeadm.k8s.io/v1beta4 (every kubeadm-flow release sets it). */
  readonly apiVersion?: string;
  readonly kind: 'InitConfiguration' | 'ClusterConfiguration' | 'JoinConfiguration' | 'KubeletConfiguration';
  readonly [field: string]: unknown;
}

export const kubeadmConfigFile = defineArtifact<readonly KubeadmDocument[]>({
  id: 'kubernetes/kubeadm-config',
  pattern: `hosts/*${KUBEADM_CONFIG_PATH}`,
  description:
    "kubeadm's configuration of a node: Init+ClusterConfiguration (+KubeletConfiguration: cluster DNS; with containerd before 1.22 `cgroupDriver: systemd`) on the first control-plane host, JoinConfiguration with `controlPlane` on the others, JoinConfiguration on workers; API version per release; taints in `nodeRegistration`",
  where: 'nodes, kubeadm flow (>= 1.15)',
  reads: [
    ...HOST_FIELDS,
    'spec.kubernetes.version',
    'spec.kubernetes.controlPlaneEndpoint',
    'spec.kubernetes.networking',
    'spec.kubernetes.apiServer.bindPort',
    'spec.kubernetes.apiServer.certSANs',
    'spec.kubernetes.loadBalancer',
    'spec.kubernetes.bootstrapToken',
    'spec.kubernetes.certificateKey',
    'spec.kubernetes.caCertHash',
    'spec.hosts[].labels',
    'spec.hosts[].taints',
    'spec.kubernetes.controlPlane.schedulable',
    'spec.kubernetes.containerRuntime',
  ],
  secretKeys: [
    '*.bootstrapTokens.*.token',
    '*.certificateKey',
    '*.discovery.bootstrapToken.token',
    '*.discovery.bootstrapToken.caCertHashes.*',
    '*.controlPlane.certificateKey',
  ],
  consumer: 'kubeadm init / kubeadm join --config',
  // From Kubernetes 1.26 (release table: kubeadmConfigValidate); the generator drops it for older releases.
  check: ['kubeadm', 'config', 'validate', '--config', '%s'],
  format: 'yaml',
  render: (documents) => yamlDocuments(...documents),
});

/** kubeadm's extraArgs: a map until v1beta3, a name/value list from v1beta4. */
function extraArgs(release: KubernetesRelease, args: Record<string, string>): object {
  const names = Object.keys(args).sort();
  return release.extraArgsAsList ? names.map((name) => ({ name, value: args[name] })) : Object.fromEntries(names.map((name) => [name, args[name]]));
}

function nodeRegistration(model: ClusterModel, release: KubernetesRelease, host: Host, joining: boolean): object {
  const explicit = host.roles.includes('control-plane') || host.taints !== undefined;
  const taints = nodeTaints(model, host).map((taint) => ({ key: taint.key, ...(taint.value ? { value: taint.value } : {}), effect: taint.effect }));
  return {
    name: host.name,
    kubeletExtraArgs: extraArgs(release, { 'node-ip': host.address }),
    // An explicit list: omitted taints would mean kubeadm's default even where the spec asks for none.
    ...(explicit ? { taints } : {}),
    // kubeadm join wants an empty manifests folder; kube-vip or the node's apiserver proxy is already there.
    ...(joining && hasStaticPodBeforeJoin(model, host) ? { ignorePreflightErrors: ['DirAvailable--etc-kubernetes-manifests'] } : {}),
  };
}

function localAPIEndpoint(model: ClusterModel, host: Host): object {
  return { advertiseAddress: host.address, bindPort: model.kubernetes.apiServer.bindPort };
}

function initConfiguration(model: ClusterModel, release: KubernetesRelease, host: Host): KubeadmDocument[] {
  const { kubernetes } = model;
  return [
    {
      apiVersion: release.kubeadmApiVersion,
      kind: 'InitConfiguration',
      bootstrapTokens: [
        {
          token: secretPlaceholder(kubernetes.bootstrapToken),
          groups: ['system:bootstrappers:kubeadm:default-node-token'],
          usages: ['signing', 'authentication'],
        },
      ],
      localAPIEndpoint: localAPIEndpoint(model, host),
      nodeRegistration: nodeRegistration(model, release, host, false),
      certificateKey: secretPlaceholder(kubernetes.certificateKey),
    },
    {
      apiVersion: release.kubeadmApiVersion,
      kind: 'ClusterConfiguration',
      kubernetesVersion: `v${kubernetes.version.text}`,
      controlPlaneEndpoint: `${kubernetes.controlPlaneEndpoint.host}:${kubernetes.controlPlaneEndpoint.port}`,
      networking: {
        serviceSubnet: kubernetes.networking.serviceSubnet,
        podSubnet: kubernetes.networking.podSubnet,
        dnsDomain: kubernetes.networking.dnsDomain,
      },
      apiServer: { certSANs: apiServerCertSANs(model) },
      ...validityPeriods(model),
    },
    kubeletConfiguration(model, release),
  ];
}

/** kubeadm's metav1.Duration, as kubeadm itself prints it: 365 days is "8760h0m0s". */
const duration = (days: number) => `${days * 24}h0m0s`;

/**
 * certificateValidityPeriod and caCertificateValidityPeriod (v1beta4, 1.31+), only those the spec sets: left
 * out, kubeadm applies its own defaults (one year, ten years), which the model records for lint and `certs`.
 * The loader refuses them before 1.31.
 */
function validityPeriods(model: ClusterModel): object {
  const { certificates } = model.kubernetes;
  return {
    ...(certificates.setInSpec.includes('validityDays') ? { certificateValidityPeriod: duration(certificates.validityDays) } : {}),
    ...(certificates.setInSpec.includes('caValidityDays') ? { caCertificateValidityPeriod: duration(certificates.caValidityDays) } : {}),
  };
}

/**
 * The kubelet's cgroup driver on a kubeadm site. With containerd, systemd (runc gets SystemdCgroup = true
 * to match: Kubernetes "Container runtimes" docs). With Docker, kubeadm's default for the version, which
 * daemon.json then gives Docker too (Docker's own default is cgroupfs).
 */
export function kubeletCgroupDriver(model: ClusterModel): 'cgroupfs' | 'systemd' {
  return model.kubernetes.containerRuntime === 'containerd' ? 'systemd' : model.kubernetes.release.kubeadmCgroupDriverDefault;
}

/**
 * The cluster-wide kubelet settings kubeadm uploads for every node: cluster DNS from the spec, and the
 * cgroup driver only where it differs from kubeadm's default (systemd from 1.22: Kubernetes docs,
 * "Configuring a cgroup driver"). Never rotateCertificates, which kubeadm sets to true whatever the file
 * says (kubeadm's componentconfigs/kubelet.go defaulting).
 */
function kubeletConfiguration(model: ClusterModel, release: KubernetesRelease): KubeadmDocument {
  const { networking } = model.kubernetes;
  const driver = kubeletCgroupDriver(model);
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    ...(driver === release.kubeadmCgroupDriverDefault ? {} : { cgroupDriver: driver }),
    clusterDNS: [networking.clusterDNS],
    clusterDomain: networking.dnsDomain,
  };
}

function joinConfiguration(model: ClusterModel, release: KubernetesRelease, host: Host): KubeadmDocument {
  const { kubernetes } = model;
  return {
    apiVersion: release.kubeadmApiVersion,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: `${kubernetes.controlPlaneEndpoint.host}:${kubernetes.controlPlaneEndpoint.port}`,
        token: secretPlaceholder(kubernetes.bootstrapToken),
        caCertHashes: [secretPlaceholder(kubernetes.caCertHash)],
      },
    },
    nodeRegistration: nodeRegistration(model, release, host, true),
    ...(host.roles.includes('control-plane')
      ? { controlPlane: { localAPIEndpoint: localAPIEndpoint(model, host), certificateKey: secretPlaceholder(kubernetes.certificateKey) } }
      : {}),
  };
}

/**
 * kubeadm flow: InitConfiguration + ClusterConfiguration on the first control-plane host, a control-plane
 * JoinConfiguration on the others, a JoinConfiguration on workers; secrets appear as placeholders.
 */
export function generateKubeadmConfigs(model: ClusterModel): Artifact[] {
  if (!usesKubeadm(model)) return [];
  const release = model.kubernetes.release;
  const [first] = model.kubernetes.controlPlaneHosts;
  return model.kubernetes.nodes.map((host) => {
    const documents = host === first ? initConfiguration(model, release, host) : [joinConfiguration(model, release, host)];
    return artifact(kubeadmConfigFile, hostFile(host, KUBEADM_CONFIG_PATH), documents, { check: release.kubeadmConfigValidate ? undefined : null });
  });
}
