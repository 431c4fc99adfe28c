import {
  HOST_FIELDS,
  artifact,
  compileTemplate,
  defineArtifact,
  hostFile,
  secretPlaceholder,
  type Artifact,
  type ClusterModel,
  type SpecPath,
} from '@clusterspec/spec';
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
  /** BACKUP on every host: the address goes to whichever host times out first, see VRRP_PRIORITY. */
  readonly state: 'BACKUP';
  readonly priority: number;
  readonly virtualRouterId: number;
  /** This host's address, the source of its unicast adverts. */
  readonly sourceAddress: string;
  /** The other balancer hosts. */
  readonly peers: readonly { readonly name: string; readonly address: string }[];
  /** auth_pass: a `{{secret:…}}` placeholder in out/. */
  readonly password: string;
  readonly checkScript: string;
  /** Seconds between checks, and the most one may take. */
  readonly checkInterval: number;
  readonly checkTimeout: number;
  /** Negative: what a failed check takes off the priority. */
  readonly checkWeight: number;
}

/** What the health check probes: the local balancer's listener, and every apiserver directly. */
export interface CheckApiServer {
  readonly host: string;
  readonly address: string;
  readonly interface: string;
  /** The balancer's port. */
  readonly port: number;
  /** address:bindPort of every apiserver, in spec order. */
  readonly apiServers: readonly string[];
  /** The most one /healthz probe may take (curl --max-time). */
  readonly probeSeconds: number;
}

/**
 * One priority for every holder: VRRP never takes the address from a master of equal priority (RFC 3768,
 * 6.4.2: a backup preempts only a lower priority), so a host that recovers or restarts does not move it.
 */
export const VRRP_PRIORITY = 100;
/**
 * A failed check lowers the priority below every passing host's, so a host whose balancer works takes the
 * address, and keeps it where it is when every check fails (kubeadm's HA guide: weight, not FAULT).
 */
export const CHECK_WEIGHT = -10;
/** Checks every 2 s, two failures in a row count (so a dead balancer loses the address within about 6 s). */
export const CHECK_INTERVAL_SECONDS = 2;
export const PROBE_SECONDS = 2;

const KEEPALIVED_READS: readonly SpecPath[] = [
  ...HOST_FIELDS,
  'spec.kubernetes.loadBalancer.virtualAddress',
  'spec.kubernetes.loadBalancer.provider',
  'spec.kubernetes.loadBalancer.interface',
];

export const keepalivedConfFile = defineArtifact<KeepalivedConf>({
  id: 'loadbalancer/keepalived-conf',
  pattern: `hosts/*${KEEPALIVED_CONF_PATH}`,
  description:
    'one VRRP instance for `virtualAddress` on `interface`: `virtual_router_id` from the spec or derived, every host BACKUP with one priority, `unicast_src_ip`/`unicast_peer` of the other balancers, `auth_pass` as a placeholder, `track_script` of the health check with `weight -10` (a failed check moves the address to a passing host, never off every host)',
  where: 'apiserver-lb hosts, provider keepalived',
  reads: [...KEEPALIVED_READS, 'spec.kubernetes.loadBalancer.virtualRouterId', 'spec.kubernetes.loadBalancer.vrrpPassword', 'metadata.name'],
  secretKeys: ['password'],
  consumer: 'keepalived',
  // keepalived uses only the first 8 characters of auth_pass (VRRPv2's authentication field): a longer value
  // would look stronger than it is.
  placeSecret: (value) => (value.length > 8 ? 'is longer than 8 characters, and keepalived uses only the first 8 of auth_pass' : undefined),
  check: ['keepalived', '--config-test', '-f', '%s'],
  format: 'keepalived',
  render: compileTemplate<KeepalivedConf>(join(__dirname, '../templates/keepalived.conf.ejs')),
});

export const checkApiServerFile = defineArtifact<CheckApiServer>({
  id: 'loadbalancer/check-apiserver',
  pattern: `hosts/*${CHECK_APISERVER_PATH}`,
  description:
    "keepalived's health check: fails when nothing listens on the LB port on this host, or when no apiserver answers `/healthz`, each probed directly (each `curl` bounded to 2s)",
  where: 'apiserver-lb hosts, provider keepalived',
  reads: [...KEEPALIVED_READS, 'spec.kubernetes.loadBalancer.port', 'spec.kubernetes.apiServer.bindPort'],
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

/**
 * keepalived on every apiserver-lb host (kubeadm's HA guide, docs/ha-considerations.md: keepalived in front
 * of the balancers): one VRRP instance for virtualAddress with unicast peers (no multicast needed on the
 * network), one priority with a weighted check (the rules are in keepalived.conf.ejs), the password as a
 * placeholder, a check script judging the local balancer and the apiservers behind it, and the sysctl that
 * lets the balancer bind the address it does not hold.
 */
export function generateKeepalived(model: ClusterModel): Artifact[] {
  const { loadBalancer } = model.kubernetes;
  const { virtualIP } = loadBalancer;
  if (virtualIP?.provider !== 'keepalived') return [];
  const { holders } = virtualIP;
  const { controlPlaneHosts, apiServer } = model.kubernetes;
  const apiServers = controlPlaneHosts.map((host) => `${host.address}:${apiServer.bindPort}`);
  return holders.flatMap((host) => {
    const common = { host: host.name, address: virtualIP.address, interface: virtualIP.interface };
    return [
      artifact(keepalivedConfFile, hostFile(host, KEEPALIVED_CONF_PATH), {
        ...common,
        instance: 'kube_apiserver',
        state: 'BACKUP',
        priority: VRRP_PRIORITY,
        virtualRouterId: virtualIP.virtualRouterId,
        sourceAddress: host.address,
        peers: holders.filter((peer) => peer !== host).map((peer) => ({ name: peer.name, address: peer.address })),
        password: secretPlaceholder(virtualIP.password),
        checkScript: CHECK_APISERVER_PATH,
        checkInterval: CHECK_INTERVAL_SECONDS,
        // Every probe at its limit, and a second for ss and the shell.
        checkTimeout: apiServers.length * PROBE_SECONDS + 1,
        checkWeight: CHECK_WEIGHT,
      }),
      artifact(checkApiServerFile, hostFile(host, CHECK_APISERVER_PATH), { ...common, port: loadBalancer.port, apiServers, probeSeconds: PROBE_SECONDS }),
      artifact(nonlocalBindFile, hostFile(host, NONLOCAL_BIND_SYSCTL_PATH), { address: virtualIP.address }),
    ];
  });
}
