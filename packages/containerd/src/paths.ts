import type { ClusterModel, HarborModel } from '@clusterspec/spec';

export const CONTAINERD_CONFIG_PATH = '/etc/containerd/config.toml';
/** containerd's registry host directory (config_path): one folder per registry host, hosts.toml inside (docs/hosts.md). */
export const CERTS_DIR = '/etc/containerd/certs.d';
/** Docker Hub's registry host, whose mirrors Docker's `registry-mirrors` name. */
export const DOCKER_HUB = 'docker.io';

/**
 * The folder name containerd looks up for a registry: the host of the image reference, with the port
 * only when it is not the protocol's default (images are named registry.corp.example/…, not …:443/…).
 */
export function registryHostDirectory(harbor: HarborModel): string {
  const { host, port } = harbor.endpoint;
  const defaultPort = harbor.protocol === 'https' ? 443 : 80;
  return port === defaultPort ? host : `${host}:${port}`;
}

export function hostsTomlPath(registryHost: string): string {
  return `${CERTS_DIR}/${registryHost}/hosts.toml`;
}

/** The CA that signed Harbor's certificate on a node: the spec's caFile, else ca.crt beside Harbor's hosts.toml. */
export function harborCaFile(harbor: HarborModel): string {
  return harbor.caFile ?? `${CERTS_DIR}/${registryHostDirectory(harbor)}/ca.crt`;
}

/** The Kubernetes nodes whose kubelet runs containerd: every node, when containerd is the runtime. */
export function containerdNodes(model: ClusterModel) {
  return model.containerd ? model.kubernetes.nodes : [];
}
