import { compileTemplate, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';

/** The Harbor balancer as data: one listener, an upstream of every instance's proxy. */
export interface HarborBalancer {
  readonly instances: readonly { readonly name: string; readonly address: string }[];
  /** The instances' port. */
  readonly httpPort: number;
  /** The port it listens on. */
  readonly port: number;
  readonly serverName: string;
  /** How the upstream picks an instance: ip_hash pins each client to one, least_conn takes the least busy. */
  readonly affinity: 'ip_hash' | 'least_conn';
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** The nginx `http` section text of the Harbor balancer. */
export const renderHarborBalancer = compileTemplate<HarborBalancer>(join(__dirname, '../templates/load-balancer.conf.ejs'));

/**
 * The Harbor load balancer, for the hosts in harbor.loadBalancer.hosts. Instances serve plain http on
 * httpPort; with an https externalURL the balancer terminates TLS with the certificate kept on the
 * shared storage (mount it, or copy it, on the balancer hosts).
 */
export function harborBalancer(model: ClusterModel): HarborBalancer | undefined {
  const harbor = model.harbor;
  if (!harbor) return undefined;
  return {
    instances: harbor.instances.map((host) => ({ name: host.name, address: host.address })),
    httpPort: harbor.httpPort,
    port: harbor.loadBalancer.port,
    serverName: harbor.endpoint.host,
    // 2.x instances share what they must (install-shared.sh), so any instance serves any request;
    // 1.1's ./prepare still gives each its own UI and jobservice secrets: one client, one instance.
    affinity: harbor.release.layout === 'yml' ? 'least_conn' : 'ip_hash',
    ...(harbor.protocol === 'https' ? { tls: { certFile: harbor.storage.certFile, keyFile: harbor.storage.keyFile } } : {}),
  };
}
