import type { Host } from '@clusterspec/spec';

/** The admin kubeconfig kubeadm writes on control-plane hosts. */
export const ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf';
export const KUBECTL = `kubectl --kubeconfig ${ADMIN_KUBECONFIG}`;
/**
 * etcdctl against the local stacked member, with the health-check client certificate kubeadm issues (run it in
 * the etcd container, `crictl exec`, where the host has no etcdctl).
 */
export const ETCDCTL =
  'ETCDCTL_API=3 etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key';
/** etcd's peer URL for a stacked member (the manifests' --initial-advertise-peer-urls). */
export const peerURL = (host: Host) => `https://${host.address}:2380`;

export const drain = (host: string) => `${KUBECTL} drain ${host} --ignore-daemonsets --delete-emptydir-data --timeout=10m`;
export const uncordon = (host: string) => `${KUBECTL} uncordon ${host}`;
export const nodeReady = (host: string) => `${KUBECTL} wait --for=condition=Ready node/${host} --timeout=10m`;
export const etcdHealthy = `${ETCDCTL} endpoint health --cluster   # every member healthy`;
export const apiserverHealthy = (host: Host, port: number) => `curl -fsk https://${host.address}:${port}/readyz   # ok`;
