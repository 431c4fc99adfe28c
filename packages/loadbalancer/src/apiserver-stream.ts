import { compileTemplate, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';

const renderSection = compileTemplate(join(__dirname, '../templates/apiserver-stream.conf.ejs'));

/** The nginx `stream` section that balances over every control-plane apiserver at bindPort. */
export function apiServerStreamSection(model: ClusterModel): string {
  const { loadBalancer, controlPlaneHosts, apiServer } = model.kubernetes;
  return renderSection({
    upstreams: controlPlaneHosts.map((host) => ({ name: host.name, address: host.address, port: apiServer.bindPort })),
    port: loadBalancer.port,
    connectTimeout: loadBalancer.connectTimeout,
    proxyTimeout: loadBalancer.proxyTimeout,
  });
}
