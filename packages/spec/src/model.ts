import type { SourceLocation, FieldPath } from './errors';
import type { Version } from './version';

export type Role = 'control-plane' | 'worker' | 'apiserver-lb' | 'harbor' | 'consul-server' | 'consul-client' | 'ingress';

export type SecretRef = { readonly fromEnv: string } | { readonly fromFile: string };

export interface Host {
  readonly name: string;
  readonly address: string;
  readonly roles: readonly Role[];
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** True when host is an IPv4 address rather than a DNS name. */
  readonly hostIsAddress: boolean;
}

export interface KubernetesUser {
  readonly name: string;
  readonly groups: readonly string[];
  readonly clusterRole: string;
}

export interface KubernetesModel {
  readonly version: Version;
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
    readonly virtualAddress?: string;
    readonly connectTimeout: string;
    readonly proxyTimeout: string;
    readonly hosts: readonly Host[];
  };
  readonly schedulableControlPlane: boolean;
  /** Control-plane hosts in spec order; the first one initialises the cluster. */
  readonly controlPlaneHosts: readonly Host[];
  readonly workerHosts: readonly Host[];
  /** Every Kubernetes node (control-plane or worker), in spec order. */
  readonly nodes: readonly Host[];
  readonly bootstrapToken: SecretRef;
  readonly certificateKey: SecretRef;
  readonly caCertHash: SecretRef;
  readonly users: readonly KubernetesUser[];
}

/** The immutable, fully defaulted site every generator and linter reads. */
export interface ClusterModel {
  /** The spec file as named on the command line. */
  readonly file: string;
  readonly name: string;
  readonly hosts: readonly Host[];
  readonly kubernetes: KubernetesModel;
  /** Sections later packages normalise for themselves; kept as validated. */
  readonly harbor?: unknown;
  readonly consul?: unknown;
  readonly docker?: unknown;
  /** Source position of any field, for diagnostics. */
  readonly locate: (path: FieldPath, part?: 'key' | 'value') => SourceLocation;
}
