import { looksLikeIpv4, type ClusterModel, type Host } from '@clusterspec/spec';

/** Where the static pods of the legacy flow and kubeadm keep certificates. */
export const PKI_DIR = '/etc/kubernetes/pki';

/** Whether kubeadm sets the site up (the release table's flow), issuing the control-plane certificates itself. */
export function usesKubeadm(model: ClusterModel): boolean {
  return model.kubernetes.release.flow === 'kubeadm';
}

export interface CertificatePlan {
  /** Stable identifier, also the base name of the openssl files and of sign.sh's output. */
  readonly id: string;
  readonly usage: 'server' | 'client';
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


/** kubeadm's GetAPIServerAltNames: node name, the kubernetes Service names, Service IP, advertise address, endpoint host, certSANs. */
export function apiServerAltNames(model: ClusterModel, host: Host): { dnsNames: string[]; ipAddresses: string[] } {
  const { networking, controlPlaneEndpoint, apiServer } = model.kubernetes;
  const names = [
    host.name,
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${networking.dnsDomain}`,
    networking.apiServerServiceIP,
    host.address,
    controlPlaneEndpoint.host,
    ...apiServer.certSANs,
  ];
  const unique = [...new Set(names)];
  return { dnsNames: unique.filter((name) => !looksLikeIpv4(name)), ipAddresses: unique.filter(looksLikeIpv4) };
}

function ownApiServerCertificate(model: ClusterModel, host: Host): CertificatePlan {
  const kubeadm = usesKubeadm(model);
  // The legacy flow gives each host a certificate of its own name; copying one host's cert is the x509 failure of the design documents.
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

function clientCertificate(id: string, commonName: string, organizations: readonly string[], installOn: readonly string[], directory: string): CertificatePlan {
  return {
    id,
    usage: 'client',
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
  return clientCertificate(component, `system:kube-${component}`, [], model.kubernetes.controlPlaneHosts.map((host) => host.name), `${PKI_DIR}/`);
}

/** A kubectl user's client certificate: CN is the user, one O per group; it sits beside the user's kubeconfig. */
export function userCertificate(user: { name: string; groups: readonly string[] }): CertificatePlan {
  return { ...clientCertificate(`user-${user.name}`, user.name, user.groups, [], ''), certFile: `${user.name}.crt`, keyFile: `${user.name}.key` };
}

/** Every certificate the site needs beyond the CA, in a stable order. */
export function planCertificates(model: ClusterModel): CertificatePlan[] {
  const { controlPlaneHosts, nodes, users } = model.kubernetes;
  const legacy = usesKubeadm(model)
    ? []
    : [...nodes.map(kubeletCertificate), componentCertificate(model, 'controller-manager'), componentCertificate(model, 'scheduler')];
  return [...controlPlaneHosts.map((host) => apiServerCertificate(model, host)), ...legacy, ...users.map(userCertificate)];
}
