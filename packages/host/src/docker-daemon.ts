import { kubeletCgroupDriver } from '@clusterspec/kubernetes';
import { HOST_FIELDS, artifact, defineArtifact, hostFile, jsonDocument, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';

export const DOCKER_DAEMON_PATH = '/etc/docker/daemon.json';

/** The keys of Docker's daemon.json written here (dockerd's configuration file reference). */
export interface DockerDaemonConfig {
  readonly dns?: readonly string[];
  readonly 'registry-mirrors'?: readonly string[];
  readonly 'insecure-registries'?: readonly string[];
  readonly 'exec-opts'?: readonly string[];
}

export const dockerDaemonFile = defineArtifact<DockerDaemonConfig>({
  id: 'host/docker-daemon',
  pattern: `hosts/*${DOCKER_DAEMON_PATH}`,
  description:
    "Docker's daemon.json: `dns` (`consul` = the host's own address where it runs an agent, else the servers', never 127.0.0.1), `registry-mirrors`, `insecure-registries` with a plain-http Harbor, `native.cgroupdriver=systemd` where Docker runs a kubeadm node's pods on 1.22 or 1.23",
  where: 'Docker hosts',
  reads: [
    ...HOST_FIELDS,
    'spec.docker.hosts',
    'spec.docker.dns',
    'spec.docker.registryMirrors',
    'spec.harbor.externalURL',
    'spec.kubernetes.containerRuntime',
    'spec.kubernetes.version',
  ],
  secretKeys: [],
  consumer: 'dockerd',
  format: 'json',
  render: jsonDocument,
});
import { consulDnsAddresses } from './consul-dns';

function containerDns(model: ClusterModel, host: Host): string[] {
  const servers = (model.docker?.dns ?? []).flatMap((server) => (server === 'consul' ? consulDnsAddresses(model, host) : [server]));
  return [...new Set(servers)];
}

/** A plain-http Harbor must be listed as an insecure registry, or every docker push/pull to it fails. */
function insecureRegistries(model: ClusterModel): string[] {
  const harbor = model.harbor;
  return harbor && harbor.protocol === 'http' ? [`${harbor.endpoint.host}:${harbor.endpoint.port}`] : [];
}

/**
 * Docker as a kubeadm node's runtime (before 1.24) must use the kubelet's cgroup driver, or the kubelet
 * refuses to start (Kubernetes "Container runtimes" docs); Docker's own default is cgroupfs, kubeadm's
 * is systemd from 1.22.
 */
function kubeletRuntimeOptions(model: ClusterModel, host: Host): string[] {
  const { kubernetes } = model;
  const drivesKubelet = kubernetes.containerRuntime === 'docker' && kubernetes.release.flow === 'kubeadm' && kubernetes.nodes.includes(host);
  const driver = kubeletCgroupDriver(model);
  return drivesKubelet && driver !== 'cgroupfs' ? [`native.cgroupdriver=${driver}`] : [];
}

/** /etc/docker/daemon.json on every Docker host. */
export function generateDockerDaemonConfig(model: ClusterModel): Artifact[] {
  const docker = model.docker;
  if (!docker) return [];
  return docker.hosts.map((host) => {
    const config: { -readonly [key in keyof DockerDaemonConfig]: DockerDaemonConfig[key] } = {};
    const dns = containerDns(model, host);
    if (dns.length > 0) config.dns = dns;
    if (docker.registryMirrors.length > 0) config['registry-mirrors'] = [...docker.registryMirrors];
    const insecure = insecureRegistries(model);
    if (insecure.length > 0) config['insecure-registries'] = insecure;
    const options = kubeletRuntimeOptions(model, host);
    if (options.length > 0) config['exec-opts'] = options;
    return artifact(dockerDaemonFile, hostFile(host, DOCKER_DAEMON_PATH), config);
  });
}
