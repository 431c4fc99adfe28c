import {
  apiServerCertificates,
  apiServerPaths,
  apiServerRoutes,
  certificateCovers,
  deployedApiServerPaths,
  describeRoute,
  isLoopback,
  PATH_ARTIFACTS,
  REISSUE,
  streamBalancers,
  validFor,
  virtualAddressHolders,
} from '@clusterspec/analysis';
import { describeDeployed } from '@clusterspec/pki';
import type { FieldPath, Host } from '@clusterspec/spec';
import { defineRule, type RuleContext } from '../rule';

/**
 * Every address:port at which a balancer path to the apiservers starts: each apiserver balancer at its host's
 * address (or, bound to loopback, at 127.0.0.1 from its own host), each virtual address at the ports its
 * holders serve (their balancers, and their own apiservers when kube-vip puts it on control-plane hosts).
 */
function balancerEntrances({ model, artifacts }: Pick<RuleContext, 'model' | 'artifacts'>): { address: string; port: number; from?: Host; virtual: boolean }[] {
  const apiServerAddresses = new Set(model.kubernetes.controlPlaneHosts.map((host) => host.address));
  const balancers = streamBalancers(model, artifacts).filter((balancer) => balancer.backends.some((backend) => apiServerAddresses.has(backend.address)));
  const holders = virtualAddressHolders(model, artifacts);
  const entrances = balancers.flatMap((balancer) =>
    balancer.listenAddress && isLoopback(balancer.listenAddress)
      ? [{ address: '127.0.0.1', port: balancer.port, from: balancer.host, virtual: false }]
      : [
          { address: balancer.host.address, port: balancer.port, virtual: false },
          ...holders.filter((holder) => holder.host === balancer.host).map((holder) => ({ address: holder.address, port: balancer.port, virtual: true })),
        ],
  );
  const direct = holders
    .filter((holder) => holder.host.roles.includes('control-plane'))
    .map((holder) => ({ address: holder.address, port: model.kubernetes.apiServer.bindPort, virtual: true }));
  return [...entrances, ...direct];
}

/**
 * `x509: certificate is valid for …, not <what the client dialled>`, found before deploy: follow each client to every apiserver that
 * may answer it. With `--certs DIR` the same paths are judged against the certificates the hosts really serve,
 * so a live site's failure is found before a client meets it.
 */
export const sanCoverage = defineRule({
  id: 'san-coverage',
  description: 'Every apiserver a client may reach has a certificate valid for the name or address the client dials.',
  severity: 'error',
  messages: {
    notCovered: `{{client}} dials {{dialled}}:{{port}}, which reaches {{route}}: x509: certificate is valid for {{validFor}}, not {{dialled}}`,
    balancerPathNotCovered: `{{key}} is on a balancer path ({{routes}}), but the certificate of {{apiServers}} does not carry {{address}}: a client dialling it gets x509: certificate is valid for {{validFor}}, not {{address}}; add it to apiServer.certSANs if anyone dials it`,
    deployedNotCovered: `{{client}} dials {{dialled}}:{{port}}, which reaches {{route}}: x509: certificate is valid for {{validFor}}, not {{dialled}} ({{deployed}}, as deployed): {{REISSUE}}`,
  },
  reads: PATH_ARTIFACTS,
  check(context) {
    const { model, artifacts, deployed, report } = context;
    for (const { client, dialled, port, route, certificate, covered } of apiServerPaths(model, artifacts)) {
      if (covered || !certificate) continue;
      // Dialled directly, a host's own certificate always names its address: the copy is what to change.
      const copied = !route.via && route.apiServer.apiServerCertificateFrom !== undefined;
      report({
        field: copied ? ['spec', 'hosts', model.hosts.indexOf(route.apiServer), 'apiServerCertificateFrom'] : client.field,
        artifact: client.artifact,
        host: client.host?.name,
        messageId: 'notCovered',
        data: { client: client.name, dialled, port, route: describeRoute(route), validFor: validFor(certificate) },
      });
    }
    // No generated client may dial a balancer by address, but people and tools do: say which ones would fail.
    const certificates = apiServerCertificates(model, artifacts);
    const lacking = new Map<string, { address: string; routes: Set<string>; apiServers: Set<string>; virtual: boolean; validFor: string }>();
    for (const entrance of balancerEntrances(context)) {
      for (const route of apiServerRoutes(model, artifacts, entrance.address, entrance.port, entrance.from)) {
        const certificate = certificates.get(route.apiServer.name);
        if (!certificate || certificateCovers(certificate, entrance.address)) continue;
        const key = `${entrance.address}:${entrance.port}`;
        const entry = lacking.get(key) ?? {
          address: entrance.address,
          routes: new Set<string>(),
          apiServers: new Set<string>(),
          virtual: entrance.virtual,
          validFor: validFor(certificate),
        };
        entry.routes.add(describeRoute(route));
        entry.apiServers.add(route.apiServer.name);
        lacking.set(key, entry);
      }
    }
    for (const [key, entry] of lacking) {
      const { address } = entry;
      const { loadBalancer } = model.kubernetes;
      const field: FieldPath =
        entry.virtual && !loadBalancer.addToCertificates
          ? ['spec', 'kubernetes', 'loadBalancer', 'addToCertificates']
          : ['spec', 'kubernetes', 'apiServer', 'certSANs'];
      report({
        field,
        severity: 'info',
        artifact: 'pki/plan.json',
        messageId: 'balancerPathNotCovered',
        data: { key, routes: [...entry.routes].join(', '), apiServers: [...entry.apiServers].join(', '), address, validFor: entry.validFor },
      });
    }
    if (!deployed) return;
    for (const { client, dialled, port, route, certificate, covered } of deployedApiServerPaths(model, artifacts, deployed)) {
      if (covered || !certificate?.deployed) continue;
      report({
        field: ['spec', 'hosts', model.hosts.indexOf(route.apiServer), 'name'],
        artifact: certificate.deployed.file,
        host: client.host?.name,
        messageId: 'deployedNotCovered',
        data: {
          client: client.name,
          dialled,
          port,
          route: describeRoute(route),
          validFor: validFor(certificate),
          deployed: describeDeployed(certificate.deployed),
          REISSUE,
        },
      });
    }
  },
});
