/* Generated from schemas/cluster.schema.json by scripts/spec-types.js (`npm run types`); do not edit. */

/**
 * An RFC 1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters.
 */
export type RawDnsLabel = string;
/**
 * An IPv4 address in dotted-quad form.
 */
export type RawIpv4 = string;
/**
 * What a host does: control-plane, worker, apiserver-lb, harbor, consul-server, consul-client or ingress.
 */
export type RawRole = 'control-plane' | 'worker' | 'apiserver-lb' | 'harbor' | 'consul-server' | 'consul-client' | 'ingress';
/**
 * A Kubernetes label or taint key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters.
 */
export type RawLabelKey = string;
/**
 * A release version, major.minor.patch.
 */
export type RawVersion = string;
/**
 * An RFC 1123 DNS name: dot-separated labels.
 */
export type RawDnsName = string;
/**
 * A TCP port.
 */
export type RawPort = number;
/**
 * Where a secret comes from at deploy time; its value never appears in the spec or in out/.
 */
export type RawSecretRef =
  | {
      /**
       * Name of the environment variable that holds the secret.
       */
      fromEnv: string;
    }
  | {
      /**
       * Path of the file that holds the secret.
       */
      fromFile: string;
    };
/**
 * An nginx time value: a number with unit ms, s, m or h.
 */
export type RawDuration = string;
/**
 * An https URL of an apiserver: https://host:port.
 */
export type RawHttpsURL = string;

/**
 * One on-prem high-availability site: hosts, the Kubernetes control plane and its load balancer, and optionally Harbor, Consul and Docker.
 */
export interface RawSpec {
  /**
   * Version of the spec format.
   */
  apiVersion: 'clusterspec/v1alpha1';
  /**
   * Always Cluster.
   */
  kind: 'Cluster';
  /**
   * Identity of the site.
   */
  metadata: {
    name: RawDnsLabel;
  };
  /**
   * What the site is made of.
   */
  spec: {
    /**
     * Every machine of the site, each with the roles it plays.
     *
     * @minItems 1
     * @maxItems 10000
     */
    hosts: [RawHost, ...RawHost[]];
    kubernetes: RawKubernetes;
    harbor?: RawHarbor;
    consul?: RawConsul;
    docker?: RawDocker;
    containerd?: RawContainerd;
    /**
     * The operating system family of the hosts, which decides where packaged programs keep their files and which account they run as: debian (Debian, Ubuntu: nginx's stream module in /usr/lib/nginx/modules, workers as www-data) or rhel (RHEL, Rocky, Alma, CentOS Stream: /usr/lib64/nginx/modules, workers as nginx, the HA guide's example OS). A balancer whose nginx.conf names the other family's module path does not start.
     */
    osFamily: 'debian' | 'rhel';
    lint: RawLint;
  };
}
/**
 * One machine.
 */
export interface RawHost {
  name: RawDnsLabel;
  address: RawIpv4;
  /**
   * The roles this host plays; several are allowed.
   *
   * @minItems 1
   */
  roles: [RawRole, ...RawRole[]];
  /**
   * Node labels of this host. Given, they replace the labels the Kubernetes version puts on its role (kubeadm flow: added beside kubeadm's own).
   */
  labels?: {
    /**
     * Label value.
     */
    [k: string]: string;
  };
  /**
   * Node taints of this host. Given, they replace the control-plane taints of the Kubernetes version; [] means none.
   */
  taints?: RawTaint[];
  apiServerCertificateFrom?: RawDnsLabel;
}
/**
 * A Kubernetes node taint.
 */
export interface RawTaint {
  key: RawLabelKey;
  /**
   * Taint value; may be empty.
   */
  value: string;
  /**
   * NoSchedule, PreferNoSchedule or NoExecute.
   */
  effect: string;
}
/**
 * The Kubernetes control plane and how clients reach it.
 */
