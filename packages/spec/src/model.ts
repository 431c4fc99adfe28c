import type { Endpoint, ServerURL } from './endpoint';
import type { SourceLocation, FieldPath } from './errors';
import type { ConsulRelease, ContainerdRelease, HarborRelease, KubernetesRelease } from './releases';
import type { Version } from './version';

export type Role = 'control-plane' | 'worker' | 'apiserver-lb' | 'harbor' | 'consul-server' | 'consul-client' | 'ingress';

export type SecretRef = { readonly fromEnv: string } | { readonly fromFile: string };

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: string;
}

export interface Host {
  readonly name: string;
  readonly address: string;
  readonly roles: readonly Role[];
  /** Node labels given in the spec, replacing the version's role labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Node taints given in the spec, replacing the version's control-plane taints. */
  readonly taints?: readonly Taint[];
  /** Another control-plane host whose apiserver certificate this one serves (a copy). */
  readonly apiServerCertificateFrom?: string;
}

/** The virtual address's provider and what it needs. */
/** The apiservers' virtual address (the spec's loadBalancer.virtualAddress) and everything that moves it. */
export interface VirtualIP {
  readonly address: string;
  /** keepalived moves it between the apiserver-lb hosts; kube-vip between the control-plane hosts. */
  readonly provider: 'keepalived' | 'kube-vip';
  /** The hosts that may hold the address, in spec order (the first has the highest VRRP priority). */
  readonly holders: readonly Host[];
  readonly interface: string;
  /** VRRP virtual_router_id (keepalived), from the spec or derived from the cluster name and address. */
  readonly virtualRouterId: number;
  /** keepalived's VRRP password (the spec's loadBalancer.vrrpPassword; used with provider keepalived). */
  readonly password: SecretRef;
}

export interface KubernetesUser {
  readonly name: string;
  /** What the user's kubeconfig dials, when not controlPlaneEndpoint. */
  readonly server?: ServerURL;
  readonly groups: readonly string[];
  readonly clusterRole: string;
}

/** What the kubelet drives: Docker (through dockershim, before Kubernetes 1.24) or containerd's CRI plugin. */
export type ContainerRuntime = 'containerd' | 'docker';

export interface ContainerdModel {
  /** The version the spec names (spec.containerd.version); absent when implied by the Kubernetes version. */
  readonly version?: Version;
  /** major.minor of the containerd release the files are written for. */
  readonly series: string;
  readonly release: ContainerdRelease;
}

/** How long certificates live, and when lint warns before they expire. */
export interface CertificateSettings {
  /** Days a leaf certificate is valid: the spec's, or the default (kubeadm's and sign.sh's one year). */
  readonly validityDays: number;
  /** Days a CA certificate is valid: the spec's, or kubeadm's ten years. */
  readonly caValidityDays: number;
  readonly expiryWarningDays: number;
  /** The validity fields the spec itself sets (kubeadm configs write only these, so kubeadm's defaults stay its own). */
  readonly setInSpec: readonly ('validityDays' | 'caValidityDays')[];
}

export interface KubernetesModel {
  readonly version: Version;
  /** The kubelet's container runtime: the spec's, or the release's default (Docker while it has dockershim). */
  readonly containerRuntime: ContainerRuntime;
  /** What this version decides (flow, kubeadm API, labels and taints), from the release table. */
  readonly release: KubernetesRelease;
  readonly controlPlaneEndpoint: Endpoint;
  readonly networking: {
    readonly serviceSubnet: string;
    readonly podSubnet: string;
    readonly dnsDomain: string;
    /** First address of serviceSubnet: the `kubernetes` Service. */
    readonly apiServerServiceIP: string;
    /** Tenth address of serviceSubnet: cluster DNS. */
    readonly clusterDNS: string;
  };
  readonly apiServer: { readonly bindPort: number; readonly certSANs: readonly string[] };
  readonly loadBalancer: {
    readonly port: number;
    /** What balances the apiservers on the apiserver-lb hosts: haproxy (active /healthz checks) or nginx (passive). */
    readonly engine: 'haproxy' | 'nginx';
    /** The virtual address and how it moves between hosts: set exactly when the spec gives loadBalancer.virtualAddress. */
    readonly virtualIP?: VirtualIP;
    /** Whether the virtual address (and, per-node, localhost and 127.0.0.1) joins every apiserver certificate. */
    readonly addToCertificates: boolean;
    /** central: clients dial controlPlaneEndpoint; per-node: nodes that are not control-plane hosts dial their own 127.0.0.1 proxy. */
    readonly mode: 'central' | 'per-node';
    readonly connectTimeout: string;
    readonly proxyTimeout: string;
    readonly hosts: readonly Host[];
  };
  readonly schedulableControlPlane: boolean;
  /** Workers a plan drains and changes in one step (spec.kubernetes.rollout.workerBatchSize), when the spec sets it. */
  readonly workerBatchSize?: number;
  /** What kube-proxy dials, when not controlPlaneEndpoint. */
  readonly kubeProxyServer?: ServerURL;
  /** Control-plane hosts in spec order; the first one initialises the cluster. */
  readonly controlPlaneHosts: readonly Host[];
  readonly workerHosts: readonly Host[];
  /** Every Kubernetes node (control-plane or worker), in spec order. */
  readonly nodes: readonly Host[];
  readonly bootstrapToken: SecretRef;
  readonly certificateKey: SecretRef;
  readonly caCertHash: SecretRef;
  readonly users: readonly KubernetesUser[];
  readonly certificates: CertificateSettings;
}

