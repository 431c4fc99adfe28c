import { endpointAddress } from '@clusterspec/kubernetes';
import { HOST_FIELDS, artifact, defineArtifact, GENERATED_NOTICE, hostFile, looksLikeIpv4, type Artifact, type ClusterModel } from '@clusterspec/spec';

export const HOSTS_FRAGMENT_PATH = '/etc/hosts.d/clusterspec';

/** One line of the /etc/hosts fragment: name → address, and why it is there (a comment). */
export interface HostsEntry {
  readonly address: string;
  readonly name: string;
  readonly why: string;
}

export const hostsFragmentFile = defineArtifact<{ readonly entries: readonly HostsEntry[] }>({
  id: 'host/hosts-fragment',
  pattern: `hosts/*${HOSTS_FRAGMENT_PATH}`,
  description:
    "/etc/hosts lines: controlPlaneEndpoint's name → the LB's virtual address (or first LB host), Harbor's name → its first balancer; none for names that are addresses",
  where: 'every host, the same lines',
  reads: [
    ...HOST_FIELDS,
    'spec.kubernetes.controlPlaneEndpoint',
    'spec.kubernetes.loadBalancer.virtualAddress',
    'spec.harbor.externalURL',
    'spec.harbor.loadBalancer.hosts',
  ],
  secretKeys: [],
  consumer: 'the operator, appending it to /etc/hosts (glibc and every resolver reading hosts(5))',
  format: 'hosts',
  render: ({ entries }) =>
    [`# ${GENERATED_NOTICE}`, '# Append to /etc/hosts.', ...entries.map((entry) => `${entry.address} ${entry.name}  # ${entry.why}`), ''].join('\n'),
});

/** kubelets, kube-proxy and every user's kubeconfig dial controlPlaneEndpoint by name: map it to the apiserver load balancer. */
function kubernetesEntry(model: ClusterModel): HostsEntry[] {
  const address = endpointAddress(model);
  if (!address) return [];
  return [{ address, name: model.kubernetes.controlPlaneEndpoint.host, why: 'Kubernetes apiserver load balancer' }];
}

/** Docker pulls and pushes by Harbor's external name: map it to the first Harbor load balancer. */
function harborEntry(model: ClusterModel): HostsEntry[] {
  const harbor = model.harbor;
  const balancer = harbor?.loadBalancer.hosts[0];
  if (!harbor || !balancer || looksLikeIpv4(harbor.endpoint.host)) return [];
  return [{ address: balancer.address, name: harbor.endpoint.host, why: 'Harbor load balancer' }];
}

/**
 * One /etc/hosts fragment with every name the site needs that DNS may not know, the same on every host:
 * besides the nodes' and Docker's own clients, an operator runs kubectl with a user's kubeconfig, or checks
 * the registry, from whichever host is at hand (often a balancer), and a name that resolves on some hosts
 * of a site and not on others is a surprise.
 */
export function generateHostsFragments(model: ClusterModel): Artifact[] {
  const entries = [...kubernetesEntry(model), ...harborEntry(model)];
  if (entries.length === 0) return [];
  return model.hosts.map((host) => artifact(hostsFragmentFile, hostFile(host, HOSTS_FRAGMENT_PATH), { entries }));
}
