import { apiServerClients } from '../analysis/apiserver-clients';
import { apiServerCertificates, apiServerRoutes, certificateCovers, describeRoute, validFor } from '../analysis/apiservers';
import { resolveName } from '../analysis/resolution';
import { defineRule } from '../rule';

/** The x509 failure of the design documents, found before deploy: follow each client to every apiserver that may answer it. */
export const sanCoverage = defineRule({
  id: 'san-coverage',
  description: 'Every apiserver a client may reach has a certificate valid for the name or address the client dials.',
  severity: 'error',
  check({ model, artifacts, report }) {
    const certificates = apiServerCertificates(model, artifacts);
    for (const client of apiServerClients(model, artifacts)) {
      const { host: dialled, port } = client.server;
      const address = resolveName(model, artifacts, dialled, client.host);
      if (!address) continue;
      for (const route of apiServerRoutes(model, artifacts, address, port)) {
        const certificate = certificates.get(route.apiServer.name);
        if (!certificate || certificateCovers(certificate, dialled)) continue;
        // Dialled directly, a host's own certificate always names its address: the copy is what to change.
        const copied = !route.via && route.apiServer.apiServerCertificateFrom !== undefined;
        report({
          field: copied ? ['spec', 'hosts', model.hosts.indexOf(route.apiServer), 'apiServerCertificateFrom'] : client.field,
          artifact: client.artifact,
          message: `${client.name} dials ${dialled}:${port}, which reaches ${describeRoute(route)}: x509: certificate is valid for ${validFor(certificate)}, not ${dialled}`,
        });
      }
    }
  },
});
