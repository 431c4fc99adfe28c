import { compileTemplate, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';

const renderSection = compileTemplate(join(__dirname, '../templates/load-balancer.conf.ejs'));

/**
 * The nginx `http` section of the Harbor load balancer, for the hosts in harbor.loadBalancer.hosts.
 * Instances serve plain http on httpPort; with an https externalURL the balancer terminates TLS with
 * the certificate kept on the shared storage (mount it, or copy it, on the balancer hosts).
 */
export function harborLoadBalancerSection(model: ClusterModel): string | undefined {
  const harbor = model.harbor;
  if (!harbor) return undefined;
  return renderSection({
    instances: harbor.instances,
    httpPort: harbor.httpPort,
    port: harbor.loadBalancer.port,
    serverName: harbor.endpoint.host,
    tls: harbor.protocol === 'https' ? { certFile: harbor.storage.certFile, keyFile: harbor.storage.keyFile } : undefined,
  });
}
