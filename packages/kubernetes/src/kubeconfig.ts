import type { Endpoint } from '@clusterspec/spec';

export const CLUSTER_NAME = 'kubernetes';

export function endpointURL(endpoint: Pick<Endpoint, 'host' | 'port'>): string {
  return `https://${endpoint.host}:${endpoint.port}`;
}

export interface KubeconfigCredentials {
  readonly server: string;
  readonly user: string;
  readonly certificateAuthority: string;
  readonly clientCertificate: string;
  readonly clientKey: string;
}

/**
 * A kubeconfig (client-go's clientcmd `Config`, v1), as far as the files here use it; kubernetes-models
 * has no type for it since it is not an API object.
 */
export interface Kubeconfig {
  readonly apiVersion: 'v1';
  readonly kind: 'Config';
  readonly clusters: readonly { readonly name: string; readonly cluster: { readonly server: string; readonly 'certificate-authority': string } }[];
  readonly users: readonly { readonly name: string; readonly user: Readonly<Record<string, string>> }[];
  readonly contexts: readonly { readonly name: string; readonly context: { readonly cluster: string; readonly user: string; readonly namespace?: string } }[];
  readonly 'current-context': string;
}

/** The server a kubeconfig dials: its current context's cluster. */
export function kubeconfigServer(config: Kubeconfig): string | undefined {
  const context = config.contexts.find((entry) => entry.name === config['current-context']);
  return config.clusters.find((entry) => entry.name === context?.context.cluster)?.cluster.server;
}

/** A kubeconfig that names its certificate files rather than embedding them, so no key ever lands in out/. */
export function kubeconfig(credentials: KubeconfigCredentials): Kubeconfig {
  const context = `${credentials.user}@${CLUSTER_NAME}`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CLUSTER_NAME, cluster: { server: credentials.server, 'certificate-authority': credentials.certificateAuthority } }],
    users: [{ name: credentials.user, user: { 'client-certificate': credentials.clientCertificate, 'client-key': credentials.clientKey } }],
    contexts: [{ name: context, context: { cluster: CLUSTER_NAME, user: credentials.user } }],
    'current-context': context,
  };
}
