import { componentCertificate, kubeletCertificate, PKI_DIR, usesKubeadm, type CertificatePlan } from '@clusterspec/pki';
import { HOST_FIELDS, artifact, defineArtifact, hostFile, yamlDocuments, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { endpointURL, kubeconfig, type Kubeconfig } from './kubeconfig';

export const componentKubeconfigFile = defineArtifact<Kubeconfig>({
  id: 'kubernetes/component-kubeconfig',
  pattern: 'hosts/*/etc/kubernetes/{kubelet,controller-manager,scheduler}.conf',
  description: 'a component\'s kubeconfig naming certificate files (legacy flow): on a control-plane host it dials its own apiserver, elsewhere controlPlaneEndpoint',
  where: 'nodes, legacy flow',
  reads: [...HOST_FIELDS, 'spec.kubernetes.apiServer.bindPort', 'spec.kubernetes.controlPlaneEndpoint', 'spec.kubernetes.version'],
  secretKeys: [],
  consumer: 'the kubelet, kube-controller-manager and kube-scheduler (client-go)',
  format: 'yaml',
  render: (config) => yamlDocuments(config),
});

function hostKubeconfig(host: Host, file: string, server: string, certificate: CertificatePlan): Artifact {
  const config = kubeconfig({
    server,
    user: certificate.commonName,
    certificateAuthority: `${PKI_DIR}/ca.crt`,
    clientCertificate: certificate.certFile,
    clientKey: certificate.keyFile,
  });
  return artifact(componentKubeconfigFile, hostFile(host, `/etc/kubernetes/${file}`), config);
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
