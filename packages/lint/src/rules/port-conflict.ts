import { usesKubeadm } from '@clusterspec/pki';
import { runsConsulAgent, type ClusterModel, type FieldPath, type Host } from '@clusterspec/spec';
import { defineRule } from '../rule';

interface Listener {
  readonly port: number;
  readonly what: string;
  readonly field: FieldPath;
}

const CONSUL_PORTS: readonly [number, string][] = [
  [8300, 'Consul server RPC'],
  [8301, 'Consul LAN gossip'],
  [8302, 'Consul WAN gossip'],
  [8500, 'Consul HTTP API'],
];

/** Every port a host will listen on because of its roles, with the spec field that sets it. */
function listeners(model: ClusterModel, host: Host): Listener[] {
  const index = model.hosts.indexOf(host);
  const roles: FieldPath = ['spec', 'hosts', index, 'roles'];
  const { kubernetes, harbor, consul } = model;
  const result: Listener[] = [];
  if (host.roles.includes('control-plane')) {
    result.push(
      { port: kubernetes.apiServer.bindPort, what: 'kube-apiserver', field: ['spec', 'kubernetes', 'apiServer', 'bindPort'] },
      { port: 2379, what: 'etcd clients', field: roles },
      { port: 2380, what: 'etcd peers', field: roles },
    );
    // Their health ports: secure ones under kubeadm, the 1.6 insecure ones in the legacy flow.
    if (usesKubeadm(model)) result.push({ port: 10257, what: 'kube-controller-manager', field: roles }, { port: 10259, what: 'kube-scheduler', field: roles });
    else result.push({ port: 10252, what: 'kube-controller-manager', field: roles }, { port: 10251, what: 'kube-scheduler', field: roles });
  }
  if (kubernetes.nodes.includes(host)) result.push({ port: 10250, what: 'kubelet', field: roles });
  if (host.roles.includes('apiserver-lb')) result.push({ port: kubernetes.loadBalancer.port, what: 'apiserver load balancer', field: ['spec', 'kubernetes', 'loadBalancer', 'port'] });
  if (harbor?.instances.includes(host)) {
    result.push({ port: harbor.httpPort, what: 'Harbor proxy', field: ['spec', 'harbor', 'httpPort'] });
    // Harbor's log collector publishes syslog on 127.0.0.1:1514 on every instance.
    result.push({ port: 1514, what: 'Harbor log collector', field: ['spec', 'hosts', index, 'roles'] });
  }
  if (harbor?.loadBalancer.hosts.includes(host)) result.push({ port: harbor.loadBalancer.port, what: 'Harbor load balancer', field: ['spec', 'harbor', 'loadBalancer', 'port'] });
  if (consul && host.roles.includes('ingress')) {
    consul.services.forEach((service, serviceIndex) => {
      const field: FieldPath = ['spec', 'consul', 'services', serviceIndex];
      if (service.tags.includes('http')) result.push({ port: 80, what: `ingress http for ${service.name}`, field });
      const tcpPort = /-([0-9]+)$/.exec(service.name)?.[1];
      if (service.tags.includes('tcp') && tcpPort) result.push({ port: Number(tcpPort), what: `ingress tcp ${service.name}`, field });
    });
  }
  if (consul && runsConsulAgent(host)) {
    for (const [port, what] of CONSUL_PORTS) if (port !== 8300 || consul.servers.includes(host)) result.push({ port, what, field: roles });
    result.push({ port: consul.dnsPort, what: 'Consul DNS', field: ['spec', 'consul', 'dnsPort'] });
  }
  // Last, so that a tie between two port settings points at the service: registrator registers each
  // declared service from its container on every Docker host (the catalog the ingress preview assumes),
  // published on the host at its port.
  if (consul && model.docker?.hosts.includes(host)) {
    consul.services.forEach((service, serviceIndex) => {
      if (service.port !== undefined) result.push({ port: service.port, what: `service ${service.name}`, field: ['spec', 'consul', 'services', serviceIndex, 'port'] });
    });
  }
  return result;
}

/** Which of two colliding listeners' fields to point at: a port setting before a service entry before fixed role ports. */
function weight(field: FieldPath): number {
  const last = String(field[field.length - 1]);
  return /port$/i.test(last) ? 2 : last === 'roles' ? 0 : 1;
}

/** "address already in use": the design documents' Harbor proxy on port 80, found before deploy. */
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
          report({ field: weight(first.field) > weight(listener.field) ? first.field : listener.field, host: host.name, message: `${listener.what} and ${first.what} both listen on port ${listener.port} on ${host.name}` });
        }
        if (!first) byPort.set(listener.port, listener);
      }
    }
  },
});