export interface RawKubernetes {
  version: RawVersion;
  /**
   * The kubelet's container runtime. Default: docker before Kubernetes 1.24, containerd from 1.24 on (dockershim was removed in 1.24, so docker is refused there when the spec is loaded: load/dockershim). containerd is generated for the kubeadm flow (1.15 and newer).
   */
  containerRuntime?: 'containerd' | 'docker';
  /**
   * host:port every client (kubectl, kubelet, kube-proxy) dials: the apiserver load balancer, by DNS name or address.
   */
  controlPlaneEndpoint: string;
  /**
   * Cluster networks.
   */
  networking: {
    /**
     * IPv4 CIDR of Service IPs; the first address is the apiserver Service IP, the tenth the cluster DNS.
     */
    serviceSubnet: string;
    /**
     * IPv4 CIDR of pod IPs.
     */
    podSubnet: string;
    dnsDomain: RawDnsName;
  };
  /**
   * kube-apiserver settings.
   */
  apiServer: {
    bindPort: RawPort;
    /**
     * Extra subject alternative names (DNS names or IPv4 addresses) for every apiserver certificate.
     *
     * Items: A DNS name or an IPv4 address.
     */
    certSANs: string[];
  };
  /**
   * How clients reach the apiservers: the nginx TCP load balancer on every apiserver-lb host, a virtual address that moves between hosts (keepalived or kube-vip), and, in per-node mode, an nginx proxy on 127.0.0.1 of every node that is not a control-plane host.
   */
  loadBalancer: {
    port: RawPort;
    /**
     * The program that balances the apiservers on every apiserver-lb host, behind the same listener: haproxy probes each apiserver's /healthz over TLS and stops sending to one that fails (kubeadm's HA guide), nginx (open source) only notices a server that refuses connections (passive max_fails), so a half-broken apiserver that still accepts TLS keeps receiving requests. Measured with one apiserver answering /healthz with 500 under traffic: nginx sent it 9 of 30 requests, haproxy none after detection. The per-node proxies are nginx either way.
     */
    engine: 'haproxy' | 'nginx';
    virtualAddress?: RawIpv4;
    /**
     * What holds virtualAddress: keepalived (VRRP between the apiserver-lb hosts, each checking its own nginx and the apiservers behind it) or kube-vip (a static pod on every control-plane host answering ARP for the address, by leader election; kubeadm flow only). Default: keepalived when there are apiserver-lb hosts, else kube-vip.
     */
    provider?: 'keepalived' | 'kube-vip';
    /**
     * Network interface that carries virtualAddress on the hosts that hold it (the one with their address on the cluster network). Interface names differ between machines (eth0, ens192, enp1s0): check with `ip -br addr` and set it; a wrong name keeps the address from ever coming up.
     */
    interface: string;
    /**
     * keepalived's virtual_router_id (1–255), which must differ from every other VRRP group on the same network. Default: derived from the cluster name and virtualAddress (a hash, modulo 255, plus 1), so two sites rarely collide; set it when your network team assigns them.
     */
    virtualRouterId?: number;
    vrrpPassword: RawSecretRef;
    /**
     * Add virtualAddress (and in per-node mode `localhost` and `127.0.0.1`) to every apiserver certificate's SANs, so clients may dial the balancer by address. Turn off only if the certificates are issued elsewhere.
     */
    addToCertificates: boolean;
    /**
     * central: every client dials controlPlaneEndpoint (the balancer hosts or the virtual address). per-node: every node that is not a control-plane host runs an nginx static pod listening on 127.0.0.1:port with every apiserver as upstream, and its kubelet and kube-proxy dial it (kubespray's localhost load balancer); port must then equal apiServer.bindPort, since kube-proxy's one configuration dials 127.0.0.1:port on control-plane hosts too, where the apiserver itself answers.
     */
    mode: 'central' | 'per-node';
    connectTimeout: RawDuration;
    proxyTimeout: RawDuration;
  };
  /**
   * How control-plane nodes are treated.
   */
  controlPlane: {
    /**
     * false taints control-plane nodes NoSchedule; true removes the taint.
     */
    schedulable: boolean;
  };
  /**
   * How `clusterspec plan` steps through the workers.
   */
  rollout: {
    /**
     * Workers drained and changed in one step of a plan. Left out: a fifth of the workers, at least 1 (kubespray's upgrade default, serial: 20%).
     */
    workerBatchSize?: number;
  };
  bootstrapToken: RawSecretRef;
  certificateKey: RawSecretRef;
  caCertHash: RawSecretRef;
  /**
   * How long certificates live and when lint warns. Validity: kubeadm's certificateValidityPeriod and caCertificateValidityPeriod (kubeadm config v1beta4, Kubernetes 1.31 and newer; before 1.31 kubeadm fixes them at one year and ten years, so setting them is refused), or in the legacy flow the -days of pki/sign.sh (certificates, and the etcd CA it creates).
   */
  certificates: {
    /**
     * Days a leaf certificate (apiserver, kubelet, component, user, etcd) is valid from issue. Default 365, kubeadm's one year.
     */
    validityDays?: number;
    /**
     * Days a CA certificate kubeadm (1.31 and newer) or pki/sign.sh (the legacy etcd CA) creates is valid. Default 3650, kubeadm's ten years.
     */
    caValidityDays?: number;
    /**
     * lint --certs and certs plan warn about a deployed certificate that expires within this many days (rule cert-expiry), and plan its re-issue. Default 30.
     */
    expiryWarningDays: number;
  };
  /**
   * kubectl users: each gets a kubeconfig and a client-certificate request. Left out, one user kubernetes-admin in system:masters, the identity of kubeadm's admin.conf; [] for none.
   *
   * Items: One kubectl user, authenticated by a client certificate.
   */
  users: {
    /**
     * User name: the certificate's CN.
     */
    name: string;
    /**
     * Groups: one O= each in the certificate subject.
     *
     * Items: A group name.
     */
    groups: string[];
    /**
     * ClusterRole bound to each of the user's groups that is not built into Kubernetes.
     */
    clusterRole: string;
    server?: RawHttpsURL;
  }[];
  /**
   * kube-proxy settings.
   */
  kubeProxy: {
    server?: RawHttpsURL;
  };
}
/**
 * Harbor registry: several instances behind a load balancer, sharing storage, an external database and a Redis.
 */
