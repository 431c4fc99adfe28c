import { artifact, yamlDocuments, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { stringify } from 'yaml';
import { CLUSTER_NAME, endpointURL } from './kubeconfig';

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The kube-proxy ConfigMap's kubeconfig, dialling controlPlaneEndpoint: kubeadm wrote the first master's
 * address there, which pins every kube-proxy to one host (the design documents' step 7).
 */
export function generateKubeProxyConfig(model: ClusterModel): Artifact[] {
  const proxyKubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CLUSTER_NAME, cluster: { 'certificate-authority': `${SERVICE_ACCOUNT}/ca.crt`, server: model.kubernetes.kubeProxyServer?.text ?? endpointURL(model.kubernetes.controlPlaneEndpoint) } }],
    contexts: [{ name: 'default', context: { cluster: CLUSTER_NAME, namespace: 'default', user: 'default' } }],
    'current-context': 'default',
    users: [{ name: 'default', user: { tokenFile: `${SERVICE_ACCOUNT}/token` } }],
  };
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } },
    data: { 'kubeconfig.conf': stringify(proxyKubeconfig, { lineWidth: 0 }) },
  };
  return [artifact('cluster/kube-proxy-configmap.yaml', yamlDocuments(configMap))];
}
