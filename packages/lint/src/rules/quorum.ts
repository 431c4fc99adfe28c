import type { FieldPath } from '@clusterspec/spec';
import { defineRule, type Finding } from '../rule';

/** Findings for a consensus group: an even size tolerates no more failures than one fewer and can split. */
function quorumFindings(count: number, what: string, largest: number, highlyAvailable: boolean, field: FieldPath): Finding[] {
  if (count % 2 === 0) {
    return [
      {
        field,
        message: `${count} ${what} members: an even count tolerates no more failures than ${count - 1} and can split in two; use ${count - 1} or ${count + 1}`,
      },
    ];
  }
  if (count > largest) {
    return [
      {
        field,
        severity: 'warning',
        message: `${count} ${what} members: every write waits for ${Math.floor(count / 2) + 1}; more than ${largest} slows writes for no real gain`,
      },
    ];
  }
  if (count < 3 && highlyAvailable) {
    return [{ field, severity: 'warning', message: `${count} ${what} member in a site built for HA: losing it loses the cluster; use 3` }];
  }
  return [];
}

export const etcdQuorum = defineRule({
  id: 'etcd-quorum',
  description: 'The stacked etcd cluster (one member per control-plane host) has an odd size, 3 to 7.',
  severity: 'error',
  check({ model, report }) {
    const { controlPlaneHosts, loadBalancer } = model.kubernetes;
    quorumFindings(controlPlaneHosts.length, 'etcd', 7, loadBalancer.hosts.length > 0, ['spec', 'hosts']).forEach(report);
  },
});

/** bootstrap_expect on each server is `consul-bootstrap-expect`'s. */
export const consulQuorum = defineRule({
  id: 'consul-quorum',
  description: 'Consul has an odd number of servers, 3 to 5.',
  severity: 'error',
  check({ model, report }) {
    const consul = model.consul;
    if (!consul) return;
    quorumFindings(consul.servers.length, 'Consul server', 5, true, ['spec', 'hosts']).forEach(report);
  },
});
