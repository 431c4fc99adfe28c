import { usesKubeadm } from '@clusterspec/spec';
import { defineRule } from '../rule';
import { unusableAddress } from '@clusterspec/analysis';

/**
 * A host's address goes into every other host's /etc/hosts, the balancers' upstreams, etcd's peer list and
 * the certificates: at a loopback or otherwise special address the others reach themselves or nothing.
 * kubeadm (from 1.17, kubernetes/kubernetes#83475) reads a loopback advertise address as "find the global
 * address on lo" and fails when there is none; an unspecified one as "pick the default interface's".
 */
export const unusableHostAddress = defineRule({
  id: 'unusable-host-address',
  description: 'No host address is loopback (127.0.0.0/8), unspecified (0.0.0.0/8), multicast or reserved.',
  severity: 'error',
  messages: {
    unusable: `{{host}}'s address {{address}} is {{what}}: no other host can reach {{host}} at it{{kubeadmSays}}; use the address the other hosts reach {{host}} at`,
  },
  check({ model, report }) {
    const kubeadm = usesKubeadm(model);
    model.hosts.forEach((host, index) => {
      const problem = unusableAddress(host.address);
      if (!problem) return;
      const node = kubeadm && model.kubernetes.nodes.includes(host);
      const kubeadmSays = !node
        ? ''
        : problem.loopback
          ? ', and kubeadm refuses it as the node\'s advertise address ("unable to select an IP from lo network interface")'
          : ', and kubeadm reads it as "pick an address" and advertises another one';
      report({
        field: ['spec', 'hosts', index, 'address'],
        host: host.name,
        messageId: 'unusable',
        data: { host: host.name, address: host.address, what: problem.what, kubeadmSays },
      });
    });
  },
});
