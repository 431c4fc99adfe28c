import { HOST_FIELDS, artifact, defineArtifact, hostFile, tomlDocument, type Artifact, type ClusterModel } from '@clusterspec/spec';
import type { JsonMap } from '@iarna/toml';
import { containerdNodes, DOCKER_HUB, harborCaFile, hostsTomlPath, registryHostDirectory } from './paths';

export const registryHostsFile = defineArtifact<JsonMap>({
  id: 'containerd/registry-hosts',
  pattern: 'hosts/*/etc/containerd/certs.d/*/hosts.toml',
  description:
    "how containerd reaches a registry: Harbor's (`<host[:port]>`, https with `ca` for the server and its host or plain http, the port only when not the protocol's default), Docker Hub's (`docker.io`, each of `docker.registryMirrors` a `[host]` before Docker Hub)",
  where: 'nodes, containerd runtime',
  reads: [...HOST_FIELDS, 'spec.kubernetes.containerRuntime', 'spec.harbor.externalURL', 'spec.harbor.caFile', 'spec.docker.registryMirrors'],
  secretKeys: [],
  consumer: "containerd's CRI image service, through config_path",
  format: 'toml',
  render: tomlDocument,
});

/**
 * Harbor's hosts.toml: its externalURL as the server and as the one host to try; over https with the CA
 * that signed its certificate, over plain http with the http scheme, which is all containerd needs (never
 * skip_verify: docs/hosts.md). The settings sit in a [host] table rather than at the top level: containerd
 * 1.6 refuses a hosts.toml without one ("invalid `host` tree", measured with 1.6.20) and falls back to
 * https with the system CAs. Over https the top-level `ca` repeats the CA for `server` itself: containerd falls
 * back to the server after the hosts, and without it a missing tag reads "x509: certificate signed by unknown
 * authority" instead of "not found" (measured with containerd 1.6.20).
 */
function harborHosts(model: ClusterModel): JsonMap | undefined {
  const harbor = model.harbor;
  if (!harbor) return undefined;
  const server = `${harbor.protocol}://${registryHostDirectory(harbor)}`;
  const ca: JsonMap = harbor.protocol === 'https' ? { ca: harborCaFile(harbor) } : {};
  const host: JsonMap = { capabilities: ['pull', 'resolve', 'push'], ...ca };
  return { server, ...ca, host: { [server]: host } };
}

/**
 * Docker's registry-mirrors mirror Docker Hub only, so they become the hosts of docker.io's hosts.toml,
 * tried in spec order before Docker Hub itself, for pulls (a mirror cannot take pushes).
 */
function dockerHubMirrors(model: ClusterModel): JsonMap | undefined {
  const mirrors = model.docker?.registryMirrors ?? [];
  if (mirrors.length === 0) return undefined;
  const host: JsonMap = {};
  for (const mirror of mirrors) host[mirror.replace(/\/$/, '')] = { capabilities: ['pull', 'resolve'] };
  return { server: 'https://registry-1.docker.io', host };
}

/** /etc/containerd/certs.d/<registry host>/hosts.toml on every containerd node: Harbor and Docker Hub's mirrors. */
export function generateRegistryHosts(model: ClusterModel): Artifact[] {
  const files: [string, JsonMap | undefined][] = [
    [model.harbor ? registryHostDirectory(model.harbor) : '', harborHosts(model)],
    [DOCKER_HUB, dockerHubMirrors(model)],
  ];
  return containerdNodes(model).flatMap((node) =>
    files.flatMap(([registryHost, data]) => (data ? [artifact(registryHostsFile, hostFile(node, hostsTomlPath(registryHost)), data)] : [])),
  );
}
