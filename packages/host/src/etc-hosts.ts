import { endpointAddress } from '@clusterspec/kubernetes';
import { artifact, GENERATED_NOTICE, hostFile, looksLikeIpv4, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';

interface HostsEntry {
  readonly address: string;
  readonly name: string;
  readonly why: string;
}


/** Kubernetes nodes dial controlPlaneEndpoint by name (kubelet, kube-proxy, kubectl): map it to the apiserver load balancer. */
function kubernetesEntry(model: ClusterModel, host: Host): HostsEntry[] {
  const address = endpointAddress(model);
  if (!address || !model.kubernetes.nodes.includes(host)) return [];
  return [{ address, name: model.kubernetes.controlPlaneEndpoint.host, why: 'Kubernetes apiserver load balancer' }];
}

/** Docker hosts and Kubernetes nodes pull from Harbor by its external name: map it to the first Harbor load balancer. */
function harborEntry(model: ClusterModel, host: Host): HostsEntry[] {
  const harbor = model.harbor;
  const balancer = harbor?.loadBalancer.hosts[0];
  if (!harbor || !balancer || looksLikeIpv4(harbor.endpoint.host)) return [];
  if (!model.kubernetes.nodes.includes(host) && !model.docker?.hosts.includes(host)) return [];
  return [{ address: balancer.address, name: harbor.endpoint.host, why: 'Harbor load balancer' }];
}

/** One /etc/hosts fragment per host with every name the site needs that DNS may not know. */
export function generateHostsFragments(model: ClusterModel): Artifact[] {
  return model.hosts.flatMap((host) => {
    const entries = [...kubernetesEntry(model, host), ...harborEntry(model, host)];
    if (entries.length === 0) return [];
    const lines = [`# ${GENERATED_NOTICE}`, '# Append to /etc/hosts.', ...entries.map((entry) => `${entry.address} ${entry.name}  # ${entry.why}`), ''];
    return [artifact(hostFile(host, '/etc/hosts.d/clusterspec'), lines.join('\n'))];
  });
}
