import { artifact, GENERATED_NOTICE, hostFile, type Artifact, type ClusterModel } from '@clusterspec/spec';

/**
 * Where controlPlaneEndpoint's name must resolve: the load balancer's virtual address, else the first
 * apiserver-lb host. Undefined when the endpoint is an address or no load balancer is in the spec.
 */
export function endpointAddress(model: ClusterModel): string | undefined {
  const { controlPlaneEndpoint, loadBalancer } = model.kubernetes;
  if (controlPlaneEndpoint.hostIsAddress) return undefined;
  return loadBalancer.virtualAddress ?? loadBalancer.hosts[0]?.address;
}

/** An /etc/hosts fragment on every Kubernetes node, which dials controlPlaneEndpoint by name (kubelet, kube-proxy, kubectl). */
export function generateEndpointHostsEntries(model: ClusterModel): Artifact[] {
  const address = endpointAddress(model);
  if (!address) return [];
  const content = `# ${GENERATED_NOTICE}\n# Append to /etc/hosts: controlPlaneEndpoint resolves to the apiserver load balancer.\n${address} ${model.kubernetes.controlPlaneEndpoint.host}\n`;
  return model.kubernetes.nodes.map((host) => artifact(hostFile(host, '/etc/hosts.d/kubernetes-api'), content));
}
