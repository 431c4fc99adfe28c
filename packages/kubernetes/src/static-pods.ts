import {
  artifact,
  defineArtifact,
  HOST_FIELDS,
  hostFile,
  siteImage,
  usesKubeadm,
  yamlDocuments,
  type Artifact,
  type ClusterModel,
  type Host,
} from '@clusterspec/spec';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { apiServerCertificate, apiServerEtcdClientCertificate, etcdMemberCertificate, ETCD_CA_FILE, ETCD_PKI_DIR, PKI_DIR } from '@clusterspec/pki';

const MANIFESTS = '/etc/kubernetes/manifests';
const ETCD_CLIENT_PORT = 2379;
const ETCD_PEER_PORT = 2380;

interface HostPathVolume {
  readonly name: string;
  readonly path: string;
  readonly readOnly?: boolean;
}

function staticPod(name: string, image: string, command: readonly string[], volumes: readonly HostPathVolume[]): IPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', labels: { component: name, tier: 'control-plane' } },
    spec: {
      hostNetwork: true,
      containers: [
        {
          name,
          image,
          command: [...command],
          volumeMounts: volumes.map((volume) => ({ name: volume.name, mountPath: volume.path, ...(volume.readOnly ? { readOnly: true } : {}) })),
        },
      ],
      volumes: volumes.map((volume) => ({ name: volume.name, hostPath: { path: volume.path } })),
    },
  };
}

const pkiVolume: HostPathVolume = { name: 'k8s-certs', path: PKI_DIR, readOnly: true };
const kubeconfigVolume = (file: string): HostPathVolume => ({ name: 'kubeconfig', path: `/etc/kubernetes/${file}`, readOnly: true });

/** A component's image as kubeadm of the release names it (per-architecture names in 1.6), pulled as the site's images section says. */
export function legacyImage(model: ClusterModel, component: string, tag: string): string {
  const { release, kubeadmImages } = model.kubernetes;
  return siteImage(model.images, `${release.imageRepository}/${component}${kubeadmImages.archSuffix}:${tag}`);
}

function image(model: ClusterModel, component: string): string {
  return legacyImage(model, component, `v${model.kubernetes.version.text}`);
}

export function etcdClientURLs(model: ClusterModel): string {
  return model.kubernetes.controlPlaneHosts.map((host) => `https://${host.address}:${ETCD_CLIENT_PORT}`).join(',');
}

/**
 * A stacked etcd member behind TLS, both towards clients and towards its peers, each side requiring a
 * certificate signed by the etcd CA (the flags kubeadm's own etcd manifest uses). Over plain http on the node
 * address, whoever reached port 2379 would read and write every Secret (https://etcd.io/docs/latest/op-guide/security/).
 */
function etcd(model: ClusterModel, host: Host): IPod {
  const server = etcdMemberCertificate(host, 'server');
  const peer = etcdMemberCertificate(host, 'peer');
  const initialCluster = model.kubernetes.controlPlaneHosts.map((member) => `${member.name}=https://${member.address}:${ETCD_PEER_PORT}`).join(',');
  return staticPod(
    'etcd',
    legacyImage(model, 'etcd', model.kubernetes.kubeadmImages.etcd),
    [
      'etcd',
      `--name=${host.name}`,
      '--data-dir=/var/lib/etcd',
      `--listen-client-urls=https://127.0.0.1:${ETCD_CLIENT_PORT},https://${host.address}:${ETCD_CLIENT_PORT}`,
      `--advertise-client-urls=https://${host.address}:${ETCD_CLIENT_PORT}`,
      `--listen-peer-urls=https://${host.address}:${ETCD_PEER_PORT}`,
      `--initial-advertise-peer-urls=https://${host.address}:${ETCD_PEER_PORT}`,
      `--initial-cluster=${initialCluster}`,
      '--initial-cluster-state=new',
      `--cert-file=${server.certFile}`,
      `--key-file=${server.keyFile}`,
      `--trusted-ca-file=${ETCD_CA_FILE}`,
      '--client-cert-auth=true',
      `--peer-cert-file=${peer.certFile}`,
      `--peer-key-file=${peer.keyFile}`,
      `--peer-trusted-ca-file=${ETCD_CA_FILE}`,
      '--peer-client-cert-auth=true',
    ],
    [
      { name: 'etcd-data', path: '/var/lib/etcd' },
      { name: 'etcd-certs', path: ETCD_PKI_DIR, readOnly: true },
    ],
  );
}

