import { agentField, CONSUL_AGENT_ARTIFACTS, consulAgentConfigs } from '@clusterspec/analysis';
import { defineRule } from '../rule';

/**
 * Agents in one LAN gossip pool must name one datacenter: a client of another datacenter finds no
 * server of its own, and a server of another datacenter is a second cluster of one.
 */
export const consulDatacenter = defineRule({
  id: 'consul-datacenter',
  description: "Every Consul agent names the same datacenter, the site's.",
  severity: 'error',
  messages: {
    otherDatacenter: `the Consul agent on {{host}} {{named}}, the other agents in "{{datacenter}}": it finds no server of its own datacenter; use one datacenter name for every agent`,
  },
  reads: [...CONSUL_AGENT_ARTIFACTS],
  check({ model, artifacts, report }) {
    const consul = model.consul;
    if (!consul) return;
    for (const agent of consulAgentConfigs(model, artifacts)) {
      if (agent.datacenter === consul.datacenter) continue;
      const { host, artifact } = agent;
      const field = agentField(model, host, 'datacenter', ['spec', 'consul', 'datacenter']);
      const named = agent.datacenter === undefined ? "names no datacenter (Consul's default, dc1)" : `is in datacenter "${agent.datacenter}"`;
      report({
        field,
        artifact,
        host: host.name,
        messageId: 'otherDatacenter',
        data: { host: host.name, named, datacenter: consul.datacenter },
      });
    }
  },
});