export interface RawHarbor {
  version: RawVersion;
  /**
   * URL clients push to and pull from (the load balancer).
   */
  externalURL: string;
  httpPort: RawPort;
  /**
   * The Harbor load balancer.
   */
  loadBalancer: {
    /**
     * Hosts that run the Harbor load balancer.
     *
     * @minItems 1
     */
    hosts: [RawDnsLabel, ...RawDnsLabel[]];
    port: RawPort;
  };
  /**
   * Storage shared by every instance.
   */
  storage: {
    /**
     * Absolute path of the shared file system, mounted on every instance.
     */
    sharedPath: string;
  };
  /**
   * The database every instance uses: an external server, or (refused by the linter when instances are several) Harbor's bundled one.
   */
  database: {
    host?: RawIpv4;
    port?: RawPort;
    /**
     * Database user.
     */
    user?: string;
    password: RawSecretRef;
    /**
     * Run Harbor's bundled database on each instance, its files under the shared storage: the second instance's MySQL then fails with InnoDB: Unable to lock ./ibdata1 (harbor-shared-state refuses it).
     */
    embedded: boolean;
  };
  /**
   * The Redis that holds sessions for every instance.
   */
  redis: {
    host: RawIpv4;
    port: RawPort;
    password?: RawSecretRef;
  };
  adminPassword: RawSecretRef;
  /**
   * Absolute path, on every Kubernetes node, of the CA certificate that signed Harbor's https certificate; containerd's hosts.toml for Harbor names it (clusterspec never writes certificates: install it there). Default: ca.crt beside that hosts.toml, /etc/containerd/certs.d/<host[:port]>/ca.crt. Ignored for a plain-http Harbor.
   */
  caFile?: string;
  /**
   * Harbor 2.x: the values each instance's ./prepare draws at random and that must be equal on every instance behind the balancer (CSRF_KEY, CORE_SECRET, JOBSERVICE_SECRET), by reference; opt/harbor/install-shared.sh writes them into what ./prepare generated.
   */
  sharedSecrets: {
    csrfKey: RawSecretRef;
    coreSecret: RawSecretRef;
    jobserviceSecret: RawSecretRef;
  };
}
/**
 * Consul cluster with registrator, consul-template and nginx ingress.
 */
