import { cidrContains, parseCidr, parseIpv4 } from '@clusterspec/spec';
import type { FieldPath } from '@clusterspec/spec';
import { defineRule } from '../rule';

/**
 * kube-controller-manager's --node-cidr-mask-size: each node's pod range out of podSubnet. Neither flow here
 * sets the flag, so it is the default, 24 for IPv4, which kubeadm also passes for any IPv4 pod subnet
 * (calcNodeCidrSize in kubernetes/cmd/kubeadm/app/phases/controlplane/manifests.go).
 */
const NODE_MASK = 24;
const FIELD: FieldPath = ['spec', 'kubernetes', 'networking', 'podSubnet'];

/** The longest prefix whose /24 ranges cover this many nodes. */
const prefixFor = (nodes: number) => NODE_MASK - Math.ceil(Math.log2(Math.max(nodes, 1)));

/**
 * Loaded specs already keep pods apart from Services and hosts out of the Service network; what is left fails
 * only once the cluster runs: hosts inside the pod network (the usual 192.168.0.0/16 on a 192.168 LAN), and a
 * pod network with fewer node ranges than nodes (kubernetes/kubernetes#92431: "no remaining CIDRs left to allocate").
 */
export const podSubnet = defineRule({
  id: 'pod-subnet',
  description: 'The pod network holds no host address and has a /24 range for every Kubernetes node.',
  severity: 'error',
  messages: {
    holdsHostAddress: `podSubnet {{text}} holds the address of {{host}}: every node routes the pod network to its pods, so traffic to a host address inside it never reaches the host (and a pod may be given that address); choose a pod network apart from the hosts' addresses`,
    smallerThanNodeRange: `podSubnet {{text}} is smaller than one node pod range of {{mask}}: kube-controller-manager refuses it and no node gets a pod range; use /{{needed}} or a shorter prefix`,
    tooFewNodeRanges: `podSubnet {{text}} has room for {{ranges}} node pod range{{plural}} of {{mask}}, but the site has {{nodes}} Kubernetes nodes: the others get no pod range (CIDRNotAvailable) and their pods no network; use /{{needed}} or a shorter prefix`,
  },
  check({ model, report }) {
    const text = model.kubernetes.networking.podSubnet;
    const pods = parseCidr(text);
    for (const host of model.hosts) {
      const address = parseIpv4(host.address);
      if (address === undefined || !cidrContains(pods, address)) continue;
      report({
        field: FIELD,
        host: host.name,
        messageId: 'holdsHostAddress',
        data: { text, host: host.name },
      });
    }
    const nodes = model.kubernetes.nodes.length;
    const needed = prefixFor(nodes);
    const mask = `/${NODE_MASK} (kube-controller-manager's --node-cidr-mask-size)`;
    if (pods.prefix > NODE_MASK) {
      report({
        field: FIELD,
        messageId: 'smallerThanNodeRange',
        data: { text, mask, needed },
      });
      return;
    }
    const ranges = 2 ** (NODE_MASK - pods.prefix);
    if (ranges < nodes) {
      report({
        field: FIELD,
        messageId: 'tooFewNodeRanges',
        data: { text, ranges, plural: ranges === 1 ? '' : 's', mask, nodes, needed },
      });
    }
  },
});
