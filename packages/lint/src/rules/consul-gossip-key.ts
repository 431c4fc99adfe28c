import { secretPlaceholder } from '@clusterspec/spec';
import { agentField, CONSUL_AGENT_ARTIFACTS, consulAgentConfigs } from '@clusterspec/analysis';
import { defineRule } from '../rule';

/**
 * An agent without the gossip key cannot talk to agents that have one (and the reverse): it never
 * joins. Two keys split the pool the same way. So the key is on every agent, the same, or on none.
 */
export const consulGossipKey = defineRule({
  id: 'consul-gossip-key',
  description: 'The gossip key (encrypt) is set on every Consul agent, the same one, or on none.',
  severity: 'error',
  messages: {
    missingKey: `the Consul agent on {{host}} has no gossip key (encrypt) while other agents of the site have one: they refuse its gossip and it never joins; give it the key, or give none to any agent`,
    otherKey: `the Consul agent on {{host}} has a gossip key other than the site's ({{encrypt}}, not {{siteKey}}): agents with different keys cannot gossip`,
  },
  reads: [...CONSUL_AGENT_ARTIFACTS],
  check({ model, artifacts, report }) {
    const consul = model.consul;
    if (!consul) return;
    const agents = consulAgentConfigs(model, artifacts);
    const keyed = agents.filter((agent) => agent.encrypt !== undefined);
    if (keyed.length === 0) return;
    const siteKey = secretPlaceholder(consul.encrypt);
    for (const agent of agents) {
      const { host, artifact } = agent;
      const field = agentField(model, host, 'encrypt', ['spec', 'consul', 'encrypt']);
      if (agent.encrypt === undefined) {
        report({
          field,
          artifact,
          host: host.name,
          messageId: 'missingKey',
          data: { host: host.name },
        });
      } else if (agent.encrypt !== siteKey) {
        report({
          field,
          artifact,
          host: host.name,
          messageId: 'otherKey',
          data: { host: host.name, encrypt: agent.encrypt, siteKey },
        });
      }
    }
  },
});
