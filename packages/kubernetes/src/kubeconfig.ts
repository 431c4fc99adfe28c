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

/** A kubeconfig that names its certificate files rather than embedding them, so no key ever lands in out/. */
export function kubeconfig(credentials: KubeconfigCredentials): object {
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
