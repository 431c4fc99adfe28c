import type { FieldPath } from '@clusterspec/spec';
import type { Finding } from './rule';

/** What etcd-quorum and consul-quorum share. Findings for a consensus group: an even size tolerates no more failures than one fewer and can split. */
export function quorumFindings(
  count: number,
  what: string,
  largest: number,
  highlyAvailable: boolean,
  field: FieldPath,
): Finding<keyof typeof QUORUM_MESSAGES>[] {
  if (count % 2 === 0) {
    return [
      {
        field,
        messageId: 'even',
        data: { count, what, below: count - 1, above: count + 1 },
      },
    ];
  }
  if (count > largest) {
    return [
      {
        field,
        severity: 'warning',
        messageId: 'tooLarge',
        data: { count, what, majority: Math.floor(count / 2) + 1, largest },
      },
    ];
  }
  if (count < 3 && highlyAvailable) {
    return [{ field, severity: 'warning', messageId: 'single', data: { count, what } }];
  }
  return [];
}

/** What etcd-quorum and consul-quorum say (their `messages`). */
export const QUORUM_MESSAGES = {
  even: `{{count}} {{what}} members: an even count tolerates no more failures than {{below}} and can split in two; use {{below}} or {{above}}`,
  tooLarge: `{{count}} {{what}} members: every write waits for {{majority}}; more than {{largest}} slows writes for no real gain`,
  single: `{{count}} {{what}} member in a site built for HA: losing it loses the cluster; use 3`,
};
