import type { ArtifactDescriptor, Generator } from '@clusterspec/spec';
import { csrConfigFile, extensionsFile, generateOpensslFiles } from './openssl-files';
import { generatePlanFile, planFile } from './plan-file';
import { generateSignScript, signScriptFile } from './sign-script';

export * from './plan';
export { csrConfigFile, extensionsFile, subjectAltName } from './openssl-files';
export { PLAN_PATH, planFile, type CertificatePlanFile } from './plan-file';
export { signScriptFile, type SignScript } from './sign-script';

export const pkiGenerators: readonly Generator[] = [generatePlanFile, generateOpensslFiles, generateSignScript];
export const pkiArtifacts: readonly ArtifactDescriptor[] = [planFile, csrConfigFile, extensionsFile, signScriptFile];
export * from './deployed';
export * from './reissue';
