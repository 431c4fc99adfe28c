import { containerdConfigFile } from '@clusterspec/containerd';
import { dockerDaemonFile } from '@clusterspec/host';
import { kubeadmConfigFile } from '@clusterspec/kubernetes';
import type { ClusterModel, Host } from '@clusterspec/spec';
import { containerdConfig, containerdConfigPath, dockerCgroupDriver, kubeletCgroupDriver, tableValue } from '@clusterspec/analysis';
import { defineRule, type Finding, type RuleContext } from '../rule';

/** The CRI plugin's ids in disabled_plugins: containerd.io's packaged config.toml disables it for Docker's sake. */
const CRI_PLUGIN_IDS = new Set(['cri', 'io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.images', 'io.containerd.cri.v1.runtime']);

function containerdFindings(model: ClusterModel, artifacts: RuleContext['artifacts'], node: Host, kubelet: { driver: string; artifact?: string }): Finding[] {
  const containerd = model.containerd;
  if (!containerd) return [];
  const artifact = containerdConfigPath(node);
  const field = ['spec', 'kubernetes', 'containerRuntime'];
  const config = containerdConfig(artifacts, artifact);
  if (!config)
    return [
      {
        field,
        artifact,
        message: `${node.name} runs containerd with no /etc/containerd/config.toml: runc keeps the cgroupfs driver while the kubelet uses ${kubelet.driver}`,
      },
    ];
  const { release } = containerd;
  const findings: Finding[] = [];
  if (config.data.version !== release.configVersion) {
    findings.push({
      field: containerd.version ? ['spec', 'containerd', 'version'] : ['spec', 'kubernetes', 'version'],
      artifact,
      message: `config.toml on ${node.name} is config version ${JSON.stringify(config.data.version)}, but containerd ${containerd.series} reads version ${release.configVersion}: the tables of another version are ignored without a word`,
    });
    return findings;
  }
  const disabled = Array.isArray(config.data.disabled_plugins) ? (config.data.disabled_plugins as unknown[]) : [];
  const criOff = disabled.filter((id) => typeof id === 'string' && CRI_PLUGIN_IDS.has(id));
  if (criOff.length > 0) {
    findings.push({
      field,
      artifact,
      message: `config.toml on ${node.name} disables ${criOff.join(', ')}: the kubelet finds no CRI service ("unknown service runtime.v1.RuntimeService") and kubeadm's preflight fails`,
    });
  }
  const systemd = tableValue(config.data, [...release.runcTable, 'options', 'SystemdCgroup']) === true;
  if (systemd !== (kubelet.driver === 'systemd')) {
    findings.push({
      field,
      artifact,
      message: `runc on ${node.name} uses the ${systemd ? 'systemd' : 'cgroupfs'} cgroup driver (SystemdCgroup = ${systemd}) but the kubelet uses ${kubelet.driver}: two managers of one cgroup tree, pods restart under load`,
    });
  }
  return findings;
}

/**
 * The kubelet's runtime as generated: Docker is refused when the spec loads from Kubernetes 1.24 (no
 * dockershim); what remains is that runtime and kubelet agree: containerd's config version, its CRI
 * plugin, and one cgroup driver on both sides (Docker's included, before 1.24).
 */
export const containerRuntime = defineRule({
  id: 'container-runtime',
  description:
    "Each Kubernetes node's container runtime can serve its kubelet: no Docker from 1.24, containerd's CRI plugin on and its config version right, one cgroup driver for kubelet and runtime.",
  severity: 'error',
  reads: [containerdConfigFile.pattern, dockerDaemonFile.pattern, kubeadmConfigFile.pattern],
  check({ model, artifacts, report }) {
    const { kubernetes } = model;
    if (kubernetes.release.flow !== 'kubeadm') return; // the legacy flow's kubelets are set up by hand, with Docker
    const kubelet = kubeletCgroupDriver(model, artifacts);
    const dockerHosts = new Set(model.docker?.hosts ?? []);
    for (const node of kubernetes.nodes) {
      if (kubernetes.containerRuntime === 'containerd') {
        for (const finding of containerdFindings(model, artifacts, node, kubelet)) report({ ...finding, host: node.name });
        continue;
      }
      const docker = dockerCgroupDriver(artifacts, node);
      if (docker !== kubelet.driver) {
        report({
          field: ['spec', 'docker', 'hosts'],
          artifact: `hosts/${node.name}/etc/docker/daemon.json`,
          host: node.name,
          message: `Docker on ${node.name} uses the ${docker} cgroup driver${dockerHosts.has(node) ? '' : ' (not a Docker host: no daemon.json sets it)'} but its kubelet uses ${kubelet.driver}: the kubelet refuses to start ("misconfiguration: kubelet cgroup driver")`,
        });
      }
    }
  },
});
