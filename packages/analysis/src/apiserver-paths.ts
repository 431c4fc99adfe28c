import type { DeployedCertificates } from '@clusterspec/pki';
import type { Artifact, ClusterModel } from '@clusterspec/spec';
import { apiServerClients, CLIENT_ARTIFACTS, type ApiServerClient } from './apiserver-clients';
import {
  apiServerCertificates,
  apiServerRoutes,
  certificateCovers,
  CERTIFICATE_ARTIFACTS,
  deployedApiServerCertificates,
  type ApiServerRoute,
  type ServedCertificate,
} from './apiservers';
import { BALANCER_ARTIFACTS } from './balancers';
import { perSite } from './per-site';
import { VIRTUAL_ADDRESS_ARTIFACTS } from './virtual-addresses';
import { HOSTS_ARTIFACTS, resolveName } from './resolution';

/** One way one client's connection ends at an apiserver, and whether TLS will succeed there. */
export interface ApiServerPath {
  readonly client: ApiServerClient;
  /** The name or address the client dials, and the port. */
  readonly dialled: string;
  readonly port: number;
  /** What the name resolves to for that client. */
  readonly address: string;
  readonly route: ApiServerRoute;
  /** The certificate the apiserver at the end serves (undefined when there is none for it: not in pki/plan.json, or not collected). */
  readonly certificate?: ServedCertificate;
  /** False when the certificate does not name what the client dialled: san-coverage reports it. */
  readonly covered: boolean;
}

/** Everything apiServerPaths reads. */
export const PATH_ARTIFACTS = [...CLIENT_ARTIFACTS, ...HOSTS_ARTIFACTS, ...BALANCER_ARTIFACTS, ...VIRTUAL_ADDRESS_ARTIFACTS, ...CERTIFICATE_ARTIFACTS];

/**
 * client → name → address → (load balancer) → apiserver, for every client and route. One analysis for
 * san-coverage and the topology picture, so the red edges drawn are exactly the findings reported.
 */
export const apiServerPaths = perSite((model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): ApiServerPath[] =>
  pathsServing(model, artifacts, apiServerCertificates(model, artifacts)),
);

/** The same paths, judged against the certificates collected from the hosts (`--certs DIR`) instead of the plan. */
export function deployedApiServerPaths(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>, deployed: DeployedCertificates): ApiServerPath[] {
  return pathsServing(model, artifacts, deployedApiServerCertificates(model, artifacts, deployed));
}

function pathsServing(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>, certificates: ReadonlyMap<string, ServedCertificate>): ApiServerPath[] {
  return apiServerClients(model, artifacts).flatMap((client) => {
    const { host: dialled, port } = client.server;
    const address = resolveName(model, artifacts, dialled, client.host);
    if (!address) return [];
    return apiServerRoutes(model, artifacts, address, port, client.host).map((route) => {
      const certificate = certificates.get(route.apiServer.name);
      return { client, dialled, port, address, route, certificate, covered: !certificate || certificateCovers(certificate, dialled) };
    });
  });
}
