import { REGISTRATOR_UNIT_PATH, registratorUnitFile } from '@clusterspec/consul';
import { dataOf, hostFile, parseServerURL, runsConsulAgent } from '@clusterspec/spec';
import { defineRule } from '../rule';

const LOCAL = new Set(['localhost', '127.0.0.1']);

/** registrator pointed at localhost:8500 on a host with no agent registers nothing, and says so only in its log. */
export const registratorAgent = defineRule({
  id: 'registrator-agent',
  description: 'registrator writes to a Consul agent that runs where it points, and its flags precede the registry URI.',
  severity: 'error',
  messages: {
    flagsAfterUri: `registrator on {{host}} has "{{ignored}}" after its registry URI, where registrator ignores it`,
    noAgent: `registrator on {{host}} writes to the Consul agent at {{where}}, but no Consul agent runs there; point it at a host with the consul-server or consul-client role`,
  },
  reads: [registratorUnitFile.pattern],
  check({ model, artifacts, report }) {
    const consul = model.consul;
    if (!consul || !model.docker) return;
    const field = model.docker.registratorConsul ? ['spec', 'docker', 'registrator', 'consul'] : ['spec', 'docker', 'hosts'];
    for (const host of model.docker.hosts) {
      const artifact = hostFile(host, REGISTRATOR_UNIT_PATH);
      const words = dataOf(artifacts.get(artifact), registratorUnitFile)?.arguments;
      if (!words) continue;
      const uriAt = words.findIndex((word) => word.startsWith('consul://'));
      if (uriAt < 0) continue;
      if (uriAt !== words.length - 1)
        report({
          field,
          artifact,
          host: host.name,
          messageId: 'flagsAfterUri',
          data: { host: host.name, ignored: words.slice(uriAt + 1).join(' ') },
        });
      const uri = parseServerURL(words[uriAt], ['consul'], true);
      const target = 'value' in uri ? uri.value.host : words[uriAt];
      const agentHost = LOCAL.has(target) ? host : model.hosts.find((candidate) => candidate.address === target || candidate.name === target);
      if (agentHost && runsConsulAgent(agentHost)) continue;
      const where = LOCAL.has(target) ? `${target} (the host itself)` : target;
      report({
        field,
        artifact,
        host: host.name,
        messageId: 'noAgent',
        data: { host: host.name, where },
      });
    }
  },
});
