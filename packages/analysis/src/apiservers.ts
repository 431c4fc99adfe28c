import { PLAN_PATH, planFile, type CertificatePlan, type DeployedCertificate, type DeployedCertificates } from '@clusterspec/pki';
import { dataOf, looksLikeIpv4, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { streamBalancers } from './balancers';
import { holdersOf, isLoopback } from './virtual-addresses';
import { perSite } from './per-site';

/** One way a connection to address:port can end at an apiserver. */
export interface ApiServerRoute {
  /** The apiserver's host. */
  readonly apiServer: Host;
  /** The load balancer host on the way, if any. */
  readonly via?: Host;
}

export function describeRoute(route: ApiServerRoute): string {
  return route.via ? `${route.via.name} → ${route.apiServer.name}` : `${route.apiServer.name} directly`;
}

/**
 * Every apiserver a connection to address:port may reach: through any balancer listening there, or directly.
 * An address reaches its host, a virtual address every host the generated keepalived or kube-vip files let
 * hold it, and a loopback address the dialling host `from` itself (a per-node proxy, or the local apiserver).
 */
export function apiServerRoutes(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>, address: string, port: number, from?: Host): ApiServerRoute[] {
  const { controlPlaneHosts, apiServer } = model.kubernetes;
  const holders = holdersOf(model, artifacts, address);
  // A site may give its hosts loopback addresses (a test site on one machine): only an address no host has is "here".
  const loopback = isLoopback(address) && holders.length === 0 && !model.hosts.some((host) => host.address === address);
  const atAddress = (host: Host) => (loopback ? host === from : host.address === address || holders.includes(host));
  // A balancer bound to one address (the per-node proxy on 127.0.0.1) answers only there.
  const listensOn = (listenAddress: string | undefined) => listenAddress === undefined || listenAddress === address || (loopback && isLoopback(listenAddress));
  const routes: ApiServerRoute[] = streamBalancers(model, artifacts)
    .filter((balancer) => atAddress(balancer.host) && balancer.port === port && listensOn(balancer.listenAddress))
    .flatMap((balancer) =>
      balancer.backends.flatMap((backend) =>
        controlPlaneHosts
          .filter((host) => host.address === backend.address && backend.port === apiServer.bindPort)
          .map((host) => ({ apiServer: host, via: balancer.host })),
      ),
    );
  const direct = controlPlaneHosts.filter((host) => atAddress(host) && port === apiServer.bindPort).map((host) => ({ apiServer: host }));
  return [...routes, ...direct];
}

/** The file apiServerCertificates reads, for rules' `reads`. */
export const CERTIFICATE_ARTIFACTS = [planFile.pattern] as const;

/** The names a certificate carries, whether planned or deployed. */
export interface SubjectAltNames {
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/**
 * The certificate an apiserver serves, as the dial-path analysis judges it: its plan (pki/plan.json), or the
 * certificate collected from the host (`--certs DIR`), so one analysis finds the x509 failure before deploy
 * and on a live site.
 */
export interface ServedCertificate extends SubjectAltNames {
  /** The host whose certificate this is a copy of (planned with apiServerCertificateFrom). */
  readonly copiedFrom?: string;
  /** Set when it is the deployed certificate rather than the plan. */
  readonly deployed?: DeployedCertificate;
}

/** The apiserver certificate plans by host name, as pki/plan.json will hand them out. */
export const apiServerCertificates = perSite((_model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): Map<string, CertificatePlan> => {
  const certificates = dataOf(artifacts.get(PLAN_PATH), planFile)?.certificates ?? [];
  return new Map(
    certificates.filter((certificate) => certificate.commonName === 'kube-apiserver').map((certificate) => [certificate.installOn[0], certificate]),
  );
});

/**
 * The apiserver certificates the hosts really serve, by host name: the file pki/plan.json installs for each
 * (the one its manifest or kubeadm names), as collected from that host. Hosts with nothing collected are absent.
 */
export function deployedApiServerCertificates(
  model: ClusterModel,
  artifacts: ReadonlyMap<string, Artifact>,
  deployed: DeployedCertificates,
): Map<string, ServedCertificate> {
  const served = new Map<string, ServedCertificate>();
  for (const [host, plan] of apiServerCertificates(model, artifacts)) {
    const certificate = deployed.certificates.find((candidate) => candidate.host === host && candidate.path === plan.certFile);
    if (certificate) served.set(host, { dnsNames: certificate.dnsNames, ipAddresses: certificate.ipAddresses, deployed: certificate });
  }
  return served;
}

/** Whether a certificate is valid for a dialled name or address, with one-label wildcards as TLS clients match them. */
export function certificateCovers(certificate: SubjectAltNames, dialled: string): boolean {
  if (looksLikeIpv4(dialled)) return certificate.ipAddresses.includes(dialled);
  return certificate.dnsNames.some((name) => name === dialled || (name.startsWith('*.') && dialled.slice(dialled.indexOf('.')) === name.slice(1)));
}

/** The names as Go's x509 error lists them: DNS names, then IP addresses. */
export function validFor(certificate: SubjectAltNames): string {
  return [...certificate.dnsNames, ...certificate.ipAddresses].join(', ');
}
