import { CERTS_DIR, CONTAINERD_CONFIG_PATH, containerdConfigFile, registryHostDirectory, registryHostsFile } from '@clusterspec/containerd';
import { DOCKER_DAEMON_PATH, dockerDaemonFile } from '@clusterspec/host';
import { KUBEADM_CONFIG_PATH, kubeadmConfigFile } from '@clusterspec/kubernetes';
import { dataOf, hostFile, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import type { JsonMap } from '@iarna/toml';
import { perSite } from './per-site';

/** A generated TOML file of containerd, as its data. */
export interface TomlFile {
  readonly path: string;
  readonly data: JsonMap;
}

/** containerd's config.toml at a path, if generated. */
export function containerdConfig(artifacts: ReadonlyMap<string, Artifact>, path: string): TomlFile | undefined {
  const data = dataOf(artifacts.get(path), containerdConfigFile);
  return data ? { path, data } : undefined;
}

/** The value at a key path of nested TOML tables, if every table on the way is there. */
export function tableValue(data: JsonMap | undefined, path: readonly string[]): unknown {
  let value: unknown = data;
  for (const key of path) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as JsonMap)[key];
  }
  return value;
}

export const containerdConfigPath = (host: Host) => hostFile(host, CONTAINERD_CONFIG_PATH);

/**
 * The registry host directories containerd on a node reads: the config_path of its config.toml (a
 * ':'-separated list), at the table of the containerd release the site names. Empty without one.
 */
export function registryConfigRoots(model: ClusterModel, config: TomlFile | undefined): string[] {
  if (!model.containerd || !config) return [];
  const value = tableValue(config.data, [...model.containerd.release.registryTable, 'config_path']);
  return typeof value === 'string' && value !== '' ? value.split(':') : [];
}

/** Harbor's hosts.toml as containerd on a node finds it through config_path, or where it looked. */
export function harborHostsFile(
  model: ClusterModel,
  artifacts: ReadonlyMap<string, Artifact>,
  host: Host,
  roots: readonly string[],
): { path: string; file?: TomlFile } | undefined {
  if (!model.harbor) return undefined;
  const directory = registryHostDirectory(model.harbor);
  const candidates = (roots.length > 0 ? roots : [CERTS_DIR]).map((root) => hostFile(host, `${root}/${directory}/hosts.toml`));
  for (const path of candidates) {
    const data = dataOf(artifacts.get(path), registryHostsFile);
    if (data) return { path, file: { path, data } };
  }
  return { path: candidates[0] };
}

/**
 * The cgroup driver every kubelet of a kubeadm site uses: the KubeletConfiguration kubeadm init uploads
 * for all nodes, or kubeadm's default for the version when it names none.
 */
export const kubeletCgroupDriver = perSite((model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): { driver: string; artifact?: string } => {
  const release = model.kubernetes.release;
  const [first] = model.kubernetes.controlPlaneHosts;
  const path = first ? hostFile(first, KUBEADM_CONFIG_PATH) : undefined;
  const documents = path ? dataOf(artifacts.get(path), kubeadmConfigFile) : undefined;
  const driver = documents?.find((document) => document.kind === 'KubeletConfiguration')?.cgroupDriver;
  if (typeof driver === 'string') return { driver, artifact: path };
  return { driver: release.kubeadmCgroupDriverDefault, ...(documents ? { artifact: path } : {}) };
});

/** Docker's cgroup driver on a host: the native.cgroupdriver exec-opt of its daemon.json, else Docker's default cgroupfs. */
export function dockerCgroupDriver(artifacts: ReadonlyMap<string, Artifact>, host: Host): string {
  const options = dataOf(artifacts.get(hostFile(host, DOCKER_DAEMON_PATH)), dockerDaemonFile)?.['exec-opts'] ?? [];
  const option = options.find((entry) => entry.startsWith('native.cgroupdriver='));
  return option ? option.slice('native.cgroupdriver='.length) : 'cgroupfs';
}
