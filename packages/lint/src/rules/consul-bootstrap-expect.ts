import { agentField, CONSUL_AGENT_ARTIFACTS, consulAgentConfigs } from '@clusterspec/analysis';
import { defineRule } from '../rule';

/**
 * bootstrap_expect is how many servers a server waits for before electing a leader. Servers that
 * disagree bootstrap separately (one expecting 1 elects itself at once and may form its own cluster)
 * or wait for servers that never come (expecting more than there are).
 */
export const consulBootstrapExpect = defineRule({
  id: 'consul-bootstrap-expect',
  description: 'Every Consul server has bootstrap_expect, the same on all of them: the number of servers.',
  severity: 'error',
  messages: {
    notServer: `the consul.hcl of {{host}} lacks server = true, though the host has the consul-server role`,
    noBootstrapExpect: `the Consul server on {{host}} has no bootstrap_expect: it never starts an election; the site has {{count}} servers`,
    wrongBootstrapExpect: `the Consul server on {{host}} expects {{bootstrapExpect}} servers (bootstrap_expect) but the site has {{count}}: {{effect}}`,
  },
  reads: [...CONSUL_AGENT_ARTIFACTS],
  check({ model, artifacts, report }) {
    const consul = model.consul;
    if (!consul) return;
    const count = consul.servers.length;
    for (const agent of consulAgentConfigs(model, artifacts)) {
      if (!consul.servers.includes(agent.host)) continue;
      const { host, artifact } = agent;
      const field = agentField(model, host, 'bootstrapExpect', ['spec', 'hosts', model.hosts.indexOf(host), 'roles']);
      if (!agent.server) {
        report({ field, artifact, host: host.name, messageId: 'notServer', data: { host: host.name } });
      } else if (agent.bootstrapExpect === undefined) {
        report({
          field,
          artifact,
          host: host.name,
          messageId: 'noBootstrapExpect',
          data: { host: host.name, count },
        });
      } else if (agent.bootstrapExpect !== count) {
        const effect =
          agent.bootstrapExpect < count
            ? 'it elects a leader before the others are there, and can bootstrap a cluster of its own'
            : 'it waits for servers that never come';
        report({
          field,
          artifact,
          host: host.name,
          messageId: 'wrongBootstrapExpect',
          data: { host: host.name, bootstrapExpect: agent.bootstrapExpect, count, effect },
        });
      }
    }
  },
});
