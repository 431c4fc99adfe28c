import { agentField, CONSUL_AGENT_ARTIFACTS, consulAgentConfigs } from '@clusterspec/analysis';
import { defineRule } from '../rule';

/**
 * An agent started with `-join <one server>` (fixtures/broken/consul-join-one-server) tries that server
 * once: restarted while that server is down, it joins no one. retry_join of every server retries each
 * until one answers (https://developer.hashicorp.com/consul/docs/reference/agent/configuration-file/join).
 */
export const consulRetryJoin = defineRule({
  id: 'consul-retry-join',
  description: 'Every Consul agent has retry_join listing every Consul server, and nothing else.',
  severity: 'error',
  messages: {
    noRetryJoin: `the Consul agent on {{host}} has no retry_join: started while no other agent contacts it, it joins no cluster; list every Consul server ({{servers}})`,
    joinsNoServer: `the Consul agent on {{host}} retry_joins {{strangers}}, where no Consul server of the site runs; list the servers ({{servers}})`,
    joinsSomeServers: `the Consul agent on {{host}} retry_joins {{listed}} only: started while {{thoseServers}} down, it joins no cluster; add {{missing}}`,
  },
  reads: [...CONSUL_AGENT_ARTIFACTS],
  check({ model, artifacts, report }) {
    const consul = model.consul;
    if (!consul) return;
    const servers = consul.servers.map((server) => server.address);
    for (const agent of consulAgentConfigs(model, artifacts)) {
      const { host, artifact } = agent;
      const field = agentField(model, host, 'retryJoin', ['spec', 'hosts', model.hosts.indexOf(host), 'roles']);
      const listed = agent.retryJoin;
      if (listed.length === 0) {
        report({
          field,
          artifact,
          host: host.name,
          messageId: 'noRetryJoin',
          data: { host: host.name, servers: servers.join(', ') },
        });
        continue;
      }
      const missing = servers.filter((address) => !listed.includes(address));
      const strangers = listed.filter((address) => !servers.includes(address));
      if (strangers.length > 0) {
        report({
          field,
          artifact,
          host: host.name,
          messageId: 'joinsNoServer',
          data: { host: host.name, strangers: strangers.join(', '), servers: servers.join(', ') },
        });
      } else if (missing.length > 0) {
        report({
          field,
          artifact,
          host: host.name,
          messageId: 'joinsSomeServers',
          data: {
            host: host.name,
            listed: listed.join(', '),
            thoseServers: listed.length === 1 ? 'that server is' : 'those servers are',
            missing: missing.join(', '),
          },
        });
      }
    }
  },
});
