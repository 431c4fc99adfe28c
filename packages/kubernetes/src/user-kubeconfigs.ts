import { USER_KUBECONFIG_DIR, userCertificate } from '@clusterspec/pki';
import { artifact, defineArtifact, yamlDocuments, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { endpointURL, kubeconfig, type Kubeconfig } from './kubeconfig';

export const userKubeconfigFile = defineArtifact<Kubeconfig>({
  id: 'kubernetes/user-kubeconfig',
  pattern: `${USER_KUBECONFIG_DIR}/*.conf`,
  description:
    "a kubectl user's kubeconfig, naming `<user>.crt/.key` and `ca.crt` beside itself (`pki/sign.sh` copies it there with them); with `users` left out, `kubernetes-admin` in `system:masters` (the identity of kubeadm's `admin.conf`)",
  where: 'the cluster, one per `kubernetes.users` entry',
  reads: ['spec.kubernetes.users[].name', 'spec.kubernetes.users[].server', 'spec.kubernetes.controlPlaneEndpoint', 'metadata.name'],
  secretKeys: [],
  consumer: 'kubectl (client-go)',
  format: 'yaml',
  render: (config) => yamlDocuments(config),
});

/**
 * One kubeconfig per user in kubernetes.users, dialling controlPlaneEndpoint. Its certificate files are
 * relative, so kubectl finds them beside the kubeconfig: pki/sign.sh writes a copy of it into its output
 * folder next to the user's certificate, key and the cluster CA (ca.crt).
 */
export function generateUserKubeconfigs(model: ClusterModel): Artifact[] {
  return model.kubernetes.users.map((user) => {
    const certificate = userCertificate(user);
    const config = kubeconfig({
      server: user.server?.text ?? endpointURL(model.kubernetes.controlPlaneEndpoint),
      user: user.name,
      certificateAuthority: 'ca.crt',
      clientCertificate: certificate.certFile,
      clientKey: certificate.keyFile,
    });
    return artifact(userKubeconfigFile, `${USER_KUBECONFIG_DIR}/${user.name}.conf`, config);
  });
}
