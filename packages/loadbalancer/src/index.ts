import type { Generator } from '@clusterspec/spec';
import { generateApiServerLoadBalancer } from './apiserver-nginx';

export { NGINX_CONF_PATH } from './apiserver-nginx';

export const loadBalancerGenerators: readonly Generator[] = [generateApiServerLoadBalancer];
