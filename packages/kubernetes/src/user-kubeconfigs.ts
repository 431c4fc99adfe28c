import { userCertificate } from '@clusterspec/pki';
import { artifact, yamlDocuments, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { endpointURL, kubeconfig } from './kubeconfig';

/**
 * One kubeconfig per user in kubernetes.users, dialling controlPlaneEndpoint. Its certificate files are
 * relative, so kubectl finds them beside the kubeconfig, where sign.sh's output and the CA are copied.
 */
export function generateUserKubeconfigs(model: ClusterModel): Artifact[] {
  return model.kubernetes.users.map((user) => {
    const certificate = userCertificate(user);
    const content = kubeconfig({
      server: user.server?.text ?? endpointURL(model.kubernetes.controlPlaneEndpoint),
      user: user.name,
      certificateAuthority: 'ca.crt',
      clientCertificate: certificate.certFile,
      clientKey: certificate.keyFile,
    });
    return artifact(`cluster/kubeconfig/${user.name}.conf`, yamlDocuments(content));
  });
}
