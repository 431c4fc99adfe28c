import { runsConsulAgent, type ConsulModel, type Host } from '@clusterspec/spec';

/** Consul's HTTP API port (default, not changed by the spec). */
export const CONSUL_HTTP_PORT = 8500;

/**
 * The agent a program on this host talks to: the host's own agent when it runs one, otherwise the
 * first server (deterministic; every server listens on its address, see client_addr).
 */
export function agentFor(consul: ConsulModel, host: Host): { readonly host: Host; readonly local: boolean } {
  return runsConsulAgent(host) ? { host, local: true } : { host: consul.servers[0], local: false };
}
