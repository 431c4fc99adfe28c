import { testRule } from '@clusterspec/lint/testing';
import { unusableHostAddress } from './unusable-host-address';

const WORKER_4 = 'address: 10.20.0.34';
const CONSUL_3 = 'address: 10.20.0.53';

testRule(unusableHostAddress, {
  valid: [
    { name: 'modern', fixture: 'modern' },
    { name: 'seed', fixture: 'seed-ha' },
    { name: 'edge', fixture: 'edge' },
    { name: 'the last unicast address below multicast', fixture: 'modern', replacements: [[CONSUL_3, 'address: 223.255.255.254']] },
  ],
  invalid: [
    {
      name: 'a kubeadm worker on a loopback address',
      fixture: 'modern',
      replacements: [[WORKER_4, 'address: 127.0.0.34']],
      errors: [
        {
          messageId: 'unusable',
          message:
            'worker-4\'s address 127.0.0.34 is a loopback address (127.0.0.0/8): no other host can reach worker-4 at it, and kubeadm refuses it as the node\'s advertise address ("unable to select an IP from lo network interface"); use the address the other hosts reach worker-4 at',
          line: 'address: 127.0.0.34',
          column: 16,
          field: 'spec.hosts[6].address',
          hosts: ['worker-4'],
        },
      ],
    },
    {
      name: 'a kubeadm control-plane host on 0.0.0.0',
      fixture: 'modern',
      replacements: [['address: 10.20.0.21', 'address: 0.0.0.0']],
      errors: [
        {
          messageId: 'unusable',
          message:
            'cp-1\'s address 0.0.0.0 is in 0.0.0.0/8, "this host on this network" (RFC 1122), never a destination: no other host can reach cp-1 at it, and kubeadm reads it as "pick an address" and advertises another one; use the address the other hosts reach cp-1 at',
          field: 'spec.hosts[0].address',
        },
      ],
    },
    {
      name: 'a Consul server on a loopback address (no Kubernetes there)',
      fixture: 'modern',
      replacements: [[CONSUL_3, 'address: 127.0.1.53']],
      errors: [
        {
          messageId: 'unusable',
          message:
            "consul-3's address 127.0.1.53 is a loopback address (127.0.0.0/8): no other host can reach consul-3 at it; use the address the other hosts reach consul-3 at",
          line: 'address: 127.0.1.53',
        },
      ],
    },
    {
      name: 'a multicast address',
      fixture: 'modern',
      replacements: [[CONSUL_3, 'address: 239.1.1.1']],
      errors: [
        {
          messageId: 'unusable',
          message:
            "consul-3's address 239.1.1.1 is a multicast address (224.0.0.0/4): no other host can reach consul-3 at it; use the address the other hosts reach consul-3 at",
        },
      ],
    },
    {
      name: 'the broadcast address',
      fixture: 'modern',
      replacements: [[CONSUL_3, 'address: 255.255.255.255']],
      errors: [
        {
          messageId: 'unusable',
          message:
            "consul-3's address 255.255.255.255 is in 240.0.0.0/4, reserved (255.255.255.255 is broadcast): no other host can reach consul-3 at it; use the address the other hosts reach consul-3 at",
        },
      ],
    },
    {
      name: 'a legacy (1.6) control-plane host on loopback: no kubeadm to quote',
      fixture: 'seed-ha',
      replacements: [['address: 10.27.53.32', 'address: 127.0.0.1']],
      errors: [
        {
          messageId: 'unusable',
          message:
            "shaolin's address 127.0.0.1 is a loopback address (127.0.0.0/8): no other host can reach shaolin at it; use the address the other hosts reach shaolin at",
        },
      ],
    },
  ],
});
