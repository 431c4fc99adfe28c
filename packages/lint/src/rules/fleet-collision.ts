import type { ClusterModel, FieldPath } from '@clusterspec/spec';
import { defineRule, type SiteContext } from '../rule';
import { positionOf } from '../site-location';

/** An address a site puts on a machine: a host's, or the virtual address its balancers move. */
interface AddressClaim {
  readonly address: string;
  readonly field: FieldPath;
  /** "host lb-1", "the virtual address". */
  readonly holder: string;
}

function addressClaims(model: ClusterModel): AddressClaim[] {
  const claims: AddressClaim[] = model.hosts.map((host, index) => ({
    address: host.address,
    field: ['spec', 'hosts', index, 'address'],
    holder: `host ${host.name}`,
  }));
  const virtualAddress = model.kubernetes.loadBalancer.virtualIP?.address;
  if (virtualAddress !== undefined)
    claims.push({ address: virtualAddress, field: ['spec', 'kubernetes', 'loadBalancer', 'virtualAddress'], holder: 'the virtual address' });
  return claims;
}

const ENDPOINT: FieldPath = ['spec', 'kubernetes', 'controlPlaneEndpoint'];

/**
 * Sites of one repository that would fight over the network: one address claimed by two sites, or one
 * controlPlaneEndpoint name for two clusters. One site cannot collide with itself here: validation refuses two
 * hosts with one address, and virtual-address a virtual address on a host. VRRP ids are vip-config's question.
 */
export const fleetCollision = defineRule({
  id: 'fleet-collision',
  description: 'No two sites of one run claim the same address or the same controlPlaneEndpoint name.',
  severity: 'error',
  messages: {
    sharedAddress: `{{address}}, {{holder}}, is also claimed by site {{site}}: {{theirHolder}} at {{position}}; two machines on one address take each other's traffic (whichever answers ARP last wins); give each site its own addresses`,
    sharedEndpointName: `controlPlaneEndpoint name {{host}} is also site {{site}}'s ({{position}}): the clients of both clusters dial one name and reach whichever site DNS or /etc/hosts points it at; give each site its own name`,
  },
  check() {
    // Only several sites together can collide: see checkAcrossSites.
  },
  /** Each fact indexed once by its value, so hundreds of sites cost one pass over their hosts. */
  checkAcrossSites(sites, report) {
    const addresses = new Map<string, { site: SiteContext; claim: AddressClaim }>();
    const names = new Map<string, SiteContext>();
    for (const site of sites) {
      const { model } = site;
      for (const claim of addressClaims(model)) {
        const earlier = addresses.get(claim.address);
        if (!earlier) addresses.set(claim.address, { site, claim });
        else if (earlier.site !== site) {
          report(site, {
            field: claim.field,
            messageId: 'sharedAddress',
            data: {
              address: claim.address,
              holder: claim.holder,
              site: earlier.site.model.name,
              theirHolder: earlier.claim.holder,
              position: positionOf(earlier.site.model, earlier.claim.field),
            },
          });
        }
      }
      const endpoint = model.kubernetes.controlPlaneEndpoint;
      // An address as endpoint is a claim of the site that holds it, compared above; a name is compared here
      // as written (the loader accepts lower-case DNS names without a trailing dot only).
      if (endpoint.hostIsAddress) continue;
      const earlier = names.get(endpoint.host);
      if (!earlier) names.set(endpoint.host, site);
      else {
        report(site, {
          field: ENDPOINT,
          messageId: 'sharedEndpointName',
          data: { host: endpoint.host, site: earlier.model.name, position: positionOf(earlier.model, ENDPOINT) },
        });
      }
    }
  },
});
