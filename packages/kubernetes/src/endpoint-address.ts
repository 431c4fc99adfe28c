import type { ClusterModel } from '@clusterspec/spec';

/**
 * Where controlPlaneEndpoint's name must resolve: the load balancer's virtual address, else the first
 * apiserver-lb host. Undefined when the endpoint is an address or no load balancer is in the spec.
 */
export function endpointAddress(model: ClusterModel): string | undefined {
  const { controlPlaneEndpoint, loadBalancer } = model.kubernetes;
  if (controlPlaneEndpoint.hostIsAddress) return undefined;
  return loadBalancer.virtualIP?.address ?? loadBalancer.hosts[0]?.address;
}
