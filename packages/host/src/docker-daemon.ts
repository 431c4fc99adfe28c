import { kubeletCgroupDriver } from '@clusterspec/kubernetes';
import { artifact, hostFile, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
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
    const config: Record<string, string[]> = {};
    const dns = containerDns(model, host);
    if (dns.length > 0) config.dns = dns;
    if (docker.registryMirrors.length > 0) config['registry-mirrors'] = [...docker.registryMirrors];
    const insecure = insecureRegistries(model);
    if (insecure.length > 0) config['insecure-registries'] = insecure;
    const options = kubeletRuntimeOptions(model, host);
    if (options.length > 0) config['exec-opts'] = options;
    return artifact(hostFile(host, '/etc/docker/daemon.json'), `${JSON.stringify(config, null, 2)}\n`);
  });
}
