import { artifact, defineArtifact, hostFile, siteImage, yamlDocuments, type Artifact, type ClusterModel } from '@clusterspec/spec';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { KUBE_VIP_IMAGE } from './images';

export const KUBE_VIP_MANIFEST_PATH = '/etc/kubernetes/manifests/kube-vip.yaml';
/**
 * The manifest for `kubeadm init` alone, outside manifests/ (the kubelet runs every file there): copied into
 * manifests/ for init, then replaced by the steady one, which the deploy bundle installs on every run.
 */
export const KUBE_VIP_INIT_MANIFEST_PATH = '/etc/kubernetes/kube-vip-init.yaml';
/** Where kube-vip reads its kubeconfig inside the pod, whichever host file is mounted there. */
const KUBECONFIG_IN_POD = '/etc/kubernetes/admin.conf';

const env = (settings: Record<string, string>) => Object.entries(settings).map(([name, value]) => ({ name, value }));

/**
 * kube-vip as a static pod on a control-plane host, in ARP mode with leader election (what
 * `kube-vip manifest pod --arp --controlplane --leaderElection` describes, kube-vip.io/docs/installation/static/):
 * the elected host answers ARP for the address. It dials its own apiserver as https://kubernetes:<bindPort>,
 * hence the host alias. `kubeconfig` is the host file it leader-elects with: admin.conf for good; super-admin.conf
 * (system:masters, which no RBAC change can revoke) only in the init-time manifest of Kubernetes 1.29 and later,
 * where admin.conf has rights only once `kubeadm init` has finished (kube-vip#684).
 */
function kubeVipPod(model: ClusterModel, kubeconfig: 'admin.conf' | 'super-admin.conf'): IPod {
  const {
    loadBalancer: { virtualIP },
    apiServer,
  } = model.kubernetes;
  if (!virtualIP) throw new Error('internal error: kube-vip without a virtual address');
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
          image: siteImage(model.images, KUBE_VIP_IMAGE),
          imagePullPolicy: 'IfNotPresent',
          args: ['manager'],
          env: [
            ...env({
              address: virtualIP.address,
              port: String(apiServer.bindPort),
              vip_interface: virtualIP.interface,
              // kube-vip 1.0 reads vip_subnet (vip_cidr is no longer read): the address alone, /32.
              vip_subnet: '32',
              vip_arp: 'true',
              cp_enable: 'true',
              cp_namespace: 'kube-system',
              vip_leaderelection: 'true',
              vip_leasename: 'plndr-cp-lock',
              vip_leaseduration: '5',
              vip_renewdeadline: '3',
              vip_retryperiod: '1',
            }),
            // The lease names the node that holds it, as `kube-vip manifest pod` writes it.
            { name: 'vip_nodename', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          ],
          // Only what ARP and the address need.
          securityContext: { capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] } },
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
    'kube-vip as a static pod, ARP mode with leader election (`vip_arp`, `cp_enable`, `vip_leaderelection`, `address`, `vip_interface`, `vip_subnet`, `vip_nodename` from the node name, `port` = `bindPort`), host network, `kubernetes` → 127.0.0.1, capabilities NET_ADMIN and NET_RAW only; mounts `admin.conf` on every host, the first one included (its init-time manifest is apart)',
  where: 'control-plane hosts, provider kube-vip',
  reads: [
    'spec.hosts[].name',
    'spec.hosts[].roles',
    'spec.kubernetes.version',
    'spec.kubernetes.loadBalancer.virtualAddress',
    'spec.kubernetes.loadBalancer.provider',
    'spec.kubernetes.loadBalancer.interface',
    'spec.kubernetes.apiServer.bindPort',
    'spec.images',
  ],
  secretKeys: [],
  consumer: 'the kubelet (static pod)',
  format: 'yaml',
  render: (pod) => yamlDocuments(pod),
});

export const kubeVipInitManifestFile = defineArtifact<IPod>({
  ...kubeVipManifestFile,
  id: 'loadbalancer/kube-vip-init',
  pattern: `hosts/*${KUBE_VIP_INIT_MANIFEST_PATH}`,
  description:
    'kube-vip for `kubeadm init` alone, on the first control-plane host from Kubernetes 1.29: the same pod mounting `super-admin.conf` (admin.conf has no rights until init has finished, kube-vip#684); copied into manifests/ for init, then replaced by `kube-vip.yaml` (the deploy bundle never installs it there)',
  where: 'the first control-plane host, provider kube-vip, Kubernetes 1.29 and later',
  consumer: 'the operator, for kubeadm init (then the kubelet)',
});

/**
 * kube-vip on every control-plane host when it is the virtual address's provider, each with admin.conf; from
 * Kubernetes 1.29 also the init-time manifest on the host that runs `kubeadm init` (the release table's
 * initAdminKubeconfig). A control-plane host rebuilt by `kubeadm join` has admin.conf, so its manifest works.
 */
export function generateKubeVip(model: ClusterModel): Artifact[] {
  const { virtualIP } = model.kubernetes.loadBalancer;
  if (virtualIP?.provider !== 'kube-vip') return [];
  const steady = virtualIP.holders.map((host) => artifact(kubeVipManifestFile, hostFile(host, KUBE_VIP_MANIFEST_PATH), kubeVipPod(model, 'admin.conf')));
  const { release, controlPlaneHosts } = model.kubernetes;
  if (release.initAdminKubeconfig === 'admin.conf') return steady;
  return [
    ...steady,
    artifact(kubeVipInitManifestFile, hostFile(controlPlaneHosts[0], KUBE_VIP_INIT_MANIFEST_PATH), kubeVipPod(model, release.initAdminKubeconfig)),
  ];
}
