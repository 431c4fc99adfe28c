import type { Generator } from '@clusterspec/spec';

export { harborLoadBalancerSection } from './load-balancer';

export const harborGenerators: readonly Generator[] = [];
