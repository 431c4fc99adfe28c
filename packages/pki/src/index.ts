import type { Generator } from '@clusterspec/spec';
import { generateOpensslFiles } from './openssl-files';
import { generatePlanFile } from './plan-file';
import { generateSignScript } from './sign-script';

export * from './plan';
export { subjectAltName } from './openssl-files';

export const pkiGenerators: readonly Generator[] = [generatePlanFile, generateOpensslFiles, generateSignScript];
