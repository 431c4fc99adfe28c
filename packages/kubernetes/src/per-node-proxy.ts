import type { ClusterModel, Host } from '@clusterspec/spec';

/** The address every per-node proxy listens on: the node's own loopback, so nothing outside the node can use it. */
export const PER_NODE_PROXY_ADDRESS = '127.0.0.1';

/** Per-node mode: the nodes that run their own apiserver proxy, every Kubernetes node that runs no apiserver. */
export function perNodeProxyHosts(model: ClusterModel): readonly Host[] {
  const { loadBalancer, nodes } = model.kubernetes;
  return loadBalancer.mode === 'per-node' ? nodes.filter((host) => !host.roles.includes('control-plane')) : [];
}

/** What a node's kubelet and kube-proxy dial in per-node mode: its own proxy, or on a control-plane host its own apiserver. */
export function perNodeProxyServer(model: ClusterModel): { host: string; port: number } {
  return { host: PER_NODE_PROXY_ADDRESS, port: model.kubernetes.loadBalancer.port };
}

/**
 * Hosts where this tool puts a static pod into /etc/kubernetes/manifests before `kubeadm join`: kube-vip on
 * control-plane hosts, the proxy on per-node hosts. kubeadm join refuses a non-empty manifests folder
 * unless that preflight check is skipped, as kubespray does for its nginx-proxy.
 */
export function hasStaticPodBeforeJoin(model: ClusterModel, host: Host): boolean {
  const kubeVip = model.kubernetes.loadBalancer.virtualIP?.provider === 'kube-vip' && host.roles.includes('control-plane');
  return kubeVip || perNodeProxyHosts(model).includes(host);
}