export interface RawConsul {
  version: RawVersion;
  datacenter: RawDnsLabel;
  dnsPort: RawPort;
  encrypt: RawSecretRef;
  /**
   * Upstream DNS servers Consul forwards other names to.
   */
  recursors: RawIpv4[];
  /**
   * nginx ingress on ingress hosts, fed by consul-template.
   */
  ingress: {
    domain?: RawDnsName;
    /**
     * dynamic: the template walks the Consul catalog and publishes every service tagged http or tcp that passes the ingress rules (DNS-label name; tcp named <name>-<port> with the port in tcpPorts and not used on the host; no port twice), so a new service needs no regeneration; declared: only the services listed under consul.services, for sites that publish reviewed services only.
     */
    discovery: 'dynamic' | 'declared';
    /**
     * Ports a tcp service discovered in the catalog may be published on (dynamic discovery); ports the ingress host uses itself are refused within it. The default stays below Linux's ephemeral ports (32768 on).
     */
    tcpPorts: {
      from: RawPort;
      to: RawPort;
    };
  };
  /**
   * Services registrator will register, declared so they can be generated and checked.
   *
   * Items: One service.
   */
  services: {
    name: RawDnsLabel;
    port?: RawPort;
    /**
     * Consul tags, e.g. http or tcp for ingress.
     */
    tags: RawDnsLabel[];
  }[];
  /**
   * Knob that reproduces a Consul cluster made by hand (servers that join one server only, agents without the gossip key: fixtures/broken/consul-join-one-server, fixtures/broken/consul-gossip-partial): per-host values that replace what clusterspec derives. The Consul lint rules refuse what they break.
   *
   * Items: Replacements for one agent's consul.hcl.
   */
  agentOverrides: {
    host: RawDnsLabel;
    datacenter?: RawDnsLabel;
    /**
     * retry_join of this agent instead of every server's address; [] writes none.
     */
    retryJoin?: RawIpv4[];
    /**
     * bootstrap_expect of this server instead of the number of servers.
     */
    bootstrapExpect?: number;
    /**
     * false leaves the gossip key out of this agent's consul.hcl.
     */
    encrypt?: false;
  }[];
}
/**
 * Docker daemon settings for Docker hosts.
 */
export interface RawDocker {
  /**
   * Which hosts run Docker: all, or a list of host names.
   */
  hosts: 'all' | RawDnsLabel[];
  /**
   * Registry mirror URLs.
   *
   * Items: A mirror URL.
   */
  registryMirrors: string[];
  /**
   * DNS servers for containers: addresses, or consul for the host's own Consul DNS.
   *
   * Items: An IPv4 address or the word consul.
   */
  dns: ('consul' | RawIpv4)[];
  /**
   * registrator settings.
   */
  registrator?: {
    /**
     * host:port of the Consul agent registrator writes to, instead of the host's own agent (or the first server where none runs).
     */
    consul?: string;
  };
}
/**
 * containerd on every Kubernetes node, when it is the kubelet's runtime (kubernetes.containerRuntime).
 */
export interface RawContainerd {
  version?: RawVersion;
}
/**
 * Linter settings for this site.
 */
export interface RawLint {
  /**
   * Severity per rule id, overriding the rule's default: off, info, warning or error.
   */
  rules: {
    /**
     * The severity to report the rule's findings at, or off.
     */
    [k: string]: 'off' | 'info' | 'warning' | 'error';
  };
}

