import { compileTemplate, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';

/** The apiserver balancer as data: one listener proxying to one upstream of every apiserver. */
export interface ApiServerStream {
  readonly upstreams: readonly { readonly name: string; readonly address: string; readonly port: number }[];
  /** The port it listens on. */
  readonly port: number;
  /** The one address it listens on (a node's own proxy: 127.0.0.1); every address when absent. */
  readonly address?: string;
  readonly connectTimeout: string;
  readonly proxyTimeout: string;
}

/** The nginx `stream` section text of the apiserver balancer. */
export const renderApiServerStream = compileTemplate<ApiServerStream>(join(__dirname, '../templates/apiserver-stream.conf.ejs'));

/**
 * The nginx `stream` balancer over every control-plane apiserver at bindPort, with the spec's watch-safe
 * timeouts: on every address at the LB port (a central balancer), or on one address (a node's own proxy).
 */
export function apiServerStream(model: ClusterModel, address?: string): ApiServerStream {
  const { loadBalancer, controlPlaneHosts, apiServer } = model.kubernetes;
  return {
    upstreams: controlPlaneHosts.map((host) => ({ name: host.name, address: host.address, port: apiServer.bindPort })),
    port: loadBalancer.port,
    ...(address ? { address } : {}),
    connectTimeout: loadBalancer.connectTimeout,
    proxyTimeout: loadBalancer.proxyTimeout,
  };
}
