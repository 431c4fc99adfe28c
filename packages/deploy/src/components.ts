import type { Artifact } from '@clusterspec/spec';

/**
 * The parts of a site an operator can deploy alone (`ansible-playbook site.yml --tags consul,ingress`): each
 * file of a host belongs to the first component whose test it passes. The install task carries every tag and
 * installs the files of the components asked for (Ansible's `ansible_run_tags`), in one round trip.
 */
export const COMPONENTS: readonly { readonly tag: string; readonly what: string; readonly test: (item: Artifact, hostPath: string) => boolean }[] = [
  { tag: 'etcd', what: "etcd's static pod", test: (_, path) => path === '/etc/kubernetes/manifests/etcd.yaml' },
  {
    tag: 'lb',
    what: "the apiserver's balancers: nginx, keepalived, kube-vip, per-node proxies",
    test: (item) => item.descriptor.id.startsWith('loadbalancer/'),
  },
  {
    tag: 'ingress',
    what: 'consul-template, its templates and the ingress nginx',
    test: (item) => /^consul\/(consul-template|nginx-|reload-nginx)/.test(item.descriptor.id),
  },
  { tag: 'consul', what: 'the Consul agents and registrator', test: (item) => item.descriptor.id.startsWith('consul/') },
  { tag: 'harbor', what: "Harbor's installer files", test: (item) => item.descriptor.id.startsWith('harbor/') },
  {
    tag: 'apiserver',
    what: "the control plane's static pods, kubeconfigs, kubeadm's configuration and the kubelet's",
    test: (item) => item.descriptor.id.startsWith('kubernetes/'),
  },
  { tag: 'host', what: '/etc/hosts, resolv.conf, containerd, Docker, kernel settings', test: () => true },
];

/** The tag of a file of a host (its path on the host). */
export function componentOf(item: Artifact, hostPath: string): string {
  return (COMPONENTS.find((component) => component.test(item, hostPath)) ?? COMPONENTS[COMPONENTS.length - 1]).tag;
}
