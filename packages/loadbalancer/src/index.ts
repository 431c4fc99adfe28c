import type { Generator } from '@clusterspec/spec';
import { generateLoadBalancerNginx } from './nginx-conf';

export { apiServerStreamSection } from './apiserver-stream';
export { NGINX_CONF_PATH, nginxOwnedByConsulTemplate, renderNginxConf, staticNginxSections, type NginxSections } from './nginx-conf';

export const loadBalancerGenerators: readonly Generator[] = [generateLoadBalancerNginx];