/**
 * Every field of the spec as a dotted path, `[]` for the items of a list (e.g. 'spec.hosts[].name'): what a
 * descriptor's `reads` names, so that tsc refuses a path the schema does not have.
 */
export type SpecPath =
  | 'apiVersion'
  | 'kind'
  | 'metadata'
  | 'metadata.name'
  | 'spec'
  | 'spec.consul'
  | 'spec.consul.agentOverrides'
  | 'spec.consul.agentOverrides[]'
  | 'spec.consul.agentOverrides[].bootstrapExpect'
  | 'spec.consul.agentOverrides[].datacenter'
  | 'spec.consul.agentOverrides[].encrypt'
  | 'spec.consul.agentOverrides[].host'
  | 'spec.consul.agentOverrides[].retryJoin'
  | 'spec.consul.agentOverrides[].retryJoin[]'
  | 'spec.consul.datacenter'
  | 'spec.consul.dnsPort'
  | 'spec.consul.encrypt'
  | 'spec.consul.encrypt.fromEnv'
  | 'spec.consul.encrypt.fromFile'
  | 'spec.consul.ingress'
  | 'spec.consul.ingress.discovery'
  | 'spec.consul.ingress.domain'
  | 'spec.consul.ingress.tcpPorts'
  | 'spec.consul.ingress.tcpPorts.from'
  | 'spec.consul.ingress.tcpPorts.to'
  | 'spec.consul.recursors'
  | 'spec.consul.recursors[]'
  | 'spec.consul.services'
  | 'spec.consul.services[]'
  | 'spec.consul.services[].name'
  | 'spec.consul.services[].port'
  | 'spec.consul.services[].tags'
  | 'spec.consul.services[].tags[]'
  | 'spec.consul.version'
  | 'spec.containerd'
  | 'spec.containerd.version'
  | 'spec.docker'
  | 'spec.docker.dns'
  | 'spec.docker.dns[]'
  | 'spec.docker.hosts'
  | 'spec.docker.hosts[]'
  | 'spec.docker.registrator'
  | 'spec.docker.registrator.consul'
  | 'spec.docker.registryMirrors'
  | 'spec.docker.registryMirrors[]'
  | 'spec.harbor'
  | 'spec.harbor.adminPassword'
  | 'spec.harbor.adminPassword.fromEnv'
  | 'spec.harbor.adminPassword.fromFile'
  | 'spec.harbor.caFile'
  | 'spec.harbor.database'
  | 'spec.harbor.database.embedded'
  | 'spec.harbor.database.host'
  | 'spec.harbor.database.password'
  | 'spec.harbor.database.password.fromEnv'
  | 'spec.harbor.database.password.fromFile'
  | 'spec.harbor.database.port'
  | 'spec.harbor.database.user'
  | 'spec.harbor.externalURL'
  | 'spec.harbor.httpPort'
  | 'spec.harbor.loadBalancer'
  | 'spec.harbor.loadBalancer.hosts'
  | 'spec.harbor.loadBalancer.hosts[]'
  | 'spec.harbor.loadBalancer.port'
  | 'spec.harbor.redis'
  | 'spec.harbor.redis.host'
  | 'spec.harbor.redis.password'
  | 'spec.harbor.redis.password.fromEnv'
  | 'spec.harbor.redis.password.fromFile'
  | 'spec.harbor.redis.port'
  | 'spec.harbor.sharedSecrets'
  | 'spec.harbor.sharedSecrets.coreSecret'
  | 'spec.harbor.sharedSecrets.coreSecret.fromEnv'
  | 'spec.harbor.sharedSecrets.coreSecret.fromFile'
  | 'spec.harbor.sharedSecrets.csrfKey'
  | 'spec.harbor.sharedSecrets.csrfKey.fromEnv'
  | 'spec.harbor.sharedSecrets.csrfKey.fromFile'
  | 'spec.harbor.sharedSecrets.jobserviceSecret'
  | 'spec.harbor.sharedSecrets.jobserviceSecret.fromEnv'
  | 'spec.harbor.sharedSecrets.jobserviceSecret.fromFile'
  | 'spec.harbor.storage'
  | 'spec.harbor.storage.sharedPath'
  | 'spec.harbor.version'
  | 'spec.hosts'
  | 'spec.hosts[]'
  | 'spec.hosts[].address'
  | 'spec.hosts[].apiServerCertificateFrom'
  | 'spec.hosts[].labels'
  | 'spec.hosts[].name'
  | 'spec.hosts[].roles'
  | 'spec.hosts[].roles[]'
  | 'spec.hosts[].taints'
  | 'spec.hosts[].taints[]'
  | 'spec.hosts[].taints[].effect'
  | 'spec.hosts[].taints[].key'
  | 'spec.hosts[].taints[].value'
  | 'spec.kubernetes'
  | 'spec.kubernetes.apiServer'
  | 'spec.kubernetes.apiServer.bindPort'
  | 'spec.kubernetes.apiServer.certSANs'
  | 'spec.kubernetes.apiServer.certSANs[]'
  | 'spec.kubernetes.bootstrapToken'
  | 'spec.kubernetes.bootstrapToken.fromEnv'
  | 'spec.kubernetes.bootstrapToken.fromFile'
  | 'spec.kubernetes.caCertHash'
  | 'spec.kubernetes.caCertHash.fromEnv'
  | 'spec.kubernetes.caCertHash.fromFile'
  | 'spec.kubernetes.certificateKey'
  | 'spec.kubernetes.certificateKey.fromEnv'
  | 'spec.kubernetes.certificateKey.fromFile'
  | 'spec.kubernetes.certificates'
  | 'spec.kubernetes.certificates.caValidityDays'
  | 'spec.kubernetes.certificates.expiryWarningDays'
  | 'spec.kubernetes.certificates.validityDays'
  | 'spec.kubernetes.containerRuntime'
  | 'spec.kubernetes.controlPlane'
  | 'spec.kubernetes.controlPlane.schedulable'
  | 'spec.kubernetes.controlPlaneEndpoint'
  | 'spec.kubernetes.kubeProxy'
  | 'spec.kubernetes.kubeProxy.server'
  | 'spec.kubernetes.loadBalancer'
  | 'spec.kubernetes.loadBalancer.addToCertificates'
  | 'spec.kubernetes.loadBalancer.connectTimeout'
  | 'spec.kubernetes.loadBalancer.engine'
  | 'spec.kubernetes.loadBalancer.interface'
  | 'spec.kubernetes.loadBalancer.mode'
  | 'spec.kubernetes.loadBalancer.port'
  | 'spec.kubernetes.loadBalancer.provider'
  | 'spec.kubernetes.loadBalancer.proxyTimeout'
  | 'spec.kubernetes.loadBalancer.virtualAddress'
  | 'spec.kubernetes.loadBalancer.virtualRouterId'
  | 'spec.kubernetes.loadBalancer.vrrpPassword'
  | 'spec.kubernetes.loadBalancer.vrrpPassword.fromEnv'
  | 'spec.kubernetes.loadBalancer.vrrpPassword.fromFile'
  | 'spec.kubernetes.networking'
  | 'spec.kubernetes.networking.dnsDomain'
  | 'spec.kubernetes.networking.podSubnet'
  | 'spec.kubernetes.networking.serviceSubnet'
  | 'spec.kubernetes.rollout'
  | 'spec.kubernetes.rollout.workerBatchSize'
  | 'spec.kubernetes.users'
  | 'spec.kubernetes.users[]'
  | 'spec.kubernetes.users[].clusterRole'
  | 'spec.kubernetes.users[].groups'
  | 'spec.kubernetes.users[].groups[]'
  | 'spec.kubernetes.users[].name'
  | 'spec.kubernetes.users[].server'
  | 'spec.kubernetes.version'
  | 'spec.lint'
  | 'spec.lint.rules'
  | 'spec.osFamily';
