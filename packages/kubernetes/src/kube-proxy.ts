import { artifact, defineArtifact, yamlDocuments, yamlText, type Artifact, type ClusterModel } from '@clusterspec/spec';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { CLUSTER_NAME, endpointURL, type Kubeconfig } from './kubeconfig';
import { perNodeProxyServer } from './per-node-proxy';

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** kube-proxy's ConfigMap (its `data` left out) and the kubeconfig it carries as `data["kubeconfig.conf"]`. */
export interface KubeProxyConfigMap {
  readonly configMap: Omit<IConfigMap, 'data'>;
  readonly kubeconfig: Kubeconfig;
}

export const KUBE_PROXY_CONFIGMAP_PATH = 'cluster/kube-proxy-configmap.yaml';

export const kubeProxyConfigMapFile = defineArtifact<KubeProxyConfigMap>({
  id: 'kubernetes/kube-proxy-configmap',
  pattern: KUBE_PROXY_CONFIGMAP_PATH,
  description:
    "kube-proxy's ConfigMap: its kubeconfig dialling controlPlaneEndpoint (or `kubeProxy.server`), never one master; in per-node mode `127.0.0.1:<port>`, the node's own proxy or, on a control-plane host, its own apiserver",
  where: 'the cluster',
  reads: [
    'spec.kubernetes.version',
    'spec.kubernetes.controlPlaneEndpoint',
    'spec.kubernetes.kubeProxy.server',
    'spec.kubernetes.loadBalancer.mode',
    'spec.kubernetes.loadBalancer.port',
    'spec.kubernetes.networking.podSubnet',
  ],
  secretKeys: [],
  consumer: 'kubectl apply (kube-proxy reads the kubeconfig from the mounted ConfigMap)',
  format: 'yaml',
  render: ({ configMap, kubeconfig }) => yamlDocuments({ ...configMap, data: { 'kubeconfig.conf': yamlText(kubeconfig) } }),
});

/**
 * The kube-proxy ConfigMap's kubeconfig, dialling controlPlaneEndpoint: kubeadm wrote the first master's
 * address there, which pins every kube-proxy to one host (https://github.com/kubernetes/kubeadm/issues/905). In per-node mode
 * every kube-proxy dials 127.0.0.1 at the balancer port: its node's proxy, or on a control-plane host the
 * apiserver itself (the port is then the apiserver's).
 */
export function generateKubeProxyConfig(model: ClusterModel): Artifact[] {
  const defaultServer = model.kubernetes.loadBalancer.mode === 'per-node' ? perNodeProxyServer(model) : model.kubernetes.controlPlaneEndpoint;
  const proxyKubeconfig: Kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: CLUSTER_NAME,
        cluster: { 'certificate-authority': `${SERVICE_ACCOUNT}/ca.crt`, server: model.kubernetes.kubeProxyServer?.text ?? endpointURL(defaultServer) },
      },
    ],
    contexts: [{ name: 'default', context: { cluster: CLUSTER_NAME, namespace: 'default', user: 'default' } }],
    'current-context': 'default',
    users: [{ name: 'default', user: { tokenFile: `${SERVICE_ACCOUNT}/token` } }],
  };
  const configMap: Omit<IConfigMap, 'data'> = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } },
  };
  return [artifact(kubeProxyConfigMapFile, KUBE_PROXY_CONFIGMAP_PATH, { configMap, kubeconfig: proxyKubeconfig })];
}
