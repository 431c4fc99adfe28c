import { REGISTRATOR_TTL, REGISTRATOR_UNIT_PATH, registratorUnitFile } from '@clusterspec/consul';
import { dataOf, hostFile, parseServerURL, runsConsulAgent } from '@clusterspec/spec';
import { defineRule } from '../rule';

const LOCAL = new Set(['localhost', '127.0.0.1']);

/**
 * registrator registers a container's service on the agent it talks to, so the instance belongs to that
 * agent's node and carries that node's serfHealth check (Consul: a node's checks apply to all its
 * services). On another host's agent, the Docker host's own death is seen only through the TTL check,
 * and the agent host's death drops the instances of every Docker host registered through it.
 */
export const registratorRemoteAgent = defineRule({
  id: 'registrator-remote-agent',
  description: "registrator registers a Docker host's containers on that host's own Consul agent, so their health follows the host.",
  severity: 'warning',
  messages: {
    remoteAgent: `registrator on {{host}} registers its containers on the Consul agent of {{agent}}, as services of node {{agent}}: they leave the ingress when {{agent}} dies, though they still run, and those of a dead Docker host only when their {{REGISTRATOR_TTL}}s TTL check expires; give the Docker host the consul-client role so that registrator uses its own agent`,
  },
  reads: [registratorUnitFile.pattern],
  check({ model, artifacts, report }) {
    if (!model.consul || !model.docker) return;
    const field = model.docker.registratorConsul ? ['spec', 'docker', 'registrator', 'consul'] : ['spec', 'docker', 'hosts'];
    for (const host of model.docker.hosts) {
      const artifact = hostFile(host, REGISTRATOR_UNIT_PATH);
      const uri = dataOf(artifacts.get(artifact), registratorUnitFile)?.arguments.find((word) => word.startsWith('consul://'));
      if (!uri) continue;
      const parsed = parseServerURL(uri, ['consul'], true);
      const target = 'value' in parsed ? parsed.value.host : uri;
      if (LOCAL.has(target) || target === host.address || target === host.name) continue;
      const agent = model.hosts.find((candidate) => candidate.address === target || candidate.name === target);
      // No agent there at all is registrator-agent's error.
      if (!agent || !runsConsulAgent(agent)) continue;
      report({
        field,
        artifact,
        host: host.name,
        messageId: 'remoteAgent',
        data: { host: host.name, agent: agent.name, REGISTRATOR_TTL },
      });
    }
  },
});
