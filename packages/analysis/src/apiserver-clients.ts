import {
  componentKubeconfigFile,
  KUBE_PROXY_CONFIGMAP_PATH,
  KUBEADM_CONFIG_PATH,
  kubeadmConfigFile,
  kubeconfigServer,
  KUBELET_VIA_PROXY_PATH,
  kubeletViaProxyFile,
  kubeProxyConfigMapFile,
  userKubeconfigFile,
  type KubeadmDocument,
  type Kubeconfig,
} from '@clusterspec/kubernetes';
import { dataOf, hostFile, parseServerURL, usesKubeadm, type Artifact, type ClusterModel, type FieldPath, type Host } from '@clusterspec/spec';
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

/**
 * The fields of kubeadm's ClusterConfiguration and JoinConfiguration that name the apiserver a node dials
 * (https://kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/): `controlPlaneEndpoint`, and
 * `discovery.bootstrapToken.apiServerEndpoint` on a joining node.
 */
interface KubeadmEndpointFields {
  readonly controlPlaneEndpoint?: string;
  readonly discovery?: { readonly bootstrapToken?: { readonly apiServerEndpoint?: string } };
}

function parseServer(url: string): { host: string; port: number } | undefined {
  const parsed = parseServerURL(url, ['https'], true);
  return 'value' in parsed ? { host: parsed.value.host, port: parsed.value.port } : undefined;
}

/** The files apiServerClients reads, for rules' `reads`. */
export const CLIENT_ARTIFACTS = [
  userKubeconfigFile.pattern,
  kubeProxyConfigMapFile.pattern,
  kubeadmConfigFile.pattern,
  componentKubeconfigFile.pattern,
  kubeletViaProxyFile.pattern,
] as const;

const dialled = (config: Kubeconfig | undefined) => {
  const server = config ? kubeconfigServer(config) : undefined;
  return server ? parseServer(server) : undefined;
};

const ENDPOINT_FIELD: FieldPath = ['spec', 'kubernetes', 'controlPlaneEndpoint'];
const MODE_FIELD: FieldPath = ['spec', 'kubernetes', 'loadBalancer', 'mode'];

/** Every apiserver client in the generated artifacts, with the server it really dials. */
export const apiServerClients = perSite((model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): ApiServerClient[] => {
  const clients: ApiServerClient[] = [];
  const add = (client: Omit<ApiServerClient, 'server'>, server: { host: string; port: number } | undefined) => {
    if (server) clients.push({ ...client, server });
  };
  model.kubernetes.users.forEach((user, index) => {
    const artifact = `cluster/kubeconfig/${user.name}.conf`;
    const config = dataOf(artifacts.get(artifact), userKubeconfigFile);
    if (config)
      add(
        { name: `user ${user.name}`, kind: 'user', artifact, field: user.server ? ['spec', 'kubernetes', 'users', index, 'server'] : ENDPOINT_FIELD },
        dialled(config),
      );
  });
  const proxy = dataOf(artifacts.get(KUBE_PROXY_CONFIGMAP_PATH), kubeProxyConfigMapFile);
  if (proxy) {
    const server = dialled(proxy.kubeconfig);
    const field: FieldPath = model.kubernetes.kubeProxyServer
      ? ['spec', 'kubernetes', 'kubeProxy', 'server']
      : model.kubernetes.loadBalancer.mode === 'per-node'
        ? MODE_FIELD
        : ENDPOINT_FIELD;
    for (const host of model.kubernetes.nodes)
      add({ name: `kube-proxy on ${host.name}`, kind: 'kube-proxy', host, artifact: KUBE_PROXY_CONFIGMAP_PATH, field }, server);
  }
  for (const host of model.kubernetes.nodes) {
    const hostIndex = model.hosts.indexOf(host);
    if (usesKubeadm(model)) {
      const artifact = hostFile(host, KUBEADM_CONFIG_PATH);
      const documents = dataOf(artifacts.get(artifact), kubeadmConfigFile);
      if (!documents) continue;
      const ofKind = (kind: KubeadmDocument['kind']) => documents.find((document) => document.kind === kind) as KubeadmEndpointFields | undefined;
      const endpoint = ofKind('ClusterConfiguration')?.controlPlaneEndpoint ?? ofKind('JoinConfiguration')?.discovery?.bootstrapToken?.apiServerEndpoint;
      // In per-node mode kubeadm join still discovers through controlPlaneEndpoint; the kubelet then dials its own proxy.
      const viaProxy = hostFile(host, KUBELET_VIA_PROXY_PATH);
      const script = dataOf(artifacts.get(viaProxy), kubeletViaProxyFile);
      add(
        { name: `${script ? 'kubeadm join' : 'kubelet'} on ${host.name}`, kind: 'kubeadm', host, artifact, field: ENDPOINT_FIELD },
        endpoint ? parseServer(`https://${endpoint}`) : undefined,
      );
      if (script) add({ name: `kubelet on ${host.name}`, kind: 'kubelet', host, artifact: viaProxy, field: MODE_FIELD }, parseServer(script.server));
      continue;
    }
    for (const kind of ['kubelet', 'controller-manager', 'scheduler'] as const) {
      const artifact = hostFile(host, `/etc/kubernetes/${kind}.conf`);
      const config = dataOf(artifacts.get(artifact), componentKubeconfigFile);
      if (config) add({ name: `${kind} on ${host.name}`, kind, host, artifact, field: ['spec', 'hosts', hostIndex, 'address'] }, dialled(config));
    }
  }
  return clients;
});
