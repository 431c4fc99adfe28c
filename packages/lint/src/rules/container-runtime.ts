import { containerdConfigFile } from '@clusterspec/containerd';
import { dockerDaemonFile } from '@clusterspec/host';
import { kubeadmConfigFile } from '@clusterspec/kubernetes';
import type { ClusterModel, Host } from '@clusterspec/spec';
import { containerdConfig, containerdConfigPath, dockerCgroupDriver, kubeletCgroupDriver, tableValue } from '@clusterspec/analysis';
import { defineRule, type Finding, type RuleContext } from '../rule';

/** The CRI plugin's ids in disabled_plugins: containerd.io's packaged config.toml disables it for Docker's sake. */
const CRI_PLUGIN_IDS = new Set(['cri', 'io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.images', 'io.containerd.cri.v1.runtime']);

/** What containerd's configuration can get wrong (containerRuntime's messages but Docker's). */
type ContainerdMessage = 'noContainerdConfig' | 'configVersion' | 'criDisabled' | 'runcCgroupDriver';

function containerdFindings(
  model: ClusterModel,
  artifacts: RuleContext['artifacts'],
  node: Host,
  kubelet: { driver: string; artifact?: string },
): Finding<ContainerdMessage>[] {
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
        messageId: 'noContainerdConfig',
        data: { node: node.name, driver: kubelet.driver },
      },
    ];
  const { release } = containerd;
  const findings: Finding<ContainerdMessage>[] = [];
  if (config.data.version !== release.configVersion) {
    findings.push({
      field: containerd.version ? ['spec', 'containerd', 'version'] : ['spec', 'kubernetes', 'version'],
      artifact,
      messageId: 'configVersion',
      data: { node: node.name, configVersion: JSON.stringify(config.data.version), series: containerd.series, expectedVersion: release.configVersion },
    });
    return findings;
  }
  const disabled = Array.isArray(config.data.disabled_plugins) ? (config.data.disabled_plugins as unknown[]) : [];
  const criOff = disabled.filter((id) => typeof id === 'string' && CRI_PLUGIN_IDS.has(id));
  if (criOff.length > 0) {
    findings.push({
      field,
      artifact,
      messageId: 'criDisabled',
      data: { node: node.name, disabled: criOff.join(', ') },
    });
  }
  const systemd = tableValue(config.data, [...release.runcTable, 'options', 'SystemdCgroup']) === true;
  if (systemd !== (kubelet.driver === 'systemd')) {
    findings.push({
      field,
      artifact,
      messageId: 'runcCgroupDriver',
      data: { node: node.name, driver: systemd ? 'systemd' : 'cgroupfs', systemd, kubeletDriver: kubelet.driver },
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
  messages: {
    noContainerdConfig: `{{node}} runs containerd with no /etc/containerd/config.toml: runc keeps the cgroupfs driver while the kubelet uses {{driver}}`,
    configVersion: `config.toml on {{node}} is config version {{configVersion}}, but containerd {{series}} reads version {{expectedVersion}}: the tables of another version are ignored without a word`,
    criDisabled: `config.toml on {{node}} disables {{disabled}}: the kubelet finds no CRI service ("unknown service runtime.v1.RuntimeService") and kubeadm's preflight fails`,
    runcCgroupDriver: `runc on {{node}} uses the {{driver}} cgroup driver (SystemdCgroup = {{systemd}}) but the kubelet uses {{kubeletDriver}}: two managers of one cgroup tree, pods restart under load`,
    dockerCgroupDriver: `Docker on {{node}} uses the {{docker}} cgroup driver{{notDockerHost}} but its kubelet uses {{driver}}: the kubelet refuses to start ("misconfiguration: kubelet cgroup driver")`,
  },
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
          messageId: 'dockerCgroupDriver',
          data: { node: node.name, docker, notDockerHost: dockerHosts.has(node) ? '' : ' (not a Docker host: no daemon.json sets it)', driver: kubelet.driver },
        });
      }
    }
  },
});
