import type { FieldPath } from '@clusterspec/spec';
import { VIRTUAL_ADDRESS_ARTIFACTS, virtualAddressHolders } from '@clusterspec/analysis';
import { defineRule, type SiteContext } from '../rule';

const LB: FieldPath = ['spec', 'kubernetes', 'loadBalancer'];

/** keepalived's VRRP groups of a site: router id, address and the files that declare them. */
function vrrpGroups(site: SiteContext): Map<number, { address: string; artifact: string }> {
  const groups = new Map<number, { address: string; artifact: string }>();
  for (const holder of virtualAddressHolders(site.model, site.artifacts)) {
    if (holder.provider === 'keepalived' && holder.virtualRouterId !== undefined && !groups.has(holder.virtualRouterId)) {
      groups.set(holder.virtualRouterId, { address: holder.address, artifact: holder.artifact });
    }
  }
  return groups;
}

/**
 * A virtual address that cannot move, or moves where nothing serves it: one holder only, kube-vip where it
 * cannot run, and VRRP groups of two sites answering each other's adverts. Whether the address itself is
 * free (no host's, outside the Service and pod networks) is virtual-address's question.
 */
export const vipConfig = defineRule({
  id: 'vip-config',
  description: 'The virtual address can fail over, its provider runs where it works, and its VRRP id is unique in the run.',
  severity: 'error',
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
        message: `only ${hostNames[0]} can hold ${virtualIP.address} (${virtualIP.provider}): when it fails the address goes with it; give a second host the ${role} role`,
      });
    }
    for (const holder of holders.filter((each) => each.provider === 'kube-vip' && !each.host.roles.includes('control-plane'))) {
      report({
        field: ['spec', 'hosts', model.hosts.indexOf(holder.host), 'roles'],
        artifact: holder.artifact,
        message: `kube-vip runs on ${holder.host.name}, which is not a control-plane host: it leader-elects through the local apiserver and admin.conf, which only control-plane hosts have`,
      });
    }
    if (virtualIP.provider === 'kube-vip') {
      const bypassed = loadBalancer.hosts.filter((host) => !controlPlaneHosts.includes(host));
      if (bypassed.length > 0) {
        report({
          field: [...LB, 'provider'],
          severity: 'warning',
          ...(holders[0] ? { artifact: holders[0].artifact } : {}),
          message: `kube-vip moves ${virtualIP.address} between the control-plane hosts only, so the balancers on ${bypassed.map((host) => host.name).join(', ')} are never behind it; use provider keepalived to put the address on them`,
        });
      }
    }
  },
  checkAcrossSites(sites, report) {
    const first = new Map<number, { site: SiteContext; address: string }>();
    for (const site of sites) {
      for (const [routerId, group] of vrrpGroups(site)) {
        const earlier = first.get(routerId);
        if (!earlier) {
          first.set(routerId, { site, address: group.address });
          continue;
        }
        const field: FieldPath = [...LB, site.model.kubernetes.loadBalancer.virtualIP ? 'virtualRouterId' : 'virtualAddress'];
        report(site, {
          field,
          artifact: group.artifact,
          message: `virtual_router_id ${routerId} (${group.address}) is also used by site ${earlier.site.model.name} (${earlier.address}, ${earlier.site.model.file}): VRRP groups on one network need distinct ids; set loadBalancer.virtualRouterId`,
        });
      }
    }
  },
});
