import {
  apiServerClients,
  apiServerRoutes,
  BALANCER_ARTIFACTS,
  CLIENT_ARTIFACTS,
  describeRoute,
  HOSTS_ARTIFACTS,
  isLoopback,
  resolveName,
  VIRTUAL_ADDRESS_ARTIFACTS,
} from '@clusterspec/analysis';
import { defineRule } from '../rule';

/** kubeadm pinned kube-proxy to the first master; losing that host then stops every Service on every node. */
export const singleApiServerDependency = defineRule({
  id: 'single-apiserver-dependency',
  description: 'No kube-proxy, worker kubelet or user kubeconfig depends on one control-plane host when there are several.',
  severity: 'error',
  messages: {
    oneApiServer: `{{client}} dials {{host}}:{{port}}, which reaches only {{route}}; when that host is down it loses the cluster: dial controlPlaneEndpoint ({{endpointHost}}:{{endpointPort}}) through the load balancer`,
  },
  reads: [...CLIENT_ARTIFACTS, ...HOSTS_ARTIFACTS, ...BALANCER_ARTIFACTS, ...VIRTUAL_ADDRESS_ARTIFACTS],
  check({ model, artifacts, report }) {
    if (model.kubernetes.controlPlaneHosts.length < 2) return;
    for (const client of apiServerClients(model, artifacts)) {
      const onControlPlane = client.host?.roles.includes('control-plane') ?? false;
      // A control-plane kubelet dialling its own apiserver shares that host's fate anyway.
      if (client.kind !== 'user' && client.kind !== 'kube-proxy' && onControlPlane) continue;
      const address = resolveName(model, artifacts, client.server.host, client.host);
      if (!address) continue;
      const routes = apiServerRoutes(model, artifacts, address, client.server.port, client.host);
      const apiServers = new Set(routes.map((route) => route.apiServer));
      if (apiServers.size !== 1) continue;
      // Per-node mode by design: on a control-plane host, 127.0.0.1 is that host's own apiserver (kubespray's localhost mode).
      if (isLoopback(address) && client.host && apiServers.has(client.host)) continue;
      report({
        field: client.field,
        artifact: client.artifact,
        host: client.host?.name,
        messageId: 'oneApiServer',
        data: {
          client: client.name,
          host: client.server.host,
          port: client.server.port,
          route: describeRoute(routes[0]),
          endpointHost: model.kubernetes.controlPlaneEndpoint.host,
          endpointPort: model.kubernetes.controlPlaneEndpoint.port,
        },
      });
    }
  },
});
