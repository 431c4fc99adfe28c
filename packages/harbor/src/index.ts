import { defineGenerator, type Generator } from '@clusterspec/spec';
import { adminserverEnvFile, dockerComposeFile, generateHarborV1, harborCfgFile, uiEnvFile } from './v1';
import { generateHarborV2, harborYmlFile, installSharedFile, sharedSecretsFile } from './v2';

export { harborChecks, INSTALL_DIR } from './common';
export { harborBalancer, renderHarborBalancer, type HarborBalancer } from './load-balancer';
export { adminserverEnvFile, dockerComposeFile, harborCfgFile, uiEnvFile, type AdminserverEnv, type CommentedYaml, type HarborCfg, type UiEnv } from './v1';
export { harborYmlFile, installSharedFile, INSTALL_SHARED_SCRIPT, SHARED_SECRETS_FILE, sharedSecretLines, sharedSecretsFile, type SharedSecrets } from './v2';

export const harborGenerators: readonly Generator[] = [
  defineGenerator([harborCfgFile, adminserverEnvFile, uiEnvFile, dockerComposeFile], generateHarborV1),
  defineGenerator([harborYmlFile, sharedSecretsFile, installSharedFile], generateHarborV2),
];
