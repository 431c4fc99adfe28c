import { apiServerPaths, deployedApiServerPaths, describeRoute, PATH_ARTIFACTS, REISSUE, validFor } from '@clusterspec/analysis';
import { describeDeployed } from '@clusterspec/pki';
import { defineRule } from '../rule';

/**
 * The x509 failure of the design documents, found before deploy: follow each client to every apiserver that
 * may answer it. With `--certs DIR` the same paths are judged against the certificates the hosts really serve,
 * so a live site's failure is found before a client meets it.
 */
export const sanCoverage = defineRule({
  id: 'san-coverage',
  description: 'Every apiserver a client may reach has a certificate valid for the name or address the client dials.',
  severity: 'error',
  reads: PATH_ARTIFACTS,
  check({ model, artifacts, deployed, report }) {
    for (const { client, dialled, port, route, certificate, covered } of apiServerPaths(model, artifacts)) {
      if (covered || !certificate) continue;
      // Dialled directly, a host's own certificate always names its address: the copy is what to change.
      const copied = !route.via && route.apiServer.apiServerCertificateFrom !== undefined;
      report({
        field: copied ? ['spec', 'hosts', model.hosts.indexOf(route.apiServer), 'apiServerCertificateFrom'] : client.field,
        artifact: client.artifact,
        host: client.host?.name,
        message: `${client.name} dials ${dialled}:${port}, which reaches ${describeRoute(route)}: x509: certificate is valid for ${validFor(certificate)}, not ${dialled}`,
      });
    }
    if (!deployed) return;
    for (const { client, dialled, port, route, certificate, covered } of deployedApiServerPaths(model, artifacts, deployed)) {
      if (covered || !certificate?.deployed) continue;
      report({
        field: ['spec', 'hosts', model.hosts.indexOf(route.apiServer), 'name'],
        artifact: certificate.deployed.file,
        host: client.host?.name,
        message: `${client.name} dials ${dialled}:${port}, which reaches ${describeRoute(route)}: x509: certificate is valid for ${validFor(certificate)}, not ${dialled} (${describeDeployed(certificate.deployed)}, as deployed): ${REISSUE}`,
      });
    }
  },
});
