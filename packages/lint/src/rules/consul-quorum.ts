import { QUORUM_MESSAGES, quorumFindings } from '../quorum';
import { defineRule } from '../rule';

/** bootstrap_expect on each server is `consul-bootstrap-expect`'s. */
export const consulQuorum = defineRule({
  id: 'consul-quorum',
  description: 'Consul has an odd number of servers, 3 to 5.',
  severity: 'error',
  messages: QUORUM_MESSAGES,
  check({ model, report }) {
    const consul = model.consul;
    if (!consul) return;
    quorumFindings(consul.servers.length, 'Consul server', 5, true, ['spec', 'hosts']).forEach(report);
  },
});
