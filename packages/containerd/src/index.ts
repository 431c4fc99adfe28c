import { defineGenerator, type Generator } from '@clusterspec/spec';
import { containerdConfigFile, generateContainerdConfig } from './config-toml';
import { generateRegistryHosts, registryHostsFile } from './hosts-toml';

export { containerdConfigFile } from './config-toml';
export { registryHostsFile } from './hosts-toml';
export { CERTS_DIR, CONTAINERD_CONFIG_PATH, DOCKER_HUB, harborCaFile, hostsTomlPath, registryHostDirectory } from './paths';

export const containerdGenerators: readonly Generator[] = [
  defineGenerator([containerdConfigFile], generateContainerdConfig),
  defineGenerator([registryHostsFile], generateRegistryHosts),
];
