import { apiServerCertificates, CERTIFICATE_ARTIFACTS, deployedApiServerCertificates, REISSUE, validFor } from '@clusterspec/analysis';
import { describeDeployed } from '@clusterspec/pki';
import { defineRule } from '../rule';

/**
 * A hand-built site that copied one host's apiserver certificate onto the others: every kubelet there dials its own
 * apiserver and fails with x509: certificate is valid for <the first host's names>, not <its own address>
 * (fixtures/broken/copied-apiserver-cert).
 */
export const sanAdvertiseAddress = defineRule({
  id: 'san-advertise-address',
  description: "Each apiserver's certificate covers its own host's advertise address.",
  severity: 'error',
  messages: {
    missingAdvertiseAddress: `the apiserver certificate on {{host}}{{copied}} is valid for {{validFor}}, not {{address}}, the address it advertises; give each control-plane host its own certificate`,
    deployedMissingAdvertiseAddress: `{{deployed}} (as deployed) is valid for {{validFor}}, not {{address}}, the address {{host}} advertises: {{REISSUE}}`,
  },
  reads: CERTIFICATE_ARTIFACTS,
  check({ model, artifacts, deployed, report }) {
    const certificates = apiServerCertificates(model, artifacts);
    for (const host of model.kubernetes.controlPlaneHosts) {
      const certificate = certificates.get(host.name);
      if (!certificate || certificate.ipAddresses.includes(host.address)) continue;
      const index = model.hosts.indexOf(host);
      const copied = certificate.copiedFrom ? ` (a copy of ${certificate.copiedFrom}'s)` : '';
      report({
        field: host.apiServerCertificateFrom ? ['spec', 'hosts', index, 'apiServerCertificateFrom'] : ['spec', 'hosts', index, 'address'],
        artifact: 'pki/plan.json',
        messageId: 'missingAdvertiseAddress',
        data: { host: host.name, copied, validFor: validFor(certificate), address: host.address },
      });
    }
    if (!deployed) return;
    // The same mistake on a live site: shaolin's certificate copied onto wudang and emei by hand.
    for (const [name, certificate] of deployedApiServerCertificates(model, artifacts, deployed)) {
      const host = model.kubernetes.controlPlaneHosts.find((candidate) => candidate.name === name);
      if (!host || !certificate.deployed || certificate.ipAddresses.includes(host.address)) continue;
      report({
        field: ['spec', 'hosts', model.hosts.indexOf(host), 'name'],
        artifact: certificate.deployed.file,
        messageId: 'deployedMissingAdvertiseAddress',
        data: { deployed: describeDeployed(certificate.deployed), validFor: validFor(certificate), address: host.address, host: host.name, REISSUE },
      });
    }
  },
});
