import { defineGenerator, type Generator } from '@clusterspec/spec';
import { csrConfigFile, extensionsFile, generateOpensslFiles } from './openssl-files';
import { generatePlanFile, planFile } from './plan-file';
import { generateSignScript, signScriptFile } from './sign-script';

export * from './plan';
export { csrConfigFile, extensionsFile, subjectAltName } from './openssl-files';
export { PLAN_PATH, planFile, type CertificatePlanFile } from './plan-file';
export { signScriptFile, type SignScript } from './sign-script';

export const pkiGenerators: readonly Generator[] = [
  defineGenerator([planFile], generatePlanFile),
  defineGenerator([csrConfigFile, extensionsFile], generateOpensslFiles),
  defineGenerator([signScriptFile], generateSignScript),
];
export * from './deployed';
export * from './reissue';
export * from './inert-text';
