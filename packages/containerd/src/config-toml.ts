import {
  HOST_FIELDS,
  artifact,
  defineArtifact,
  hostFile,
  pauseImageSource,
  siteImage,
  tomlDocument,
  type Artifact,
  type ClusterModel,
} from '@clusterspec/spec';
import type { JsonMap } from '@iarna/toml';
import { CERTS_DIR, CONTAINERD_CONFIG_PATH, containerdNodes } from './paths';

export const containerdConfigFile = defineArtifact<JsonMap>({
  id: 'containerd/config',
  pattern: `hosts/*${CONTAINERD_CONFIG_PATH}`,
  description:
    "containerd's config.toml: registry `config_path = \"/etc/containerd/certs.d\"`, runc's `SystemdCgroup = true` and the sandbox (pause) image kubeadm of the release expects, by the site's name for it (`sandbox_image`, or `pinned_images.sandbox` in config version 3 from containerd 2.0)",
  where: 'nodes, containerd runtime (1.24+ by default)',
  reads: [...HOST_FIELDS, 'spec.kubernetes.version', 'spec.kubernetes.containerRuntime', 'spec.containerd.version', 'spec.images'],
  secretKeys: [],
  consumer: 'containerd --config',
  check: ['containerd', '--config', '%s', 'config', 'dump'],
  format: 'toml',
  render: tomlDocument,
});

/** Nests a value under a key path: ['a', 'b'] → { a: { b: value } }. */
function nestValue(path: readonly string[], value: string): JsonMap {
  return nest(path.slice(0, -1), { [path[path.length - 1]]: value });
}

/** Nests value under a key path: ['a', 'b'] → { a: { b: value } }. */
function nest(path: readonly string[], value: JsonMap): JsonMap {
  return path.reduceRight<JsonMap>((inner, key) => ({ [key]: inner }), value);
}

/** Merges two nested tables (no key holds a value in both). */
function merge(a: JsonMap, b: JsonMap): JsonMap {
  const result: JsonMap = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = result[key];
    result[key] = existing && typeof existing === 'object' && !Array.isArray(existing) ? merge(existing as JsonMap, value as JsonMap) : value;
  }
  return result;
}

/**
 * /etc/containerd/config.toml on every Kubernetes node whose kubelet runs containerd. Only what differs
 * from containerd's defaults: the registry host directory (without config_path containerd ignores
 * certs.d, so a node cannot trust the site's Harbor), and the systemd cgroup driver for runc, which
 * must match the kubelet's (kubeadm's default from 1.22; Kubernetes "Container runtimes" docs). The
 * runc runtime_type is repeated because a runtimes table in the file replaces containerd's default
 * entry rather than merging into it. The table names follow the containerd release (config version 2
 * or 3: docs/cri/config.md). The sandbox image is pinned to the pause image kubeadm of the release expects
 * (kubeadm warns when the runtime's differs, and containerd's built-in one is its own release's: pause:3.6 in
 * Debian's 1.6), by the name the site pulls it from, so an air-gapped node never reaches registry.k8s.io for it.
 */
export function generateContainerdConfig(model: ClusterModel): Artifact[] {
  const containerd = model.containerd;
  if (!containerd) return [];
  const { release } = containerd;
  const config = merge(
    { version: release.configVersion },
    merge(
      nest(release.registryTable, { config_path: CERTS_DIR }),
      merge(
        nest(release.runcTable, { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } }),
        nestValue(release.sandboxImageKey, siteImage(model.images, pauseImageSource(model))),
      ),
    ),
  );
  return containerdNodes(model).map((host) => artifact(containerdConfigFile, hostFile(host, CONTAINERD_CONFIG_PATH), config));
}
