import type { Generator } from '@clusterspec/spec';
import { generateHarborV1 } from './v1';
import { generateHarborV2 } from './v2';

export { checkHarborSupported, INSTALL_DIR } from './common';
export { harborLoadBalancerSection } from './load-balancer';
export { harborRelease, isSupportedHarbor, type HarborRelease } from './versions';

export const harborGenerators: readonly Generator[] = [generateHarborV1, generateHarborV2];
