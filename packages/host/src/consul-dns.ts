import type { ClusterModel, Host } from '@clusterspec/spec';

/** Does this host run a Consul agent (server or client)? */
export function runsConsulAgent(model: ClusterModel, host: Host): boolean {
  return model.consul?.agents.includes(host) ?? false;
}

/**
 * Addresses where Consul answers DNS for this host: its own address where it runs an agent (never
 * 127.0.0.1, which inside a container is the container itself), otherwise the servers'.
 */
export function consulDnsAddresses(model: ClusterModel, host: Host): string[] {
  if (!model.consul) return [];
  return runsConsulAgent(model, host) ? [host.address] : model.consul.servers.map((server) => server.address);
}
