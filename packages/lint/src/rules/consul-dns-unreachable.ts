import { CONSUL_CONFIG_PATH, consulConfigFile } from '@clusterspec/consul';
import { dockerDaemonFile } from '@clusterspec/host';
import { dataOf, hostFile } from '@clusterspec/spec';
import { containerDnsEntries, dnsField } from '../container-dns';
import { defineRule } from '../rule';

export const consulDnsUnreachable = defineRule({
  id: 'consul-dns-unreachable',
  description: 'Hosts and containers resolve through addresses where a Consul agent answers DNS, on port 53.',
  severity: 'error',
  messages: {
    dnsPortNot53: `Docker containers are told to use Consul DNS, but Consul answers on port {{dnsPort}}; daemon.json and resolv.conf cannot name a port, so only 53 works`,
    noAgentAtServer: `containers on {{host}} resolve through {{server}} ({{target}}), where no Consul agent answers DNS`,
    agentNotListening: `containers resolve through {{address}}, but the Consul agent on {{agent}} listens for DNS only on {{clientAddr}}`,
  },
  reads: [dockerDaemonFile.pattern, consulConfigFile.pattern],
  check({ model, artifacts, report }) {
    const consul = model.consul;
    if (!consul) return;
    const usesConsul = model.docker?.dns.includes('consul') ?? false;
    if (usesConsul && consul.dnsPort !== 53) {
      report({
        field: ['spec', 'consul', 'dnsPort'],
        messageId: 'dnsPortNot53',
        data: { dnsPort: consul.dnsPort },
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
        messageId: 'noAgentAtServer',
        data: { host: entry.host.name, server: entry.server, target: target.name },
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
          messageId: 'agentNotListening',
          data: { address: agent.address, agent: agent.name, clientAddr },
        });
      }
    }
  },
});