export type HarborDatabase =
  | { readonly embedded: false; readonly host: string; readonly port: number; readonly user: string; readonly password: SecretRef }
  | { readonly embedded: true; readonly password: SecretRef };

export interface HarborModel {
  readonly version: Version;
  /** What this version decides (file layout, harbor.yml keys), from the release table. */
  readonly release: HarborRelease;
  /** What clients push to, e.g. http://hub.tonybai.com:8989 (the load balancer). */
  readonly externalURL: string;
  readonly protocol: 'http' | 'https';
  /** externalURL's host and port (the port defaulted from the protocol). */
  readonly endpoint: { readonly host: string; readonly port: number };
  /** Port each instance's proxy listens on. */
  readonly httpPort: number;
  /** Hosts with the harbor role, in spec order; instance N (from 1) logs to log<N>. */
  readonly instances: readonly Host[];
  readonly loadBalancer: { readonly hosts: readonly Host[]; readonly port: number };
  readonly storage: {
    readonly sharedPath: string;
    /** Where every instance keeps registry data, config and the secret key: <sharedPath>/data. */
    readonly dataPath: string;
    readonly certFile: string;
    readonly keyFile: string;
  };
  readonly database: HarborDatabase;
  readonly redis: { readonly host: string; readonly port: number; readonly password?: SecretRef };
  readonly adminPassword: SecretRef;
  /** Where the nodes keep the CA certificate that signed Harbor's https certificate, when the spec names it. */
  readonly caFile?: string;
  /** Harbor 2.x: what every instance's ./prepare draws at random and must share (goharbor/harbor#21060). */
  readonly sharedSecrets: { readonly csrfKey: SecretRef; readonly coreSecret: SecretRef; readonly jobserviceSecret: SecretRef };
}

export interface ConsulService {
  readonly name: string;
  readonly port?: number;
  readonly tags: readonly string[];
}

/** How the ingress template finds what to publish: the catalog (by tag), or the declared services only. */
export type IngressDiscovery = 'dynamic' | 'declared';

/** Values of one agent's consul.hcl that a hand-made setup changed (spec.consul.agentOverrides). */
export interface ConsulAgentOverride {
  readonly host: string;
  readonly datacenter?: string;
  readonly retryJoin?: readonly string[];
  readonly bootstrapExpect?: number;
  readonly encrypt?: false;
}

export interface ConsulModel {
  readonly version: Version;
  /** What this version decides, from the release table. */
  readonly release: ConsulRelease;
  readonly datacenter: string;
  readonly dnsPort: number;
  readonly encrypt: SecretRef;
  readonly recursors: readonly string[];
  readonly ingressDomain?: string;
  readonly ingressDiscovery: IngressDiscovery;
  /** Ports (inclusive) a tcp service found in the catalog may be published on. */
  readonly ingressTcpPorts: { readonly from: number; readonly to: number };
  readonly agentOverrides: readonly ConsulAgentOverride[];
  readonly services: readonly ConsulService[];
  readonly servers: readonly Host[];
  readonly clients: readonly Host[];
  /** Servers and clients: every host running a Consul agent, in spec order. */
  readonly agents: readonly Host[];
  readonly ingressHosts: readonly Host[];
}

export interface DockerModel {
  readonly hosts: readonly Host[];
  readonly registryMirrors: readonly string[];
  /** Container DNS servers; 'consul' stands for an address where a Consul agent answers DNS. */
  readonly dns: readonly string[];
  /** The Consul agent registrator writes to, when the spec overrides the agent clusterspec picks. */
  readonly registratorConsul?: Endpoint;
}

export type Severity = 'error' | 'warning' | 'info';

export interface LintSettings {
  /** Severity overrides by rule id. */
  readonly rules: Readonly<Record<string, Severity | 'off'>>;
}

/** The immutable, fully defaulted site every generator and linter reads. */
export interface ClusterModel {
  /** The spec file as named on the command line. */
  readonly file: string;
  readonly name: string;
  readonly hosts: readonly Host[];
  readonly kubernetes: KubernetesModel;
  readonly harbor?: HarborModel;
  readonly consul?: ConsulModel;
  readonly docker?: DockerModel;
  /** containerd on every Kubernetes node, when it is the kubelet's runtime. */
  readonly containerd?: ContainerdModel;
  /** Where packaged programs keep their files and which accounts they run as (spec.osFamily). */
  readonly osFamily: 'debian' | 'rhel';
  readonly lint: LintSettings;
  /** Source position of any field, for diagnostics. */
  readonly locate: (path: FieldPath, part?: 'key' | 'value') => SourceLocation;
}
