import { artifact, defineArtifact, hostFile, yamlDocuments, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { KUBE_VIP_IMAGE } from './images';

export const KUBE_VIP_MANIFEST_PATH = '/etc/kubernetes/manifests/kube-vip.yaml';
/** Where kube-vip reads its kubeconfig inside the pod, whichever host file is mounted there. */
const KUBECONFIG_IN_POD = '/etc/kubernetes/admin.conf';

const env = (settings: Record<string, string>) => Object.entries(settings).map(([name, value]) => ({ name, value }));

/**
 * kube-vip as a static pod on a control-plane host, in ARP mode with leader election (what
 * `kube-vip manifest pod --arp --controlplane --leaderElection` describes, kube-vip.io/docs/installation/static/):
 * the elected host answers ARP for the address. It dials its own apiserver as https://kubernetes:<bindPort>,
 * hence the host alias; on the host that runs `kubeadm init` it needs the kubeconfig that has rights before
 * init has finished (the release table's initAdminKubeconfig).
 */
function kubeVipPod(model: ClusterModel, host: Host): IPod {
  const {
    loadBalancer: { virtualIP },
    apiServer,
    controlPlaneHosts,
    release,
  } = model.kubernetes;
  if (!virtualIP) throw new Error('internal error: kube-vip without a virtual address');
  const kubeconfig = host === controlPlaneHosts[0] ? release.initAdminKubeconfig : 'admin.conf';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'kube-vip', namespace: 'kube-system', labels: { component: 'kube-vip', tier: 'control-plane' } },
    spec: {
      hostNetwork: true,
      hostAliases: [{ ip: '127.0.0.1', hostnames: ['kubernetes'] }],
      containers: [
        {
          name: 'kube-vip',
          image: KUBE_VIP_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          args: ['manager'],
          env: env({
            address: virtualIP.address,
            port: String(apiServer.bindPort),
            vip_interface: virtualIP.interface,
            vip_cidr: '32',
            vip_arp: 'true',
            cp_enable: 'true',
            cp_namespace: 'kube-system',
            vip_leaderelection: 'true',
            vip_leasename: 'plndr-cp-lock',
            vip_leaseduration: '5',
            vip_renewdeadline: '3',
            vip_retryperiod: '1',
          }),
          securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
          volumeMounts: [{ name: 'kubeconfig', mountPath: KUBECONFIG_IN_POD, readOnly: true }],
        },
      ],
      volumes: [{ name: 'kubeconfig', hostPath: { path: `/etc/kubernetes/${kubeconfig}`, type: 'File' } }],
    },
  };
}

export const kubeVipManifestFile = defineArtifact<IPod>({
  id: 'loadbalancer/kube-vip',
  pattern: `hosts/*${KUBE_VIP_MANIFEST_PATH}`,
  description:
    'kube-vip as a static pod, ARP mode with leader election (`vip_arp`, `cp_enable`, `vip_leaderelection`, `address`, `vip_interface`, `port` = `bindPort`), host network, `kubernetes` → 127.0.0.1; mounts `super-admin.conf` on the first control-plane host from Kubernetes 1.29 (kube-vip#684), `admin.conf` elsewhere',
  where: 'control-plane hosts, provider kube-vip',
  reads: [
    'spec.hosts[].name',
    'spec.hosts[].roles',
    'spec.kubernetes.version',
    'spec.kubernetes.loadBalancer.virtualAddress',
    'spec.kubernetes.loadBalancer.provider',
    'spec.kubernetes.loadBalancer.interface',
    'spec.kubernetes.apiServer.bindPort',
  ],
  secretKeys: [],
  consumer: 'the kubelet (static pod)',
  format: 'yaml',
  render: (pod) => yamlDocuments(pod),
});

/** kube-vip on every control-plane host when it is the virtual address's provider. */
export function generateKubeVip(model: ClusterModel): Artifact[] {
  const { virtualIP } = model.kubernetes.loadBalancer;
  if (virtualIP?.provider !== 'kube-vip') return [];
  return virtualIP.holders.map((host) => artifact(kubeVipManifestFile, hostFile(host, KUBE_VIP_MANIFEST_PATH), kubeVipPod(model, host)));
}
