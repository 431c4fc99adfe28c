import { artifact, GENERATED_NOTICE, hostFile, runsConsulAgent, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { consulDnsAddresses } from './consul-dns';

const RESOLV_CONF_BASE = '/etc/resolvconf/resolv.conf.d/base';

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
  return hosts.map((host) => {
    const lines = [`# ${GENERATED_NOTICE}`, `# Consul DNS answers *.consul and forwards the rest to: ${consul.recursors.join(', ') || 'no recursors'}`];
    lines.push(...consulDnsAddresses(model, host).map((address) => `nameserver ${address}`), '');
    return artifact(hostFile(host, RESOLV_CONF_BASE), lines.join('\n'));
  });
}
