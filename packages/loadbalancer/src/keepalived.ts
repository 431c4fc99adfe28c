import { HOST_FIELDS, artifact, compileTemplate, defineArtifact, hostFile, secretPlaceholder, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';

export const KEEPALIVED_CONF_PATH = '/etc/keepalived/keepalived.conf';
export const CHECK_APISERVER_PATH = '/etc/keepalived/check_apiserver.sh';
export const NONLOCAL_BIND_SYSCTL_PATH = '/etc/sysctl.d/90-clusterspec-apiserver-vip.conf';

/** One balancer host's VRRP instance for the virtual address. */
export interface KeepalivedConf {
  readonly host: string;
  readonly address: string;
  readonly interface: string;
  readonly instance: string;
  readonly state: 'MASTER' | 'BACKUP';
  readonly priority: number;
  readonly virtualRouterId: number;
  /** This host's address, the source of its unicast adverts. */
  readonly sourceAddress: string;
  /** The other balancer hosts. */
  readonly peers: readonly { readonly name: string; readonly address: string }[];
  /** auth_pass: a `{{secret:…}}` placeholder in out/. */
  readonly password: string;
  readonly checkScript: string;
}

/** What the health check probes: the local balancer's port, and the virtual address while this host holds it. */
export interface CheckApiServer {
  readonly host: string;
  readonly address: string;
  readonly interface: string;
  readonly port: number;
}

const KEEPALIVED_READS = [
  ...HOST_FIELDS,
  'spec.kubernetes.loadBalancer.virtualAddress',
  'spec.kubernetes.loadBalancer.provider',
  'spec.kubernetes.loadBalancer.interface',
];

export const keepalivedConfFile = defineArtifact<KeepalivedConf>({
  id: 'loadbalancer/keepalived-conf',
  pattern: `hosts/*${KEEPALIVED_CONF_PATH}`,
  description:
    'one VRRP instance for `virtualAddress` on `interface`: `virtual_router_id` from the spec or derived, priority by host order (the first host is MASTER), `unicast_src_ip`/`unicast_peer` of the other balancers, `auth_pass` as a placeholder, `track_script` of the health check',
  where: 'apiserver-lb hosts, provider keepalived',
  reads: [...KEEPALIVED_READS, 'spec.kubernetes.loadBalancer.virtualRouterId', 'spec.kubernetes.loadBalancer.vrrpPassword', 'metadata.name'],
  secretKeys: ['password'],
  consumer: 'keepalived',
  check: ['keepalived', '--config-test', '-f', '%s'],
  format: 'keepalived',
  render: compileTemplate<KeepalivedConf>(join(__dirname, '../templates/keepalived.conf.ejs')),
});

export const checkApiServerFile = defineArtifact<CheckApiServer>({
  id: 'loadbalancer/check-apiserver',
  pattern: `hosts/*${CHECK_APISERVER_PATH}`,
  description:
    "keepalived's health check: fails when no apiserver answers `/healthz` through the local balancer or, while this host holds it, at the virtual address (each `curl` bounded to 2s)",
  where: 'apiserver-lb hosts, provider keepalived',
  reads: [...KEEPALIVED_READS, 'spec.kubernetes.loadBalancer.port'],
  secretKeys: [],
  consumer: 'keepalived (vrrp_script), as root',
  format: 'shell',
  mode: 0o755,
  render: compileTemplate<CheckApiServer>(join(__dirname, '../templates/check_apiserver.sh.ejs')),
});

export const nonlocalBindFile = defineArtifact<{ readonly address: string }>({
  id: 'loadbalancer/nonlocal-bind-sysctl',
  pattern: `hosts/*${NONLOCAL_BIND_SYSCTL_PATH}`,
  description: '`net.ipv4.ip_nonlocal_bind = 1`, so a listener on the virtual address starts on every balancer host, not only on the VRRP master',
  where: 'apiserver-lb hosts, provider keepalived',
  reads: KEEPALIVED_READS,
  secretKeys: [],
  consumer: 'systemd-sysctl',
  format: 'sysctl',
  render: compileTemplate<{ readonly address: string }>(join(__dirname, '../templates/sysctl-nonlocal-bind.conf.ejs')),
});

/** VRRP priority of the holder at `index` in spec order: the first host is preferred, each next one less. */
export function vrrpPriority(index: number, holders: number): number {
  return 100 + (holders - 1 - index);
}

/**
 * keepalived on every apiserver-lb host (kubeadm's HA guide, docs/ha-considerations.md: keepalived in front
 * of the balancers): one VRRP instance for virtualAddress with unicast peers (no multicast needed on the
 * network), priorities by host order, the password as a placeholder, a check script tracking the local
 * balancer and the apiservers behind it, and the sysctl that lets the balancer bind the address it does not hold.
 */
export function generateKeepalived(model: ClusterModel): Artifact[] {
  const { loadBalancer } = model.kubernetes;
  const { virtualIP } = loadBalancer;
  if (virtualIP?.provider !== 'keepalived') return [];
  const { holders } = virtualIP;
  return holders.flatMap((host, index) => {
    const common = { host: host.name, address: virtualIP.address, interface: virtualIP.interface };
    return [
      artifact(keepalivedConfFile, hostFile(host, KEEPALIVED_CONF_PATH), {
        ...common,
        instance: 'kube_apiserver',
        state: index === 0 ? 'MASTER' : 'BACKUP',
        priority: vrrpPriority(index, holders.length),
        virtualRouterId: virtualIP.virtualRouterId,
        sourceAddress: host.address,
        peers: holders.filter((peer) => peer !== host).map((peer) => ({ name: peer.name, address: peer.address })),
        password: secretPlaceholder(loadBalancer.vrrpPassword),
        checkScript: CHECK_APISERVER_PATH,
      }),
      artifact(checkApiServerFile, hostFile(host, CHECK_APISERVER_PATH), { ...common, port: loadBalancer.port }),
      artifact(nonlocalBindFile, hostFile(host, NONLOCAL_BIND_SYSCTL_PATH), { address: virtualIP.address }),
    ];
  });
}
