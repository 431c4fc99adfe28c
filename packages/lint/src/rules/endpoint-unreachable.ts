import { looksLikeIpv4 } from '@clusterspec/spec';
import {
  apiServerClients,
  apiServerRoutes,
  BALANCER_ARTIFACTS,
  CLIENT_ARTIFACTS,
  HOSTS_ARTIFACTS,
  isLoopback,
  resolveName,
  VIRTUAL_ADDRESS_ARTIFACTS,
} from '@clusterspec/analysis';
import { defineRule } from '../rule';

/**
 * A site with two ports for one API (apiservers on 6443, the balancer on 8443) invites a client dialling the
 * LB host on the apiserver port; so does a name nothing maps, or an address where the site has no host and
 * no virtual address (fixtures/broken/wrong-lb-port, fixtures/broken/endpoint-address-nowhere).
 */
export const endpointUnreachable = defineRule({
  id: 'endpoint-unreachable',
  description:
    'Every dialled apiserver endpoint resolves to a host or the virtual address of the site, and its port is a load balancer port or the apiserver port there.',
  severity: 'error',
  messages: {
    unresolved: `{{client}} dials {{dialled}}, which the generated /etc/hosts there does not map and which is not an address; add an apiserver-lb host or a virtualAddress, or make sure DNS has it`,
    noHostAtAddress: `{{client}} dials {{dialled}}:{{port}}, but no host and no virtualAddress of the site has that address, so nothing there serves the apiserver; dial an apiserver-lb host, the virtualAddress, or a name the generated /etc/hosts maps to them`,
    wrongPort: `{{client}} dials {{dialled}}:{{port}} ({{address}}), but nothing there serves the apiserver on port {{port}}: the load balancer listens on {{balancerPort}}, apiservers on {{bindPort}}`,
  },
  reads: [...CLIENT_ARTIFACTS, ...HOSTS_ARTIFACTS, ...BALANCER_ARTIFACTS, ...VIRTUAL_ADDRESS_ARTIFACTS],
  check({ model, artifacts, report }) {
    const siteAddresses = new Set([...model.hosts.map((host) => host.address), model.kubernetes.loadBalancer.virtualIP?.address]);
    for (const client of apiServerClients(model, artifacts)) {
      const { host: dialled, port } = client.server;
      const address = resolveName(model, artifacts, dialled, client.host);
      if (!address) {
        if (client.host) {
          report({
            field: client.field,
            artifact: client.artifact,
            host: client.host.name,
            messageId: 'unresolved',
            data: { client: client.name, dialled },
          });
        }
        continue;
      }
      // 127.0.0.1 reaches the dialling host itself (per-node mode: its proxy, or its own apiserver).
      const here = client.host !== undefined && isLoopback(address) && !siteAddresses.has(address);
      if (!siteAddresses.has(address) && !here) {
        // A name may resolve outside the site through DNS; an address written out cannot.
        if (looksLikeIpv4(dialled)) {
          report({
            field: client.field,
            artifact: client.artifact,
            host: client.host?.name,
            messageId: 'noHostAtAddress',
            data: { client: client.name, dialled, port },
          });
        }
        continue;
      }
      if (apiServerRoutes(model, artifacts, address, port, client.host).length > 0) continue;
      report({
        field: client.field,
        artifact: client.artifact,
        host: client.host?.name,
        messageId: 'wrongPort',
        data: { client: client.name, dialled, port, address, balancerPort: model.kubernetes.loadBalancer.port, bindPort: model.kubernetes.apiServer.bindPort },
      });
    }
  },
});
