import { KEEPALIVED_CONF_PATH, keepalivedConfFile, KUBE_VIP_MANIFEST_PATH, kubeVipManifestFile } from '@clusterspec/loadbalancer';
import { dataOf, hostFile, looksLikeIpv4, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { perSite } from './per-site';

/** The files virtualAddressHolders reads, for rules' `reads`. */
export const VIRTUAL_ADDRESS_ARTIFACTS = [keepalivedConfFile.pattern, kubeVipManifestFile.pattern] as const;

/** A host that may hold a virtual address, and what puts it there. */
export interface VirtualAddressHolder {
  readonly host: Host;
  readonly address: string;
  readonly provider: 'keepalived' | 'kube-vip';
  /** keepalived's virtual_router_id. */
  readonly virtualRouterId?: number;
  /**
   * keepalived's `unicast_peer` addresses: where this host's VRRP adverts go. Unicast adverts reach these
   * hosts only, so two groups hear each other exactly when one sends to an address the other listens on.
   */
  readonly vrrpPeers?: readonly string[];
  readonly artifact: string;
}

/** Every host that may hold a virtual address, from the data of the generated keepalived and kube-vip files. */
export const virtualAddressHolders = perSite((model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): VirtualAddressHolder[] =>
  model.hosts.flatMap((host): VirtualAddressHolder[] => {
    const keepalivedPath = hostFile(host, KEEPALIVED_CONF_PATH);
    const keepalived = dataOf(artifacts.get(keepalivedPath), keepalivedConfFile);
    const kubeVipPath = hostFile(host, KUBE_VIP_MANIFEST_PATH);
    const pod = dataOf(artifacts.get(kubeVipPath), kubeVipManifestFile);
    // kube-vip reads its address from `address` (older releases: `vip_address`).
    const kubeVipAddress = pod?.spec?.containers[0]?.env?.find((variable) => variable.name === 'address' || variable.name === 'vip_address')?.value;
    return [
      ...(keepalived
        ? [
            {
              host,
              address: keepalived.address,
              provider: 'keepalived' as const,
              virtualRouterId: keepalived.virtualRouterId,
              vrrpPeers: keepalived.peers.map((peer) => peer.address),
              artifact: keepalivedPath,
            },
          ]
        : []),
      ...(kubeVipAddress && looksLikeIpv4(kubeVipAddress) ? [{ host, address: kubeVipAddress, provider: 'kube-vip' as const, artifact: kubeVipPath }] : []),
    ];
  }),
);

/** The hosts that may hold an address, by address. */
export function holdersOf(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>, address: string): Host[] {
  return virtualAddressHolders(model, artifacts)
    .filter((holder) => holder.address === address)
    .map((holder) => holder.host);
}

/** 127.0.0.0/8: an address that reaches the dialling host itself. */
export function isLoopback(address: string): boolean {
  return looksLikeIpv4(address) && address.startsWith('127.');
}
