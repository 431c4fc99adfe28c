import { componentCertificate, kubeletCertificate, PKI_DIR, usesKubeadm, type CertificatePlan } from '@clusterspec/pki';
import { artifact, hostFile, yamlDocuments, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { endpointURL, kubeconfig } from './kubeconfig';

function hostKubeconfig(host: Host, file: string, server: string, certificate: CertificatePlan): Artifact {
  const content = kubeconfig({
    server,
    user: certificate.commonName,
    certificateAuthority: `${PKI_DIR}/ca.crt`,
    clientCertificate: certificate.certFile,
    clientKey: certificate.keyFile,
  });
  return artifact(hostFile(host, `/etc/kubernetes/${file}`), yamlDocuments(content));
}

/**
 * Legacy flow: kubelet.conf on every node, plus controller-manager.conf and scheduler.conf on control-plane hosts.
 * On a control-plane host they dial the host's own apiserver (whose certificate carries its own address); elsewhere
 * the kubelet dials controlPlaneEndpoint, never one control-plane host.
 */
export function generateComponentKubeconfigs(model: ClusterModel): Artifact[] {
  if (usesKubeadm(model)) return [];
  const { nodes, controlPlaneEndpoint, apiServer } = model.kubernetes;
  return nodes.flatMap((host) => {
    if (!host.roles.includes('control-plane')) {
      return [hostKubeconfig(host, 'kubelet.conf', endpointURL(controlPlaneEndpoint), kubeletCertificate(host))];
    }
    const ownApiServer = endpointURL({ host: host.address, port: apiServer.bindPort });
    return [
      hostKubeconfig(host, 'kubelet.conf', ownApiServer, kubeletCertificate(host)),
      hostKubeconfig(host, 'controller-manager.conf', ownApiServer, componentCertificate(model, 'controller-manager')),
      hostKubeconfig(host, 'scheduler.conf', ownApiServer, componentCertificate(model, 'scheduler')),
    ];
  });
}
