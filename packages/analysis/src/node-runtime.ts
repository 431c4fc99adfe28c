import { CERTS_DIR, CONTAINERD_CONFIG_PATH, registryHostDirectory } from '@clusterspec/containerd';
import { KUBEADM_CONFIG_PATH } from '@clusterspec/kubernetes';
import { hostFile, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { parse as parseToml, type JsonMap } from '@iarna/toml';
import { parseAllDocuments } from 'yaml';
import { perSite } from './per-site';

/** A generated TOML file, parsed; `error` when it is there but does not parse. */
export interface TomlFile {
  readonly path: string;
  readonly data?: JsonMap;
  readonly error?: string;
}

export function readToml(artifacts: ReadonlyMap<string, Artifact>, path: string): TomlFile | undefined {
  const file = artifacts.get(path);
  if (!file) return undefined;
  try {
    return { path, data: parseToml(file.content) };
  } catch (error) {
    return { path, error: (error as Error).message.split('\n')[0] };
  }
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
  if (!model.containerd || !config?.data) return [];
  const value = tableValue(config.data, [...model.containerd.release.registryTable, 'config_path']);
  return typeof value === 'string' && value !== '' ? value.split(':') : [];
}

/** Harbor's hosts.toml as containerd on a node finds it through config_path, or where it looked. */
export function harborHostsFile(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>, host: Host, roots: readonly string[]): { path: string; file?: TomlFile } | undefined {
  if (!model.harbor) return undefined;
  const directory = registryHostDirectory(model.harbor);
  const candidates = (roots.length > 0 ? roots : [CERTS_DIR]).map((root) => hostFile(host, `${root}/${directory}/hosts.toml`));
  for (const path of candidates) {
    const file = readToml(artifacts, path);
    if (file) return { path, file };
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
  const file = path ? artifacts.get(path) : undefined;
  if (file) {
    for (const document of parseAllDocuments(file.content)) {
      const data = document.toJS() as { kind?: string; cgroupDriver?: string } | null;
      if (data?.kind === 'KubeletConfiguration' && data.cgroupDriver) return { driver: data.cgroupDriver, artifact: path };
    }
  }
  return { driver: release.kubeadmCgroupDriverDefault, ...(file ? { artifact: path } : {}) };
});

/** Docker's cgroup driver on a host: the native.cgroupdriver exec-opt of its daemon.json, else Docker's default cgroupfs. */
export function dockerCgroupDriver(artifacts: ReadonlyMap<string, Artifact>, host: Host): string {
  const file = artifacts.get(hostFile(host, '/etc/docker/daemon.json'));
  const options = file ? ((JSON.parse(file.content) as { 'exec-opts'?: string[] })['exec-opts'] ?? []) : [];
  const option = options.find((entry) => entry.startsWith('native.cgroupdriver='));
  return option ? option.slice('native.cgroupdriver='.length) : 'cgroupfs';
}
