import { HOST_FIELDS, artifact, defineArtifact, GENERATED_NOTICE, hostFile, runsConsulAgent, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { consulDnsAddresses } from './consul-dns';

const RESOLV_CONF_BASE = '/etc/resolvconf/resolv.conf.d/base';

export interface ResolvConfBase {
  /** Consul's recursors, named in a comment: they answer every name outside *.consul. */
  readonly recursors: readonly string[];
  readonly nameservers: readonly string[];
}

export const resolvConfBaseFile = defineArtifact<ResolvConfBase>({
  id: 'host/resolv-conf-base',
  pattern: `hosts/*${RESOLV_CONF_BASE}`,
  description: "the host's `nameserver` lines where Consul answers DNS",
  where: 'agents and Docker hosts, Consul DNS on 53',
  reads: [...HOST_FIELDS, 'spec.consul.dnsPort', 'spec.consul.recursors', 'spec.docker.hosts'],
  secretKeys: [],
  consumer: 'resolvconf, which writes /etc/resolv.conf (glibc resolver)',
  format: 'resolv.conf',
  render: ({ recursors, nameservers }) =>
    [
      `# ${GENERATED_NOTICE}`,
      `# Consul DNS answers *.consul and forwards the rest to: ${recursors.join(', ') || 'no recursors'}`,
      ...nameservers.map((address) => `nameserver ${address}`),
      '',
    ].join('\n'),
});

/**
 * resolvconf's base file on hosts that resolve *.consul: every Consul agent host and every Docker host.
 * resolv.conf has no port, so it is written only when Consul answers DNS on 53; Consul's recursors
 * answer every other name.
 */
export function generateResolvConfBase(model: ClusterModel): Artifact[] {
  const consul = model.consul;
  if (!consul || consul.dnsPort !== 53) return [];
  const dockerHosts = new Set(model.docker?.hosts);
  const hosts = model.hosts.filter((host) => runsConsulAgent(host) || dockerHosts.has(host));
  return hosts.map((host) =>
    artifact(resolvConfBaseFile, hostFile(host, RESOLV_CONF_BASE), { recursors: consul.recursors, nameservers: consulDnsAddresses(model, host) }),
  );
}