function apiServer(model: ClusterModel, host: Host): IPod {
  const { networking, apiServer: settings } = model.kubernetes;
  const certificate = apiServerCertificate(model, host);
  return staticPod(
    'kube-apiserver',
    image(model, 'kube-apiserver'),
    [
      'kube-apiserver',
      `--advertise-address=${host.address}`,
      `--secure-port=${settings.bindPort}`,
      '--insecure-port=0',
      `--etcd-servers=${etcdClientURLs(model)}`,
      `--etcd-cafile=${ETCD_CA_FILE}`,
      `--etcd-certfile=${apiServerEtcdClientCertificate(model).certFile}`,
      `--etcd-keyfile=${apiServerEtcdClientCertificate(model).keyFile}`,
      '--storage-backend=etcd3',
      `--service-cluster-ip-range=${networking.serviceSubnet}`,
      `--client-ca-file=${PKI_DIR}/ca.crt`,
      `--tls-cert-file=${certificate.certFile}`,
      `--tls-private-key-file=${certificate.keyFile}`,
      `--service-account-key-file=${PKI_DIR}/sa.pub`,
      '--admission-control=NamespaceLifecycle,LimitRanger,ServiceAccount,PersistentVolumeLabel,DefaultStorageClass,ResourceQuota,DefaultTolerationSeconds',
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      '--experimental-bootstrap-token-auth=true',
      '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    ],
    [pkiVolume],
  );
}

function controllerManager(model: ClusterModel): IPod {
  return staticPod(
    'kube-controller-manager',
    image(model, 'kube-controller-manager'),
    [
      'kube-controller-manager',
      '--leader-elect=true',
      '--kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--address=127.0.0.1',
      `--root-ca-file=${PKI_DIR}/ca.crt`,
      `--service-account-private-key-file=${PKI_DIR}/sa.key`,
      `--cluster-signing-cert-file=${PKI_DIR}/ca.crt`,
      `--cluster-signing-key-file=${PKI_DIR}/ca.key`,
      '--use-service-account-credentials=true',
      '--controllers=*,bootstrapsigner,tokencleaner',
      '--allocate-node-cidrs=true',
      `--cluster-cidr=${model.kubernetes.networking.podSubnet}`,
      `--service-cluster-ip-range=${model.kubernetes.networking.serviceSubnet}`,
    ],
    [pkiVolume, kubeconfigVolume('controller-manager.conf')],
  );
}

function scheduler(model: ClusterModel): IPod {
  return staticPod(
    'kube-scheduler',
    image(model, 'kube-scheduler'),
    ['kube-scheduler', '--leader-elect=true', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--address=127.0.0.1'],
    [pkiVolume, kubeconfigVolume('scheduler.conf')],
  );
}

export const staticPodFile = defineArtifact<IPod>({
  id: 'kubernetes/static-pod',
  pattern: 'hosts/*/etc/kubernetes/manifests/{etcd,kube-apiserver,kube-controller-manager,kube-scheduler}.yaml',
  description:
    'a static pod of the control plane (legacy flow): each apiserver with its own `--advertise-address` and certificate, `--etcd-servers` of every member over https with the etcd CA and its etcd client certificate, etcd with an initial cluster of all control-plane hosts behind TLS on both sides (`--cert-file`, `--trusted-ca-file`, `--client-cert-auth` and the `--peer-*` twins), `--leader-elect=true`',
  where: 'control-plane hosts, legacy flow (< 1.15)',
  reads: [
    ...HOST_FIELDS,
    'spec.kubernetes.version',
    'spec.kubernetes.networking.serviceSubnet',
    'spec.kubernetes.networking.podSubnet',
    'spec.kubernetes.apiServer.bindPort',
    'spec.images',
  ],
  secretKeys: [],
  consumer: 'the kubelet, from /etc/kubernetes/manifests',
  format: 'yaml',
  render: (pod) => yamlDocuments(pod),
});

/** Legacy flow: the four static pods of each control-plane host, each apiserver with its own address and certificate. */
export function generateStaticPods(model: ClusterModel): Artifact[] {
  if (usesKubeadm(model)) return [];
  return model.kubernetes.controlPlaneHosts.flatMap((host) => [
    artifact(staticPodFile, hostFile(host, `${MANIFESTS}/etcd.yaml`), etcd(model, host)),
    artifact(staticPodFile, hostFile(host, `${MANIFESTS}/kube-apiserver.yaml`), apiServer(model, host)),
    artifact(staticPodFile, hostFile(host, `${MANIFESTS}/kube-controller-manager.yaml`), controllerManager(model)),
    artifact(staticPodFile, hostFile(host, `${MANIFESTS}/kube-scheduler.yaml`), scheduler(model)),
  ]);
}
