import { perNodeProxyHosts } from '@clusterspec/kubernetes';
import { runsConsulAgent, type ClusterModel, type FieldPath, type Host } from '@clusterspec/spec';
import { PER_NODE_PROXY_HEALTH } from './per-node-proxy';

/** A port a host listens on, what listens there, and the spec field that sets it. */
export interface Listener {
  readonly port: number;
  readonly what: string;
  readonly field: FieldPath;
}

/** Consul's fixed agent ports (DNS is spec.consul.dnsPort); RPC on servers only. */
const CONSUL_PORTS: readonly [number, string][] = [
  [8300, 'Consul server RPC'],
  [8301, 'Consul LAN gossip'],
  [8302, 'Consul WAN gossip'],
  [8500, 'Consul HTTP API'],
];

/** What an ingress listener of a declared Consul service is called: `port-conflict` tells them apart by it. */
export const INGRESS_HTTP_LISTENER = 'ingress http for';
export const INGRESS_TCP_LISTENER = 'ingress tcp';

/**
 * The one listener table of a host: every port it will listen on, with the spec field that sets it (the
 * order decides which of two is named first). The control plane, the kubelet, the balancers, Harbor;
 * on an ingress host, the ports the declared Consul services are published on; the Consul agent; on a
 * Docker host, the ports its declared services' containers publish (registrator registers each declared
 * service from its container on every Docker host, the catalog the ingress preview assumes). The
 * `port-conflict` rule judges it, and the ingress template's list of ports a discovered tcp service may
 * not take is read from it: a port Docker holds on an ingress host that is also a Docker host is in both.
 */
export function hostListeners(model: ClusterModel, host: Host): Listener[] {
  const { consul } = model;
  const result: Listener[] = nodeListeners(model, host);
  if (consul && host.roles.includes('ingress')) {
    consul.services.forEach((service, serviceIndex) => {
      const field: FieldPath = ['spec', 'consul', 'services', serviceIndex];
      if (service.tags.includes('http')) result.push({ port: 80, what: `${INGRESS_HTTP_LISTENER} ${service.name}`, field });
      const tcpPort = /-([0-9]+)$/.exec(service.name)?.[1];
      if (service.tags.includes('tcp') && tcpPort) result.push({ port: Number(tcpPort), what: `${INGRESS_TCP_LISTENER} ${service.name}`, field });
    });
  }
  result.push(...consulAgentListeners(model, host));
  // Last, so that a tie between two port settings points at the service.
  if (consul && model.docker?.hosts.includes(host)) {
    consul.services.forEach((service, serviceIndex) => {
      if (service.port !== undefined)
        result.push({ port: service.port, what: `service ${service.name}`, field: ['spec', 'consul', 'services', serviceIndex, 'port'] });
    });
  }
  return result;
}

/** The ports of the Kubernetes, balancer and Harbor roles of a host. */
export function nodeListeners(model: ClusterModel, host: Host): Listener[] {
  const roles: FieldPath = ['spec', 'hosts', model.hosts.indexOf(host), 'roles'];
  const { kubernetes, harbor } = model;
  const result: Listener[] = [];
  if (host.roles.includes('control-plane')) {
    result.push(
      { port: kubernetes.apiServer.bindPort, what: 'kube-apiserver', field: ['spec', 'kubernetes', 'apiServer', 'bindPort'] },
      { port: 2379, what: 'etcd clients', field: roles },
      { port: 2380, what: 'etcd peers', field: roles },
    );
    // Their health ports: secure ones under kubeadm, the 1.6 insecure ones in the legacy flow.
    if (kubernetes.release.flow === 'kubeadm')
      result.push({ port: 10257, what: 'kube-controller-manager', field: roles }, { port: 10259, what: 'kube-scheduler', field: roles });
    else result.push({ port: 10252, what: 'kube-controller-manager', field: roles }, { port: 10251, what: 'kube-scheduler', field: roles });
  }
  if (kubernetes.nodes.includes(host)) result.push({ port: 10250, what: 'kubelet', field: roles });
  if (host.roles.includes('apiserver-lb'))
    result.push({ port: kubernetes.loadBalancer.port, what: 'apiserver load balancer', field: ['spec', 'kubernetes', 'loadBalancer', 'port'] });
  // Bound to 127.0.0.1 only, but a balancer on every address of the same host still takes that port.
  if (perNodeProxyHosts(model).includes(host))
    result.push(
      { port: kubernetes.loadBalancer.port, what: 'per-node apiserver proxy', field: ['spec', 'kubernetes', 'loadBalancer', 'mode'] },
      { port: PER_NODE_PROXY_HEALTH.port, what: "per-node apiserver proxy's health endpoint", field: ['spec', 'kubernetes', 'loadBalancer', 'mode'] },
    );
  if (harbor?.instances.includes(host)) {
    result.push({ port: harbor.httpPort, what: 'Harbor proxy', field: ['spec', 'harbor', 'httpPort'] });
    // Harbor's log collector publishes syslog on 127.0.0.1:1514 on every instance.
    result.push({ port: 1514, what: 'Harbor log collector', field: roles });
  }
  if (harbor?.loadBalancer.hosts.includes(host))
    result.push({ port: harbor.loadBalancer.port, what: 'Harbor load balancer', field: ['spec', 'harbor', 'loadBalancer', 'port'] });
  return result;
}

/** The ports of the Consul agent a host runs, if it runs one. */
export function consulAgentListeners(model: ClusterModel, host: Host): Listener[] {
  const roles: FieldPath = ['spec', 'hosts', model.hosts.indexOf(host), 'roles'];
  const { consul } = model;
  const result: Listener[] = [];
  if (consul && runsConsulAgent(host)) {
    for (const [port, what] of CONSUL_PORTS) if (port !== 8300 || consul.servers.includes(host)) result.push({ port, what, field: roles });
    result.push({ port: consul.dnsPort, what: 'Consul DNS', field: ['spec', 'consul', 'dnsPort'] });
  }
  return result;
}
