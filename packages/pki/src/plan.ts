import { looksLikeIpv4, usesKubeadm, type ClusterModel, type Host } from '@clusterspec/spec';

/** Where the static pods of the legacy flow and kubeadm keep certificates. */
export const PKI_DIR = '/etc/kubernetes/pki';

/** The cluster CA every apiserver, kubelet and user certificate chains to. */
export const CA_FILE = `${PKI_DIR}/ca.crt`;
/** etcd's own CA, as kubeadm lays it out: it signs the etcd members and the apiserver's etcd client certificate. */
export const ETCD_PKI_DIR = `${PKI_DIR}/etcd`;
export const ETCD_CA_FILE = `${ETCD_PKI_DIR}/ca.crt`;
export const FRONT_PROXY_CA_FILE = `${PKI_DIR}/front-proxy-ca.crt`;
/** The apiserver's client certificate towards etcd (kubeadm's name, used by the legacy flow too). */
export const APISERVER_ETCD_CLIENT = `${PKI_DIR}/apiserver-etcd-client`;
/** Where a user's certificate sits in out/<cluster>/ and in a collected certificate folder: beside the kubeconfig. */
export const USER_CERTIFICATE_DIR = 'cluster/kubeconfig';

export interface CertificatePlan {
  /** Stable identifier, also the base name of the openssl files and of sign.sh's output. */
  readonly id: string;
  /** server: serverAuth; client: clientAuth; peer: both (an etcd member serves its peers and dials them). */
  readonly usage: 'server' | 'client' | 'peer';
  readonly commonName: string;
  readonly organizations: readonly string[];
  /** Subject alternative names, in kubeadm's order. */
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** Where the certificate and key are installed (absolute on a host, or beside a user's kubeconfig). */
  readonly certFile: string;
  readonly keyFile: string;
  /** Hosts it is installed on; empty for a user's workstation. */
  readonly installOn: readonly string[];
  /** Who creates it: kubeadm (kubeadm flow) or pki/sign.sh. */
  readonly issuedBy: 'kubeadm' | 'sign.sh';
  /** For sign.sh: the CSR config shared by certificates with the same subject. */
  readonly csrConfig: string;
  /** Set when the host serves a copy of another host's certificate rather than its own. */
  readonly copiedFrom?: string;
}

/**
 * apiServer.certSANs as written to kubeadm's ClusterConfiguration and the plan: the spec's, then the names
 * clients dial on a balancer path. A client dialling the virtual address gets an apiserver's certificate
 * (TCP balancing passes TLS through), and per-node proxies are dialled as 127.0.0.1; kubespray adds
 * loadbalancer_apiserver.address, localhost and 127.0.0.1 the same way.
 */
export function apiServerCertSANs(model: ClusterModel): string[] {
  const { apiServer, loadBalancer } = model.kubernetes;
  const balancerNames = loadBalancer.addToCertificates
    ? [...(loadBalancer.virtualIP ? [loadBalancer.virtualIP.address] : []), ...(loadBalancer.mode === 'per-node' ? ['localhost', '127.0.0.1'] : [])]
    : [];
  return [...new Set([...apiServer.certSANs, ...balancerNames])];
}

/** kubeadm's GetAPIServerAltNames: node name, the kubernetes Service names, Service IP, advertise address, endpoint host, certSANs. */
export function apiServerAltNames(model: ClusterModel, host: Host): { dnsNames: string[]; ipAddresses: string[] } {
  const { networking, controlPlaneEndpoint } = model.kubernetes;
  const names = [
    host.name,
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${networking.dnsDomain}`,
    networking.apiServerServiceIP,
    host.address,
    controlPlaneEndpoint.host,
    ...apiServerCertSANs(model),
  ];
  const unique = [...new Set(names)];
  return { dnsNames: unique.filter((name) => !looksLikeIpv4(name)), ipAddresses: unique.filter(looksLikeIpv4) };
}

function ownApiServerCertificate(model: ClusterModel, host: Host): CertificatePlan {
  const kubeadm = usesKubeadm(model);
  // The legacy flow gives each host a certificate of its own name; a copy of one host's cert fails every kubelet on the others with x509 (san-advertise-address).
  const base = kubeadm ? 'apiserver' : `apiserver-${host.name}`;
  return {
    id: `apiserver-${host.name}`,
    usage: 'server',
    commonName: 'kube-apiserver',
    organizations: [],
    ...apiServerAltNames(model, host),
    certFile: `${PKI_DIR}/${base}.crt`,
    keyFile: `${PKI_DIR}/${base}.key`,
    installOn: [host.name],
    issuedBy: kubeadm ? 'kubeadm' : 'sign.sh',
    csrConfig: 'apiserver',
  };
}

function clientCertificate(
  id: string,
  commonName: string,
  organizations: readonly string[],
  installOn: readonly string[],
  directory: string,
  usage: CertificatePlan['usage'] = 'client',
): CertificatePlan {
  return {
    id,
    usage,
    commonName,
    organizations,
    dnsNames: [],
    ipAddresses: [],
    certFile: `${directory}${id}.crt`,
    keyFile: `${directory}${id}.key`,
    installOn,
    issuedBy: 'sign.sh',
    csrConfig: id,
  };
}

/** The apiserver serving certificate of a control-plane host, as its manifest or kubeadm names it; a copy carries its source's names. */
export function apiServerCertificate(model: ClusterModel, host: Host): CertificatePlan {
  const source = model.kubernetes.controlPlaneHosts.find((candidate) => candidate.name === host.apiServerCertificateFrom);
  if (!source) return ownApiServerCertificate(model, host);
  return { ...ownApiServerCertificate(model, source), id: `apiserver-${host.name}`, installOn: [host.name], copiedFrom: source.name };
}

/** Certificates sign.sh issues: a copy is the same file as its source, issued once. */
export function signedBySignScript(plan: CertificatePlan): boolean {
  return plan.issuedBy === 'sign.sh' && plan.copiedFrom === undefined;
}

/** The client certificate a legacy-flow kubelet presents: its node identity. */
export function kubeletCertificate(host: Host): CertificatePlan {
  return clientCertificate(`kubelet-${host.name}`, `system:node:${host.name}`, ['system:nodes'], [host.name], `${PKI_DIR}/`);
}

/** Client certificates of the legacy-flow controller-manager and scheduler, shared by every control-plane host. */
export function componentCertificate(model: ClusterModel, component: 'controller-manager' | 'scheduler'): CertificatePlan {
  return clientCertificate(
    component,
    `system:kube-${component}`,
    [],
    model.kubernetes.controlPlaneHosts.map((host) => host.name),
    `${PKI_DIR}/`,
  );
}

/** Where each user's kubeconfig is generated, relative to out/<cluster>/; it names ca.crt and its own certificate files beside it. */
export const USER_KUBECONFIG_DIR = 'cluster/kubeconfig';

/** A kubectl user's client certificate: CN is the user, one O per group; it sits beside the user's kubeconfig. */
export function userCertificate(user: { name: string; groups: readonly string[] }): CertificatePlan {
  return { ...clientCertificate(`user-${user.name}`, user.name, user.groups, [], ''), certFile: `${user.name}.crt`, keyFile: `${user.name}.key` };
}

/**
 * A legacy-flow etcd member's serving (server) or peer certificate, signed by the etcd CA: kubeadm's subject and
 * SANs (CN and DNS the host name, its address, localhost and 127.0.0.1, since every member also listens on
 * loopback), both usages as kubeadm issues them, a file per host so sign.sh's flat output does not collide.
 */
export function etcdMemberCertificate(host: Host, kind: 'server' | 'peer'): CertificatePlan {
  const id = `etcd-${kind}-${host.name}`;
  return {
    ...clientCertificate(id, host.name, [], [host.name], `${ETCD_PKI_DIR}/`, 'peer'),
    dnsNames: [host.name, 'localhost'],
    ipAddresses: [...new Set([host.address, '127.0.0.1'])],
    certFile: `${ETCD_PKI_DIR}/${kind}-${host.name}.crt`,
    keyFile: `${ETCD_PKI_DIR}/${kind}-${host.name}.key`,
  };
}

/** The legacy-flow apiserver's client certificate towards etcd (kubeadm's CN), on every control-plane host. */
export function apiServerEtcdClientCertificate(model: ClusterModel): CertificatePlan {
  return {
    ...clientCertificate(
      'apiserver-etcd-client',
      'kube-apiserver-etcd-client',
      [],
      model.kubernetes.controlPlaneHosts.map((host) => host.name),
      `${PKI_DIR}/`,
    ),
    certFile: `${APISERVER_ETCD_CLIENT}.crt`,
    keyFile: `${APISERVER_ETCD_CLIENT}.key`,
  };
}

/** The extended key usages a certificate of this usage carries (and a client or server checks). */
export function extendedKeyUsages(usage: CertificatePlan['usage']): readonly ('serverAuth' | 'clientAuth')[] {
  return usage === 'server' ? ['serverAuth'] : usage === 'client' ? ['clientAuth'] : ['serverAuth', 'clientAuth'];
}

/** Every certificate the site needs beyond the CAs, in a stable order. */
export function planCertificates(model: ClusterModel): CertificatePlan[] {
  const { controlPlaneHosts, nodes, users } = model.kubernetes;
  const legacy = usesKubeadm(model)
    ? []
    : [
        ...nodes.map(kubeletCertificate),
        componentCertificate(model, 'controller-manager'),
        componentCertificate(model, 'scheduler'),
        ...controlPlaneHosts.flatMap((host) => [etcdMemberCertificate(host, 'server'), etcdMemberCertificate(host, 'peer')]),
        apiServerEtcdClientCertificate(model),
      ];
  return [...controlPlaneHosts.map((host) => apiServerCertificate(model, host)), ...legacy, ...users.map(userCertificate)];
}

/** Where a certificate is installed: its absolute path on each host, or beside the kubeconfigs for a user's. */
export function installedPaths(plan: CertificatePlan): { host?: string; path: string }[] {
  return plan.installOn.length > 0 ? plan.installOn.map((host) => ({ host, path: plan.certFile })) : [{ path: `${USER_CERTIFICATE_DIR}/${plan.certFile}` }];
}

/** A certificate kubeadm creates in /etc/kubernetes/pki, and its name for `kubeadm certs renew` (kubeadm docs, "Certificate Management with kubeadm"). */
export interface KubeadmCertificate {
  readonly path: string;
  readonly usage: CertificatePlan['usage'];
  readonly renewName: string;
}

export const KUBEADM_CERTIFICATES: readonly KubeadmCertificate[] = [
  { path: `${PKI_DIR}/apiserver.crt`, usage: 'server', renewName: 'apiserver' },
  { path: `${PKI_DIR}/apiserver-kubelet-client.crt`, usage: 'client', renewName: 'apiserver-kubelet-client' },
  { path: `${APISERVER_ETCD_CLIENT}.crt`, usage: 'client', renewName: 'apiserver-etcd-client' },
  { path: `${PKI_DIR}/front-proxy-client.crt`, usage: 'client', renewName: 'front-proxy-client' },
  { path: `${ETCD_PKI_DIR}/server.crt`, usage: 'peer', renewName: 'etcd-server' },
  { path: `${ETCD_PKI_DIR}/peer.crt`, usage: 'peer', renewName: 'etcd-peer' },
  { path: `${ETCD_PKI_DIR}/healthcheck-client.crt`, usage: 'client', renewName: 'etcd-healthcheck-client' },
];

/** The CA certificate files of /etc/kubernetes/pki: the cluster CA, etcd's and the front proxy's. */
export const CA_FILES: readonly string[] = [CA_FILE, ETCD_CA_FILE, FRONT_PROXY_CA_FILE];

/**
 * The CA that must have signed the certificate installed at a path: etcd's CA for etcd's files and the
 * apiserver's etcd client, the front-proxy CA for its client, the cluster CA for everything else (kubeadm's
 * layout, which the legacy flow follows).
 */
export function signerOf(path: string): string {
  if (path.startsWith(`${ETCD_PKI_DIR}/`) || path === `${APISERVER_ETCD_CLIENT}.crt`) return ETCD_CA_FILE;
  if (path === `${PKI_DIR}/front-proxy-client.crt`) return FRONT_PROXY_CA_FILE;
  return CA_FILE;
}
