import type { Generator } from '@clusterspec/spec';

export const consulGenerators: readonly Generator[] = [];
