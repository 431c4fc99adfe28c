import { cidrContains, parseCidr, parseIpv4 } from '@clusterspec/spec';
import type { FieldPath } from '@clusterspec/spec';
import { unusableAddress } from '@clusterspec/analysis';
import { defineRule } from '../rule';

const FIELD: FieldPath = ['spec', 'kubernetes', 'loadBalancer', 'virtualAddress'];
const ELSEWHERE = "use a free address on the balancers' network";

/**
 * The balancers' virtual address is what every client dials (through controlPlaneEndpoint): it must be a
 * free address on the hosts' network. Inside the Service network kube-proxy's rules on every node take it
 * (and the Service IP itself is the `kubernetes` Service); inside the pod network the nodes route it to pods.
 */
export const virtualAddress = defineRule({
  id: 'virtual-address',
  description: "The load balancers' virtualAddress is a free, reachable address outside the Service and pod networks.",
  severity: 'error',
  messages: {
    unusable: `virtualAddress {{vip}} is {{what}}: {{why}}no client reaches the balancers there; {{ELSEWHERE}}`,
    inServiceNetwork: `virtualAddress {{vip}} {{which}}: kube-proxy captures Service addresses on every node and the network does not route them, so no node or pod reaches the balancers there; {{ELSEWHERE}}`,
    inPodNetwork: `virtualAddress {{vip}} lies inside podSubnet {{podSubnet}}: every node routes the pod network to its pods, so traffic to it never reaches the balancers (and a pod may be given it); {{ELSEWHERE}}`,
    hostAddress: `virtualAddress {{vip}} is already the address of host {{owner}}: a virtual address is a free one the balancers pass between them (keepalived); use an address no host has`,
  },
  check({ model, report }) {
    const { loadBalancer, networking } = model.kubernetes;
    const vip = loadBalancer.virtualIP?.address;
    const value = vip === undefined ? undefined : parseIpv4(vip);
    if (vip === undefined || value === undefined) return;
    const unusable = unusableAddress(vip);
    if (unusable) {
      const why = unusable.loopback ? 'on every host it means that host itself, so ' : '';
      report({ field: FIELD, messageId: 'unusable', data: { vip, what: unusable.what, why, ELSEWHERE } });
    }
    if (cidrContains(parseCidr(networking.serviceSubnet), value)) {
      const which =
        vip === networking.apiServerServiceIP
          ? `is the kubernetes Service IP, inside serviceSubnet ${networking.serviceSubnet}`
          : `lies inside serviceSubnet ${networking.serviceSubnet}`;
      report({
        field: FIELD,
        messageId: 'inServiceNetwork',
        data: { vip, which, ELSEWHERE },
      });
    }
    if (cidrContains(parseCidr(networking.podSubnet), value)) {
      report({
        field: FIELD,
        messageId: 'inPodNetwork',
        data: { vip, podSubnet: networking.podSubnet, ELSEWHERE },
      });
    }
    const owner = model.hosts.find((host) => host.address === vip);
    if (owner) {
      report({
        field: FIELD,
        messageId: 'hostAddress',
        data: { vip, owner: owner.name },
      });
    }
  },
});
