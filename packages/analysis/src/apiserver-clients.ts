import { usesKubeadm } from '@clusterspec/pki';
import { parseServerURL, type Artifact, type ClusterModel, type FieldPath, type Host } from '@clusterspec/spec';
import { parse, parseAllDocuments } from 'yaml';
import { perSite } from './per-site';

/** Something that dials an apiserver, as the generated files configure it. */
export interface ApiServerClient {
  /** Who dials, e.g. "kube-proxy on wudang" or "user kubernetes-admin". */
  readonly name: string;
  readonly kind: 'user' | 'kubelet' | 'kube-proxy' | 'controller-manager' | 'scheduler' | 'kubeadm';
  /** Where it runs; undefined for a user's workstation. */
  readonly host?: Host;
  readonly server: { readonly host: string; readonly port: number };
  /** The file that says what it dials. */
  readonly artifact: string;
  /** The spec field that decides it. */
  readonly field: FieldPath;
}

function parseServer(url: string): { host: string; port: number } | undefined {
  const parsed = parseServerURL(url, ['https'], true);
  return 'value' in parsed ? { host: parsed.value.host, port: parsed.value.port } : undefined;
}

function kubeconfigServer(content: string): { host: string; port: number } | undefined {
  const config = parse(content) as { clusters?: { cluster?: { server?: string } }[] } | null;
  const server = config?.clusters?.[0]?.cluster?.server;
  return server ? parseServer(server) : undefined;
}

/** The files apiServerClients reads, for rules' `reads`. */
export const CLIENT_ARTIFACTS = [
  'cluster/kubeconfig/*.conf',
  'cluster/kube-proxy-configmap.yaml',
  'hosts/*/etc/kubernetes/kubeadm-config.yaml',
  'hosts/*/etc/kubernetes/kubelet.conf',
  'hosts/*/etc/kubernetes/controller-manager.conf',
  'hosts/*/etc/kubernetes/scheduler.conf',
] as const;

const ENDPOINT_FIELD: FieldPath = ['spec', 'kubernetes', 'controlPlaneEndpoint'];

/** Every apiserver client in the generated artifacts, with the server it really dials. */
export const apiServerClients = perSite((model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): ApiServerClient[] => {
  const clients: ApiServerClient[] = [];
  const add = (client: Omit<ApiServerClient, 'server'>, server: { host: string; port: number } | undefined) => {
    if (server) clients.push({ ...client, server });
  };
  model.kubernetes.users.forEach((user, index) => {
    const artifact = `cluster/kubeconfig/${user.name}.conf`;
    const file = artifacts.get(artifact);
    if (file) add({ name: `user ${user.name}`, kind: 'user', artifact, field: user.server ? ['spec', 'kubernetes', 'users', index, 'server'] : ENDPOINT_FIELD }, kubeconfigServer(file.content));
  });
  const proxy = artifacts.get('cluster/kube-proxy-configmap.yaml');
  if (proxy) {
    const configMap = parse(proxy.content) as { data?: Record<string, string> };
    const server = kubeconfigServer(configMap.data?.['kubeconfig.conf'] ?? '');
    const field: FieldPath = model.kubernetes.kubeProxyServer ? ['spec', 'kubernetes', 'kubeProxy', 'server'] : ENDPOINT_FIELD;
    for (const host of model.kubernetes.nodes) add({ name: `kube-proxy on ${host.name}`, kind: 'kube-proxy', host, artifact: proxy.path, field }, server);
  }
  for (const host of model.kubernetes.nodes) {
    const hostIndex = model.hosts.indexOf(host);
    if (usesKubeadm(model)) {
      const artifact = `hosts/${host.name}/etc/kubernetes/kubeadm-config.yaml`;
      const file = artifacts.get(artifact);
      if (!file) continue;
      const documents = parseAllDocuments(file.content).map((document) => document.toJS() as Record<string, any>);
      const endpoint: string | undefined =
        documents.find((document) => document.kind === 'ClusterConfiguration')?.controlPlaneEndpoint ??
        documents.find((document) => document.kind === 'JoinConfiguration')?.discovery?.bootstrapToken?.apiServerEndpoint;
      add({ name: `kubelet on ${host.name}`, kind: 'kubeadm', host, artifact, field: ENDPOINT_FIELD }, endpoint ? parseServer(`https://${endpoint}`) : undefined);
      continue;
    }
    for (const kind of ['kubelet', 'controller-manager', 'scheduler'] as const) {
      const artifact = `hosts/${host.name}/etc/kubernetes/${kind}.conf`;
      const file = artifacts.get(artifact);
      if (file) add({ name: `${kind} on ${host.name}`, kind, host, artifact, field: ['spec', 'hosts', hostIndex, 'address'] }, kubeconfigServer(file.content));
    }
  }
  return clients;
});
