import { CONSUL_TEMPLATE_CONFIG_PATH, consulTemplateConfigFile } from '@clusterspec/consul';
import { dataOf, hostFile, runsConsulAgent } from '@clusterspec/spec';
import { defineRule } from '../rule';

const LOOPBACK = /^(127\.0\.0\.1|localhost):/;

/**
 * consul-template reads the catalog from the agent in its config.hcl. On an ingress host with an
 * agent of its own that is 127.0.0.1:8500; without one, clusterspec points it at the first server,
 * and the ingress then follows the catalog only while that one server is up.
 */
export const consulTemplateAgent = defineRule({
  id: 'consul-template-agent',
  description: 'Every ingress host runs a Consul agent, which its consul-template reads at 127.0.0.1:8500.',
  severity: 'error',
  messages: {
    remoteAgent: `consul-template on {{host}} reads the catalog from {{address}}, {{why}}: while that agent is down the ingress stops following the catalog; give {{host}} the consul-client role and read 127.0.0.1:8500`,
  },
  reads: [consulTemplateConfigFile.pattern],
  check({ model, artifacts, report }) {
    const consul = model.consul;
    if (!consul) return;
    for (const host of consul.ingressHosts) {
      const artifact = hostFile(host, CONSUL_TEMPLATE_CONFIG_PATH);
      const config = dataOf(artifacts.get(artifact), consulTemplateConfigFile);
      if (!config) continue;
      const { address } = config;
      if (runsConsulAgent(host) && LOOPBACK.test(address)) continue;
      const field = ['spec', 'hosts', model.hosts.indexOf(host), 'roles'];
      const why = runsConsulAgent(host) ? `not from ${host.name}'s own agent` : `as ${host.name} runs no Consul agent`;
      report({
        field,
        artifact,
        host: host.name,
        messageId: 'remoteAgent',
        data: { host: host.name, address, why },
      });
    }
  },
});
