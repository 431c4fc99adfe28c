import { consulAgentListeners, nodeListeners, type Listener } from '@clusterspec/loadbalancer';
import type { ClusterModel, FieldPath, Host } from '@clusterspec/spec';
import { defineRule } from '../rule';

/** Every port a host will listen on, with the spec field that sets it (the order decides which of two is named first). */
function listeners(model: ClusterModel, host: Host): Listener[] {
  const { consul } = model;
  const result: Listener[] = nodeListeners(model, host);
  if (consul && host.roles.includes('ingress')) {
    consul.services.forEach((service, serviceIndex) => {
      const field: FieldPath = ['spec', 'consul', 'services', serviceIndex];
      if (service.tags.includes('http')) result.push({ port: 80, what: `ingress http for ${service.name}`, field });
      const tcpPort = /-([0-9]+)$/.exec(service.name)?.[1];
      if (service.tags.includes('tcp') && tcpPort) result.push({ port: Number(tcpPort), what: `ingress tcp ${service.name}`, field });
    });
  }
  result.push(...consulAgentListeners(model, host));
  // Last, so that a tie between two port settings points at the service: registrator registers each
  // declared service from its container on every Docker host (the catalog the ingress preview assumes),
  // published on the host at its port.
  if (consul && model.docker?.hosts.includes(host)) {
    consul.services.forEach((service, serviceIndex) => {
      if (service.port !== undefined)
        result.push({ port: service.port, what: `service ${service.name}`, field: ['spec', 'consul', 'services', serviceIndex, 'port'] });
    });
  }
  return result;
}

/** Which of two colliding listeners' fields to point at: a port setting before a service entry before fixed role ports. */
function weight(field: FieldPath): number {
  const last = String(field[field.length - 1]);
  return /port$/i.test(last) ? 2 : last === 'roles' ? 0 : 1;
}

/** Docker's "Error starting userland proxy: listen tcp 0.0.0.0:80: bind: address already in use" (Harbor's proxy on a host whose port 80 is taken), found before deploy. */
export const portConflict = defineRule({
  id: 'port-conflict',
  description: 'No two listeners on one host share a port, the ports of Consul services on Docker hosts included.',
  severity: 'error',
  check({ model, report }) {
    for (const host of model.hosts) {
      const byPort = new Map<number, Listener>();
      for (const listener of listeners(model, host)) {
        const first = byPort.get(listener.port);
        // Several http ingress services share port 80 by design: nginx tells them apart by server_name.
        if (first && !(first.what.startsWith('ingress http') && listener.what.startsWith('ingress http'))) {
          report({
            field: weight(first.field) > weight(listener.field) ? first.field : listener.field,
            host: host.name,
            message: `${listener.what} and ${first.what} both listen on port ${listener.port} on ${host.name}`,
          });
        }
        if (!first) byPort.set(listener.port, listener);
      }
    }
  },
});
