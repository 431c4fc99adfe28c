import { testRule } from '@clusterspec/lint/testing';
import { virtualAddress } from './virtual-address';

const MODERN_VIP = 'virtualAddress: 10.20.0.10';
const vip = (address: string) => [[MODERN_VIP, `virtualAddress: ${address}`]] as const;
const CAPTURED =
  "kube-proxy captures Service addresses on every node and the network does not route them, so no node or pod reaches the balancers there; use a free address on the balancers' network";

testRule(virtualAddress, {
  valid: [
    { name: 'modern: 10.20.0.10, free, beside the balancers', fixture: 'modern' },
    { name: 'seed: no virtual address', fixture: 'seed-ha' },
    { name: 'edge: no virtual address', fixture: 'edge' },
    { name: 'modern: the address just below the pod network', fixture: 'modern', replacements: vip('10.243.255.254') },
  ],
  invalid: [
    {
      name: 'the kubernetes Service IP',
      fixture: 'modern',
      replacements: vip('10.96.0.1'),
      errors: [
        {
          messageId: 'inServiceNetwork',
          message: `virtualAddress 10.96.0.1 is the kubernetes Service IP, inside serviceSubnet 10.96.0.0/12: ${CAPTURED}`,
          line: 'virtualAddress: 10.96.0.1',
          column: 23,
          field: 'spec.kubernetes.loadBalancer.virtualAddress',
        },
      ],
    },
    {
      name: 'another address of the Service network',
      fixture: 'modern',
      replacements: vip('10.96.5.5'),
      errors: [
        {
          messageId: 'inServiceNetwork',
          message: `virtualAddress 10.96.5.5 lies inside serviceSubnet 10.96.0.0/12: ${CAPTURED}`,
          line: 'virtualAddress: 10.96.5.5',
        },
      ],
    },
    {
      name: 'inside the pod network',
      fixture: 'modern',
      replacements: vip('10.244.5.5'),
      errors: [
        {
          messageId: 'inPodNetwork',
          message:
            "virtualAddress 10.244.5.5 lies inside podSubnet 10.244.0.0/16: every node routes the pod network to its pods, so traffic to it never reaches the balancers (and a pod may be given it); use a free address on the balancers' network",
          line: 'virtualAddress: 10.244.5.5',
        },
      ],
    },
    {
      name: "a balancer's own address",
      fixture: 'modern',
      replacements: vip('10.20.0.11'),
      errors: [
        {
          messageId: 'hostAddress',
          message:
            'virtualAddress 10.20.0.11 is already the address of host lb-1: a virtual address is a free one the balancers pass between them (keepalived); use an address no host has',
          line: 'virtualAddress: 10.20.0.11',
        },
      ],
    },
    {
      name: 'a loopback address',
      fixture: 'modern',
      replacements: vip('127.0.0.10'),
      errors: [
        {
          messageId: 'unusable',
          message:
            "virtualAddress 127.0.0.10 is a loopback address (127.0.0.0/8): on every host it means that host itself, so no client reaches the balancers there; use a free address on the balancers' network",
          line: 'virtualAddress: 127.0.0.10',
        },
      ],
    },
  ],
});
