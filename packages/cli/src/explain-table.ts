/**
 * Which spec fields produce each generated file: data, not prose, so `clusterspec explain` and its test
 * read the same table. Patterns are relative to out/<cluster>/; `*` is one path segment, `**` any number.
 * Fields are dotted spec paths, `[]` for "every item". A test checks that every artifact of every fixture
 * matches exactly one row, so a new generator without a row fails CI.
 */
export interface ArtifactSource {
  readonly pattern: string;
  /** The generator package that writes it. */
  readonly generator: string;
  readonly what: string;
  readonly fields: readonly string[];
}

const HOST = ['spec.hosts[].name', 'spec.hosts[].address', 'spec.hosts[].roles'];
const K8S_VERSION = 'spec.kubernetes.version';
const ENDPOINT = 'spec.kubernetes.controlPlaneEndpoint';

export const ARTIFACT_SOURCES: readonly ArtifactSource[] = [
  // @clusterspec/kubernetes
  { pattern: 'cluster/kube-proxy-configmap.yaml', generator: 'kubernetes', what: "kube-proxy's ConfigMap: the server every kube-proxy dials", fields: [K8S_VERSION, ENDPOINT, 'spec.kubernetes.kubeProxy.server', 'spec.kubernetes.networking.podSubnet'] },
  { pattern: 'cluster/kubeconfig/*.conf', generator: 'kubernetes', what: "a kubectl user's kubeconfig", fields: ['spec.kubernetes.users[].name', 'spec.kubernetes.users[].server', ENDPOINT, 'metadata.name'] },
  { pattern: 'cluster/node-roles.sh', generator: 'kubernetes', what: 'labels and taints applied to the nodes', fields: [...HOST, 'spec.hosts[].labels', 'spec.hosts[].taints', 'spec.kubernetes.controlPlane.schedulable', K8S_VERSION] },
  { pattern: 'cluster/rbac/group-bindings.yaml', generator: 'kubernetes', what: "ClusterRoleBindings of the users' groups", fields: ['spec.kubernetes.users[].groups', 'spec.kubernetes.users[].clusterRole'] },
  { pattern: 'hosts/*/etc/kubernetes/kubeadm-config.yaml', generator: 'kubernetes', what: 'kubeadm init/join configuration of a node (kubeadm flow)', fields: [...HOST, K8S_VERSION, ENDPOINT, 'spec.kubernetes.networking', 'spec.kubernetes.apiServer.bindPort', 'spec.kubernetes.apiServer.certSANs', 'spec.kubernetes.bootstrapToken', 'spec.kubernetes.certificateKey', 'spec.kubernetes.caCertHash', 'spec.hosts[].labels', 'spec.hosts[].taints', 'spec.kubernetes.controlPlane.schedulable'] },
  { pattern: 'hosts/*/etc/kubernetes/{kubelet,controller-manager,scheduler}.conf', generator: 'kubernetes', what: "a component's kubeconfig on a control-plane host (legacy flow): it dials its own apiserver", fields: [...HOST, 'spec.kubernetes.apiServer.bindPort', K8S_VERSION] },
  { pattern: 'hosts/*/etc/kubernetes/manifests/*.yaml', generator: 'kubernetes', what: 'a static pod of the control plane (legacy flow): apiserver, controller-manager, scheduler, etcd', fields: [...HOST, K8S_VERSION, 'spec.kubernetes.networking.serviceSubnet', 'spec.kubernetes.networking.podSubnet', 'spec.kubernetes.apiServer.bindPort'] },
  // @clusterspec/pki
  { pattern: 'pki/plan.json', generator: 'pki', what: 'every certificate to sign, with its SANs and the hosts it is installed on', fields: [...HOST, 'spec.hosts[].apiServerCertificateFrom', ENDPOINT, 'spec.kubernetes.apiServer.certSANs', 'spec.kubernetes.loadBalancer.virtualAddress', 'spec.kubernetes.networking.serviceSubnet', 'spec.kubernetes.networking.dnsDomain', 'spec.kubernetes.users', K8S_VERSION] },
  { pattern: 'pki/sign.sh', generator: 'pki', what: 'the script that signs the certificates of pki/plan.json with openssl', fields: [...HOST, K8S_VERSION] },
  { pattern: 'pki/openssl/*', generator: 'pki', what: 'an openssl request or extension file of one certificate of pki/plan.json', fields: [...HOST, ENDPOINT, 'spec.kubernetes.apiServer.certSANs', 'spec.kubernetes.users'] },
  // @clusterspec/loadbalancer
  { pattern: 'hosts/*/etc/nginx/nginx.conf', generator: 'loadbalancer', what: 'nginx on an apiserver-lb or Harbor balancer host: TCP balancing to the apiservers, http to Harbor', fields: [...HOST, 'spec.kubernetes.loadBalancer.port', 'spec.kubernetes.loadBalancer.connectTimeout', 'spec.kubernetes.loadBalancer.proxyTimeout', 'spec.kubernetes.apiServer.bindPort', 'spec.harbor.loadBalancer', 'spec.harbor.httpPort', 'spec.harbor.externalURL'] },
  // @clusterspec/harbor
  { pattern: 'hosts/*/opt/harbor/**', generator: 'harbor', what: "a Harbor instance's installer configuration", fields: ['spec.harbor.version', 'spec.harbor.externalURL', 'spec.harbor.httpPort', 'spec.harbor.storage.sharedPath', 'spec.harbor.database', 'spec.harbor.redis', 'spec.harbor.adminPassword', ...HOST] },
  // @clusterspec/consul
  { pattern: 'hosts/*/etc/consul.d/consul.hcl', generator: 'consul', what: "a Consul agent's configuration", fields: [...HOST, 'spec.consul.version', 'spec.consul.datacenter', 'spec.consul.dnsPort', 'spec.consul.encrypt', 'spec.consul.recursors'] },
  { pattern: 'hosts/*/etc/systemd/system/consul.service', generator: 'consul', what: 'the systemd unit of a Consul agent', fields: [...HOST, 'spec.consul.version'] },
  { pattern: 'hosts/*/etc/systemd/system/registrator.service', generator: 'consul', what: 'registrator on a Docker host, writing to a Consul agent', fields: [...HOST, 'spec.docker.hosts', 'spec.docker.registrator.consul', 'spec.consul'] },
  { pattern: 'hosts/*/etc/{consul-template/*,systemd/system/consul-template.service}', generator: 'consul', what: 'consul-template and the nginx ingress it renders on an ingress host', fields: [...HOST, 'spec.consul.ingress.domain', 'spec.consul.services', 'spec.consul.version', 'spec.kubernetes.loadBalancer', 'spec.harbor.loadBalancer'] },
  // @clusterspec/host
  { pattern: 'hosts/*/etc/hosts.d/clusterspec', generator: 'host', what: "/etc/hosts entries, the same on every host: the controlPlaneEndpoint and Harbor names to their balancers", fields: [...HOST, ENDPOINT, 'spec.kubernetes.loadBalancer.virtualAddress', 'spec.harbor.externalURL', 'spec.harbor.loadBalancer.hosts'] },
  { pattern: 'hosts/*/etc/resolvconf/resolv.conf.d/base', generator: 'host', what: "the host's resolvers (Consul DNS first where it answers)", fields: [...HOST, 'spec.consul.dnsPort', 'spec.docker.dns'] },
  { pattern: 'hosts/*/etc/docker/daemon.json', generator: 'host', what: "Docker's daemon.json: container DNS, mirrors, insecure registries, the systemd cgroup driver where Docker runs a kubeadm node's pods", fields: [...HOST, 'spec.docker.hosts', 'spec.docker.dns', 'spec.docker.registryMirrors', 'spec.harbor.externalURL', 'spec.kubernetes.containerRuntime', K8S_VERSION] },
  // @clusterspec/containerd
  { pattern: 'hosts/*/etc/containerd/config.toml', generator: 'containerd', what: "containerd's configuration on a Kubernetes node: registry config_path and runc's systemd cgroup driver, in the config version of the containerd release", fields: [...HOST, K8S_VERSION, 'spec.kubernetes.containerRuntime', 'spec.containerd.version'] },
  { pattern: 'hosts/*/etc/containerd/certs.d/*/hosts.toml', generator: 'containerd', what: "how containerd reaches a registry: the site's Harbor (https with its CA, or http), Docker Hub through the mirrors", fields: [...HOST, 'spec.kubernetes.containerRuntime', 'spec.harbor.externalURL', 'spec.harbor.caFile', 'spec.docker.registryMirrors'] },
  // @clusterspec/topology
  { pattern: 'topology.svg', generator: 'topology', what: 'the picture of the site: hosts by role, balancers, which client dials which endpoint, san-coverage failures in red', fields: [...HOST, ENDPOINT, 'spec.kubernetes.users[].server', 'spec.kubernetes.kubeProxy.server', 'spec.kubernetes.loadBalancer', 'spec.harbor.loadBalancer'] },
];

const regexCache = new Map<string, RegExp>();

/** Whether a '/'-separated path matches a pattern: `*` one segment (or part of one), `**` any, `{a,b}` either. */
export function matchesPattern(pattern: string, path: string): boolean {
  let regex = regexCache.get(pattern);
  if (!regex) {
    const source = pattern
      .replace(/[.+^$()|[\]\\]/g, '\\$&')
      .replace(/\{([^}]*)\}/g, (_, options: string) => `(?:${options.split(',').join('|')})`)
      .replace(/\*\*/g, '\u0000')
      .replace(/\*/g, '[^/]+')
      .replace(/\u0000/g, '.+');
    regex = new RegExp(`^${source}$`);
    regexCache.set(pattern, regex);
  }
  return regex.test(path);
}

/** The rows for an artifact path. */
export function sourcesOf(path: string): ArtifactSource[] {
  return ARTIFACT_SOURCES.filter((source) => matchesPattern(source.pattern, path));
}
