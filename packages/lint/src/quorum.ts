import type { FieldPath } from '@clusterspec/spec';
import type { Finding } from './rule';

/** What etcd-quorum and consul-quorum share. Findings for a consensus group: an even size tolerates no more failures than one fewer and can split. */
export function quorumFindings(count: number, what: string, largest: number, highlyAvailable: boolean, field: FieldPath): Finding[] {
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
