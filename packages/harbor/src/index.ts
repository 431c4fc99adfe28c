import type { Generator } from '@clusterspec/spec';
import { generateHarborV1 } from './v1';
import { generateHarborV2 } from './v2';

export { harborChecks, INSTALL_DIR } from './common';
export { harborLoadBalancerSection } from './load-balancer';

export const harborGenerators: readonly Generator[] = [generateHarborV1, generateHarborV2];
