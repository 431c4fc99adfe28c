import { apiServerCertificates, CERTIFICATE_ARTIFACTS, validFor } from '@clusterspec/analysis';
import { defineRule } from '../rule';

/** The design documents copied shaolin's apiserver certificate to wudang and emei; every kubelet there then failed x509. */
export const sanAdvertiseAddress = defineRule({
  id: 'san-advertise-address',
  description: "Each apiserver's certificate covers its own host's advertise address.",
  severity: 'error',
  reads: CERTIFICATE_ARTIFACTS,
  check({ model, artifacts, report }) {
    const certificates = apiServerCertificates(model, artifacts);
    for (const host of model.kubernetes.controlPlaneHosts) {
      const certificate = certificates.get(host.name);
      if (!certificate || certificate.ipAddresses.includes(host.address)) continue;
      const index = model.hosts.indexOf(host);
      const copied = certificate.copiedFrom ? ` (a copy of ${certificate.copiedFrom}'s)` : '';
      report({
        field: host.apiServerCertificateFrom ? ['spec', 'hosts', index, 'apiServerCertificateFrom'] : ['spec', 'hosts', index, 'address'],
        artifact: 'pki/plan.json',
        message: `the apiserver certificate on ${host.name}${copied} is valid for ${validFor(certificate)}, not ${host.address}, the address it advertises; give each control-plane host its own certificate`,
      });
    }
  },
});
