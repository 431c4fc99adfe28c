import { perSite } from '@clusterspec/analysis';
import { CONSUL_CONFIG_PATH, consulConfigFile } from '@clusterspec/consul';
import { DOCKER_DAEMON_PATH, dockerDaemonFile } from '@clusterspec/host';
import { dataOf, hostFile, type Artifact, type ClusterModel, type FieldPath, type Host } from '@clusterspec/spec';
import { defineRule } from '../rule';

const LOOPBACK = /^127\./;

interface DnsEntry {
  readonly host: Host;
  readonly server: string;
  readonly artifact: string;
}

/** The dns list each Docker host's generated daemon.json will hand its containers. */
const containerDnsEntries = perSite((model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): DnsEntry[] => {
  return (model.docker?.hosts ?? []).flatMap((host) => {
    const artifact = hostFile(host, DOCKER_DAEMON_PATH);
    const dns = dataOf(artifacts.get(artifact), dockerDaemonFile)?.dns ?? [];
    return dns.map((server) => ({ host, server, artifact }));
  });
});

/** The spec entry a generated server comes from: itself, or the word consul. */
function dnsField(model: ClusterModel, server: string): FieldPath {
  const dns = model.docker?.dns ?? [];
  const index = dns.indexOf(server);
  return ['spec', 'docker', 'dns', index >= 0 ? index : Math.max(dns.indexOf('consul'), 0)];
}

/** Inside a container 127.0.0.1 is the container itself, where no DNS server runs (fixtures/broken/docker-dns-loopback). */
export const containerDnsLoopback = defineRule({
  id: 'container-dns-loopback',
  description: 'No Docker dns entry is a loopback address.',
  severity: 'error',
  reads: [dockerDaemonFile.pattern],
  check({ model, artifacts, report }) {
    for (const entry of containerDnsEntries(model, artifacts).filter((candidate) => LOOPBACK.test(candidate.server))) {
      report({
        field: dnsField(model, entry.server),
        artifact: entry.artifact,
        host: entry.host.name,
        message: `containers on ${entry.host.name} are told to use DNS at ${entry.server}, their own loopback, where nothing answers; use the host's address (write consul for Consul DNS)`,
      });
    }
  },
});

export const consulDnsUnreachable = defineRule({
  id: 'consul-dns-unreachable',
  description: 'Hosts and containers resolve through addresses where a Consul agent answers DNS, on port 53.',
  severity: 'error',
  reads: [dockerDaemonFile.pattern, consulConfigFile.pattern],
  check({ model, artifacts, report }) {
    const consul = model.consul;
    if (!consul) return;
    const usesConsul = model.docker?.dns.includes('consul') ?? false;
    if (usesConsul && consul.dnsPort !== 53) {
      report({
        field: ['spec', 'consul', 'dnsPort'],
        message: `Docker containers are told to use Consul DNS, but Consul answers on port ${consul.dnsPort}; daemon.json and resolv.conf cannot name a port, so only 53 works`,
      });
    }
    const agentAddresses = new Set(consul.agents.map((host) => host.address));
    // Maps, not searches: one lookup per Docker host and per agent keeps a 5,000-host site linear.
    const hostByAddress = new Map(model.hosts.map((host) => [host.address, host]));
    const entries = containerDnsEntries(model, artifacts);
    const askedServers = new Set(entries.map((entry) => entry.server));
    for (const entry of entries) {
      const target = hostByAddress.get(entry.server);
      if (!target || agentAddresses.has(entry.server)) continue;
      report({
        field: dnsField(model, entry.server),
        artifact: entry.artifact,
        host: entry.host.name,
        message: `containers on ${entry.host.name} resolve through ${entry.server} (${target.name}), where no Consul agent answers DNS`,
      });
    }
    for (const agent of consul.agents) {
      const artifact = hostFile(agent, CONSUL_CONFIG_PATH);
      const clientAddr = dataOf(artifacts.get(artifact), consulConfigFile)?.clientAddr;
      const asked = askedServers.has(agent.address);
      if (clientAddr !== undefined && asked && !clientAddr.split(/\s+/).some((address) => address === agent.address || address === '0.0.0.0')) {
        report({
          field: ['spec', 'hosts', model.hosts.indexOf(agent), 'address'],
          artifact,
          message: `containers resolve through ${agent.address}, but the Consul agent on ${agent.name} listens for DNS only on ${clientAddr}`,
        });
      }
    }
  },
});

/** musl and some resolvers ask every server at once: a public server's NXDOMAIN for *.consul can win the race. */
export const dnsPublicFallback = defineRule({
  id: 'dns-public-fallback',
  description: 'Consul DNS is not mixed with another resolver in one dns list.',
  severity: 'warning',
  check({ model, report }) {
    const dns = model.docker?.dns ?? [];
    const consulIndex = dns.indexOf('consul');
    const others = dns.filter((server) => server !== 'consul');
    if (consulIndex < 0 || others.length === 0) return;
    report({
      field: ['spec', 'docker', 'dns', dns.indexOf(others[0])],
      message: `containers get Consul DNS and ${others.join(', ')} in one list; resolvers that query them in parallel (musl) can take ${others[0]}'s NXDOMAIN for *.consul names; let Consul forward through its recursors instead`,
    });
  },
});
