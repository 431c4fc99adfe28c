import { artifact, compileTemplate, hostFile, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';

const renderNginxConf = compileTemplate(join(__dirname, '../templates/nginx.conf.ejs'));

export const NGINX_CONF_PATH = '/etc/nginx/nginx.conf';

/** The whole nginx.conf of every apiserver-lb host: a stream upstream of every control-plane apiserver. */
export function generateApiServerLoadBalancer(model: ClusterModel): Artifact[] {
  const { loadBalancer, controlPlaneHosts, apiServer } = model.kubernetes;
  const content = renderNginxConf({
    upstreams: controlPlaneHosts.map((host) => ({ name: host.name, address: host.address, port: apiServer.bindPort })),
    port: loadBalancer.port,
    connectTimeout: loadBalancer.connectTimeout,
    proxyTimeout: loadBalancer.proxyTimeout,
  });
  return loadBalancer.hosts.map((host) => artifact(hostFile(host, NGINX_CONF_PATH), content));
}
