import { QUORUM_MESSAGES, quorumFindings } from '../quorum';
import { defineRule } from '../rule';

export const etcdQuorum = defineRule({
  id: 'etcd-quorum',
  description: 'The stacked etcd cluster (one member per control-plane host) has an odd size, 3 to 7.',
  severity: 'error',
  messages: QUORUM_MESSAGES,
  check({ model, report }) {
    const { controlPlaneHosts, loadBalancer } = model.kubernetes;
    quorumFindings(controlPlaneHosts.length, 'etcd', 7, loadBalancer.hosts.length > 0, ['spec', 'hosts']).forEach(report);
  },
});
