import type { ArtifactDescriptor, Generator } from '@clusterspec/spec';
import { generateLoadBalancerNginx, nginxConfFile } from './nginx-conf';

export { apiServerStream, renderApiServerStream, type ApiServerStream } from './apiserver-stream';
export { NGINX_CONF_PATH, nginxConfFile, nginxOwnedByConsulTemplate, renderNginxConf, renderStaticBalancers, staticBalancers, type NginxSections, type StaticBalancers } from './nginx-conf';
export { consulAgentListeners, nodeListeners, roleListeners, type Listener } from './listeners';

export const loadBalancerGenerators: readonly Generator[] = [generateLoadBalancerNginx];
export const loadBalancerArtifacts: readonly ArtifactDescriptor[] = [nginxConfFile];
