import type { Host } from '@clusterspec/spec';
import { defineChangeRule, sameHost } from '../change-rule';

/** The members of a consensus group that stay from one revision to the next, and whether they are still a quorum of the old group. */
function kept(before: readonly Host[], after: readonly Host[]): { kept: number; quorum: number; removed: string[] } {
  const staying = before.filter((host) => after.some((other) => sameHost(host, other)));
  return {
    kept: staying.length,
    quorum: Math.floor(before.length / 2) + 1,
    removed: before.filter((host) => !staying.includes(host)).map((host) => host.name),
  };
}

/**
 * etcd (one member per control-plane host) and the Consul servers agree by majority: a revision that keeps
 * fewer than a majority of the old members cannot be reached one member at a time without a moment when the
 * remaining old members are the only ones holding the data (etcd docs, "Runtime reconfiguration": add before
 * remove, one at a time; Consul docs, "Consensus Protocol").
 */
export const changeQuorumLoss = defineChangeRule({
  id: 'change-quorum-loss',
  description: 'A revision keeps a majority of the etcd members and of the Consul servers of the revision before it.',
  messages: {
    lost: '{{what}}: only {{kept}} of the {{before}} members stay ({{removed}} leave) in one revision, fewer than the quorum of {{quorum}}; change at most {{most}} member(s) per revision, each revision planned and applied before the next',
  },
  severity: 'error',
  check({ model, previous, report }) {
    const groups = [
      { what: 'etcd', before: previous.model.kubernetes.controlPlaneHosts, after: model.kubernetes.controlPlaneHosts },
      ...(previous.model.consul && model.consul ? [{ what: 'Consul servers', before: previous.model.consul.servers, after: model.consul.servers }] : []),
    ];
    for (const { what, before, after } of groups) {
      const result = kept(before, after);
      if (before.length === 0 || result.kept >= result.quorum) continue;
      report({
        messageId: 'lost',
        field: ['spec', 'hosts'],
        data: {
          what,
          kept: result.kept,
          before: before.length,
          removed: result.removed.join(', '),
          quorum: result.quorum,
          most: before.length - result.quorum,
        },
      });
    }
  },
});
