import { componentCertificate, kubeletCertificate, PKI_DIR, type CertificatePlan } from '@clusterspec/pki';
import { artifact, defineArtifact, HOST_FIELDS, hostFile, usesKubeadm, yamlDocuments, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { endpointURL, kubeconfig, type Kubeconfig } from './kubeconfig';
import { perNodeProxyHosts, perNodeProxyServer } from './per-node-proxy';

export const componentKubeconfigFile = defineArtifact<Kubeconfig>({
  id: 'kubernetes/component-kubeconfig',
  pattern: 'hosts/*/etc/kubernetes/{kubelet,controller-manager,scheduler}.conf',
  description:
    "a component's kubeconfig naming certificate files (legacy flow): on a control-plane host it dials its own apiserver, elsewhere controlPlaneEndpoint, or in per-node mode the node's own proxy on 127.0.0.1",
  where: 'nodes, legacy flow',
  reads: [
    ...HOST_FIELDS,
    'spec.kubernetes.apiServer.bindPort',
    'spec.kubernetes.controlPlaneEndpoint',
    'spec.kubernetes.loadBalancer.mode',
    'spec.kubernetes.loadBalancer.port',
    'spec.kubernetes.version',
  ],
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
 * the kubelet dials controlPlaneEndpoint, never one control-plane host, or in per-node mode its own proxy.
 */
export function generateComponentKubeconfigs(model: ClusterModel): Artifact[] {
  if (usesKubeadm(model)) return [];
  const { nodes, controlPlaneEndpoint, apiServer } = model.kubernetes;
  const proxied = perNodeProxyHosts(model);
  return nodes.flatMap((host) => {
    if (!host.roles.includes('control-plane')) {
      const server = proxied.includes(host) ? perNodeProxyServer(model) : controlPlaneEndpoint;
      return [hostKubeconfig(host, 'kubelet.conf', endpointURL(server), kubeletCertificate(host))];
    }
    const ownApiServer = endpointURL({ host: host.address, port: apiServer.bindPort });
    return [
      hostKubeconfig(host, 'kubelet.conf', ownApiServer, kubeletCertificate(host)),
      hostKubeconfig(host, 'controller-manager.conf', ownApiServer, componentCertificate(model, 'controller-manager')),
      hostKubeconfig(host, 'scheduler.conf', ownApiServer, componentCertificate(model, 'scheduler')),
    ];
  });
}
