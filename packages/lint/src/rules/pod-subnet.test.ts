import { testRule } from '@clusterspec/lint/testing';
import { podSubnet } from './pod-subnet';

const MODERN_POD_SUBNET = 'podSubnet: 10.244.0.0/16';
const ROUTED_AWAY =
  "every node routes the pod network to its pods, so traffic to a host address inside it never reaches the host (and a pod may be given that address); choose a pod network apart from the hosts' addresses";

testRule(podSubnet, {
  valid: [
    { name: 'modern: 10.244.0.0/16 apart from the hosts, room for 256 nodes', fixture: 'modern' },
    { name: 'seed: 172.32.0.0/16', fixture: 'seed-ha' },
    { name: 'edge: 10.128.0.0/14', fixture: 'edge' },
    {
      name: 'modern: a /21 holds exactly the 8 node ranges 7 nodes need (one spare)',
      fixture: 'modern',
      replacements: [[MODERN_POD_SUBNET, 'podSubnet: 10.244.0.0/21']],
    },
    { name: "modern: a pod network just below the hosts' 10.20.0.0/24", fixture: 'modern', replacements: [[MODERN_POD_SUBNET, 'podSubnet: 10.19.0.0/16']] },
  ],
  invalid: [
    {
      name: "the issue's 192.168.0.0/16 over the seed's Consul hosts",
      fixture: 'seed-ha',
      replacements: [['podSubnet: 172.32.0.0/16', 'podSubnet: 192.168.0.0/16']],
      errors: [
        {
          messageId: 'holdsHostAddress',
          message: `podSubnet 192.168.0.0/16 holds the address of 3 hosts (consul-1, consul-2, consul-3): ${ROUTED_AWAY}`,
          line: 'podSubnet: 192.168.0.0/16',
          column: 18,
          field: 'spec.kubernetes.networking.podSubnet',
          hosts: ['consul-1', 'consul-2', 'consul-3'],
        },
      ],
    },
    {
      name: 'one host inside the pod network',
      fixture: 'seed-ha',
      replacements: [['podSubnet: 172.32.0.0/16', 'podSubnet: 10.47.0.0/16']],
      errors: [
        {
          messageId: 'holdsHostAddress',
          message: `podSubnet 10.47.0.0/16 holds the address of node1: ${ROUTED_AWAY}`,
          line: 'podSubnet: 10.47.0.0/16',
          hosts: ['node1'],
        },
      ],
    },
    {
      name: 'every host of the modern site inside the pod network: one diagnostic naming how many and the first few',
      fixture: 'modern',
      replacements: [[MODERN_POD_SUBNET, 'podSubnet: 10.20.0.0/16']],
      errors: [
        {
          messageId: 'holdsHostAddress',
          message: `podSubnet 10.20.0.0/16 holds the address of 14 hosts (cp-1, cp-2, cp-3 and 11 more): ${ROUTED_AWAY}`,
          line: 'podSubnet: 10.20.0.0/16',
          hosts: [
            'cp-1',
            'cp-2',
            'cp-3',
            'worker-1',
            'worker-2',
            'worker-3',
            'worker-4',
            'lb-1',
            'lb-2',
            'harbor-1',
            'harbor-2',
            'consul-1',
            'consul-2',
            'consul-3',
          ],
        },
      ],
    },
    {
      name: 'a /22 holds 4 node ranges of /24, the modern site has 7 nodes',
      fixture: 'modern',
      replacements: [[MODERN_POD_SUBNET, 'podSubnet: 10.244.0.0/22']],
      errors: [
        {
          messageId: 'tooFewNodeRanges',
          message:
            "podSubnet 10.244.0.0/22 has room for 4 node pod ranges of /24 (kube-controller-manager's --node-cidr-mask-size), but the site has 7 Kubernetes nodes: the others get no pod range (CIDRNotAvailable) and their pods no network; use /21 or a shorter prefix",
          line: 'podSubnet: 10.244.0.0/22',
          field: 'spec.kubernetes.networking.podSubnet',
        },
      ],
    },
    {
      name: 'a pod network smaller than one node range',
      fixture: 'modern',
      replacements: [[MODERN_POD_SUBNET, 'podSubnet: 10.244.0.0/25']],
      errors: [
        {
          messageId: 'smallerThanNodeRange',
          message:
            "podSubnet 10.244.0.0/25 is smaller than one node pod range of /24 (kube-controller-manager's --node-cidr-mask-size): kube-controller-manager refuses it and no node gets a pod range; use /21 or a shorter prefix",
          line: 'podSubnet: 10.244.0.0/25',
        },
      ],
    },
    {
      name: 'both at once: too small and over two hosts',
      fixture: 'modern',
      replacements: [[MODERN_POD_SUBNET, 'podSubnet: 10.20.0.40/30']],
      errors: [
        {
          messageId: 'holdsHostAddress',
          message: `podSubnet 10.20.0.40/30 holds the address of 2 hosts (harbor-1, harbor-2): ${ROUTED_AWAY}`,
          hosts: ['harbor-1', 'harbor-2'],
        },
        {
          messageId: 'smallerThanNodeRange',
          message: /^podSubnet 10\.20\.0\.40\/30 is smaller than one node pod range of \/24 .*use \/21 or a shorter prefix$/,
        },
      ],
    },
  ],
});
