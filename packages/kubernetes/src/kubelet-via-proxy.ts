import { artifact, compileTemplate, defineArtifact, hostFile, usesKubeadm, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';
import { endpointURL } from './kubeconfig';
import { perNodeProxyHosts, perNodeProxyServer } from './per-node-proxy';

export const KUBELET_VIA_PROXY_PATH = '/etc/kubernetes/nginx-proxy/kubelet-via-proxy.sh';

/** What the script needs: the node, the endpoint kubeadm join wrote into kubelet.conf, the server to put there instead. */
export interface KubeletViaProxy {
  readonly host: string;
  readonly endpoint: string;
  /** https://127.0.0.1:<port>, the node's own apiserver proxy. */
  readonly server: string;
  readonly kubeconfig: string;
}

export const kubeletViaProxyFile = defineArtifact<KubeletViaProxy>({
  id: 'kubernetes/kubelet-via-proxy',
  pattern: `hosts/*${KUBELET_VIA_PROXY_PATH}`,
  description:
    "per-node mode, kubeadm flow: run once after `kubeadm join`, points `kubelet.conf` at `https://127.0.0.1:<port>` (the node's own apiserver proxy) and restarts the kubelet; kubeadm takes the kubelet's server from cluster-info and has no setting for it",
  where: 'nodes that are not control-plane hosts, per-node mode, kubeadm flow',
  reads: [
    'spec.hosts[].name',
    'spec.hosts[].roles',
    'spec.kubernetes.controlPlaneEndpoint',
    'spec.kubernetes.loadBalancer.mode',
    'spec.kubernetes.loadBalancer.port',
    'spec.kubernetes.version',
  ],
  secretKeys: [],
  consumer: 'sh, run by the operator after kubeadm join',
  format: 'shell',
  mode: 0o755,
  render: compileTemplate<KubeletViaProxy>(join(__dirname, '../templates/kubelet-via-proxy.sh.ejs')),
});

/**
 * Per-node mode, kubeadm flow: the step that makes a joined node's kubelet dial its own proxy. kubeadm takes
 * the kubelet's server from cluster-info and offers no setting for it; kubespray rewrites the server line of
 * kubelet.conf after join the same way.
 */
export function generateKubeletViaProxy(model: ClusterModel): Artifact[] {
  if (!usesKubeadm(model)) return [];
  const { controlPlaneEndpoint } = model.kubernetes;
  return perNodeProxyHosts(model).map((host) =>
    artifact(kubeletViaProxyFile, hostFile(host, KUBELET_VIA_PROXY_PATH), {
      host: host.name,
      endpoint: `${controlPlaneEndpoint.host}:${controlPlaneEndpoint.port}`,
      server: endpointURL(perNodeProxyServer(model)),
      kubeconfig: '/etc/kubernetes/kubelet.conf',
    }),
  );
}
