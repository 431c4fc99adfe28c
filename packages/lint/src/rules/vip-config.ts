import type { FieldPath } from '@clusterspec/spec';
import { VIRTUAL_ADDRESS_ARTIFACTS, virtualAddressHolders } from '@clusterspec/analysis';
import { defineRule, type SiteContext } from '../rule';
import { positionOf } from '../site-location';

const LB: FieldPath = ['spec', 'kubernetes', 'loadBalancer'];

/** A keepalived VRRP group of a site: its id and address, the holders by address, and where their adverts go. */
interface VrrpGroup {
  readonly routerId: number;
  readonly address: string;
  readonly artifact: string;
  /** Host name by address: keepalived listens for adverts on each holder's address. */
  readonly listeners: ReadonlyMap<string, string>;
  /** The unicast_peer addresses of every holder. */
  readonly sendsTo: ReadonlySet<string>;
}

/** keepalived's VRRP groups of a site, from the data of its keepalived files. */
function vrrpGroups(site: SiteContext): VrrpGroup[] {
  const groups = new Map<number, { routerId: number; address: string; artifact: string; listeners: Map<string, string>; sendsTo: Set<string> }>();
  for (const holder of virtualAddressHolders(site.model, site.artifacts)) {
    if (holder.provider !== 'keepalived' || holder.virtualRouterId === undefined) continue;
    const group = groups.get(holder.virtualRouterId) ?? {
      routerId: holder.virtualRouterId,
      address: holder.address,
      artifact: holder.artifact,
      listeners: new Map(),
      sendsTo: new Set(),
    };
    groups.set(holder.virtualRouterId, group);
    group.listeners.set(holder.host.address, holder.host.name);
    for (const peer of holder.vrrpPeers ?? []) group.sendsTo.add(peer);
  }
  return [...groups.values()];
}

const routerIdField = (site: SiteContext): FieldPath => [...LB, site.model.kubernetes.loadBalancer.virtualIP ? 'virtualRouterId' : 'virtualAddress'];

/**
 * A virtual address that cannot move, or moves where nothing serves it: one holder only, kube-vip where it
 * cannot run, and VRRP groups of two sites answering each other's adverts. Whether the address itself is
 * free (no host's, outside the Service and pod networks) is virtual-address's question.
 */
export const vipConfig = defineRule({
  id: 'vip-config',
  description: "The virtual address can fail over, its provider runs where it works, and no two sites' VRRP groups that hear each other share an id.",
  severity: 'error',
  messages: {
    singleHolder: `only {{host}} can hold {{address}} ({{provider}}): when it fails the address goes with it; give a second host the {{role}} role`,
    kubeVipOffControlPlane: `kube-vip runs on {{host}}, which is not a control-plane host: it leader-elects through the local apiserver and admin.conf, which only control-plane hosts have`,
    balancersBypassed: `kube-vip moves {{address}} between the control-plane hosts only, so the balancers on {{balancers}} are never behind it; use provider keepalived to put the address on them`,
    sharedRouterId: `virtual_router_id {{routerId}} ({{address}}) is also used by site {{site}} ({{theirAddress}}, {{position}}), and the two VRRP groups hear each other: unicast adverts sent to {{heardAt}} ({{holders}}) reach keepalived of both, and each takes the other's for its own; set loadBalancer.virtualRouterId`,
  },
  reads: VIRTUAL_ADDRESS_ARTIFACTS,
  check({ model, artifacts, report }) {
    const { loadBalancer, controlPlaneHosts } = model.kubernetes;
    const { virtualIP } = loadBalancer;
    if (!virtualIP) return;
    const holders = virtualAddressHolders(model, artifacts).filter((holder) => holder.address === virtualIP.address);
    const hostNames = [...new Set(holders.map((holder) => holder.host.name))];
    if (hostNames.length === 1) {
      const role = virtualIP.provider === 'keepalived' ? 'apiserver-lb' : 'control-plane';
      report({
        field: [...LB, 'virtualAddress'],
        severity: 'warning',
        artifact: holders[0].artifact,
        messageId: 'singleHolder',
        data: { host: hostNames[0], address: virtualIP.address, provider: virtualIP.provider, role },
      });
    }
    for (const holder of holders.filter((each) => each.provider === 'kube-vip' && !each.host.roles.includes('control-plane'))) {
      report({
        field: ['spec', 'hosts', model.hosts.indexOf(holder.host), 'roles'],
        artifact: holder.artifact,
        messageId: 'kubeVipOffControlPlane',
        data: { host: holder.host.name },
      });
    }
    if (virtualIP.provider === 'kube-vip') {
      const bypassed = loadBalancer.hosts.filter((host) => !controlPlaneHosts.includes(host));
      if (bypassed.length > 0) {
        report({
          field: [...LB, 'provider'],
          severity: 'warning',
          ...(holders[0] ? { artifact: holders[0].artifact } : {}),
          messageId: 'balancersBypassed',
          data: { address: virtualIP.address, balancers: bypassed.map((host) => host.name).join(', ') },
        });
      }
    }
  },
  /**
   * Two groups with one id collide only when their adverts reach each other. The generated keepalived.conf
   * sends unicast adverts (unicast_src_ip, unicast_peer) to the group's other holders, never multicast, so a
   * group hears another exactly when one sends to an address the other listens on: they share a balancer
   * address. Groups of distinct hosts may share an id on one layer-2 network (keepalived allows duplicate
   * ids with unicast peers, acassen/keepalived#2022). Indexed by id and address: one pass over the holders.
   */
  checkAcrossSites(sites, report) {
    const key = (routerId: number, address: string) => `${routerId} ${address}`;
    const listening = new Map<string, { site: SiteContext; group: VrrpGroup }>();
    const sending = new Map<string, { site: SiteContext; group: VrrpGroup }>();
    for (const site of sites) {
      const groups = vrrpGroups(site);
      for (const group of groups) {
        const meeting =
          [...group.sendsTo].map((address) => ({ address, earlier: listening.get(key(group.routerId, address)) })).find((each) => each.earlier) ??
          [...group.listeners.keys()].map((address) => ({ address, earlier: sending.get(key(group.routerId, address)) })).find((each) => each.earlier);
        if (!meeting?.earlier) continue;
        const { address } = meeting;
        const { site: other, group: theirs } = meeting.earlier;
        const here = group.listeners.get(address);
        const there = theirs.listeners.get(address);
        const holders = [here && `${here} here`, there && `${there} in ${other.model.name}`].filter(Boolean).join(', ');
        report(site, {
          field: routerIdField(site),
          artifact: group.artifact,
          messageId: 'sharedRouterId',
          data: {
            routerId: group.routerId,
            address: group.address,
            site: other.model.name,
            theirAddress: theirs.address,
            position: positionOf(other.model, routerIdField(other)),
            heardAt: address,
            holders,
          },
        });
      }
      // Registered after the site is compared: a site's own group never meets itself.
      for (const group of groups) {
        for (const address of group.listeners.keys())
          if (!listening.has(key(group.routerId, address))) listening.set(key(group.routerId, address), { site, group });
        for (const address of group.sendsTo) if (!sending.has(key(group.routerId, address))) sending.set(key(group.routerId, address), { site, group });
      }
    }
  },
});
