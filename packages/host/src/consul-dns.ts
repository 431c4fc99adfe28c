import { runsConsulAgent, type ClusterModel, type Host } from '@clusterspec/spec';

/**
 * Addresses where Consul answers DNS for this host: its own address where it runs an agent (never
 * 127.0.0.1, which inside a container is the container itself), otherwise the servers'.
 */
export function consulDnsAddresses(model: ClusterModel, host: Host): string[] {
  if (!model.consul) return [];
  return runsConsulAgent(host) ? [host.address] : model.consul.servers.map((server) => server.address);
}
