import type { Generator } from '@clusterspec/spec';
import { generateContainerdConfig } from './config-toml';
import { generateRegistryHosts } from './hosts-toml';

export { CERTS_DIR, CONTAINERD_CONFIG_PATH, DOCKER_HUB, harborCaFile, hostsTomlPath, registryHostDirectory } from './paths';

export const containerdGenerators: readonly Generator[] = [generateContainerdConfig, generateRegistryHosts];
