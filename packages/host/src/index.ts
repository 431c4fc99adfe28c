import type { Generator } from '@clusterspec/spec';

export const hostGenerators: readonly Generator[] = [];
