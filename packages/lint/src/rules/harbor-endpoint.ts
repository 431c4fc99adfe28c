import { DOCKER_DAEMON_PATH, dockerDaemonFile } from '@clusterspec/host';
import { dataOf, hostFile, looksLikeIpv4, type FieldPath } from '@clusterspec/spec';
import { defineRule } from '../rule';

/** Clients push to externalURL: it must be what the balancer serves, and Docker must accept it over plain http. */
export const harborEndpoint = defineRule({
  id: 'harbor-endpoint',
  description: "Harbor's external URL is the host:port its load balancer serves, and a plain-http Harbor is an insecure registry on every Docker host.",
  severity: 'error',
  messages: {
    wrongPort: `externalURL {{externalURL}} names port {{port}}, but the Harbor load balancer listens on {{balancerPort}}: pushes and token redirects go nowhere`,
    notBalancerHost: `externalURL {{externalURL}} names {{host}}, which is not a Harbor load balancer host ({{balancers}})`,
    notInsecureRegistry: `Harbor is served over plain http at {{authority}}, but Docker on {{dockerHost}} does not list it in insecure-registries: every push and pull there fails`,
  },
  reads: [dockerDaemonFile.pattern],
  check({ model, artifacts, report }) {
    const harbor = model.harbor;
    if (!harbor) return;
    const urlField: FieldPath = ['spec', 'harbor', 'externalURL'];
    const { host, port } = harbor.endpoint;
    if (port !== harbor.loadBalancer.port) {
      report({
        field: urlField,
        messageId: 'wrongPort',
        data: { externalURL: harbor.externalURL, port, balancerPort: harbor.loadBalancer.port },
      });
    }
    if (looksLikeIpv4(host) && !harbor.loadBalancer.hosts.some((balancer) => balancer.address === host)) {
      report({
        field: urlField,
        messageId: 'notBalancerHost',
        data: {
          externalURL: harbor.externalURL,
          host,
          balancers: harbor.loadBalancer.hosts.map((balancer) => `${balancer.name} ${balancer.address}`).join(', '),
        },
      });
    }
    if (harbor.protocol !== 'http' || !model.docker) return;
    const authority = `${host}:${port}`;
    for (const dockerHost of model.docker.hosts) {
      const artifact = hostFile(dockerHost, DOCKER_DAEMON_PATH);
      const insecure = dataOf(artifacts.get(artifact), dockerDaemonFile)?.['insecure-registries'] ?? [];
      if (!insecure.includes(authority)) {
        report({
          field: ['spec', 'docker', 'hosts'],
          artifact,
          host: dockerHost.name,
          messageId: 'notInsecureRegistry',
          data: { authority, dockerHost: dockerHost.name },
        });
      }
    }
  },
});
