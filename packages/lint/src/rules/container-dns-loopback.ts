import { dockerDaemonFile } from '@clusterspec/host';
import { containerDnsEntries, dnsField } from '../container-dns';
import { defineRule } from '../rule';

const LOOPBACK = /^127\./;

/** Inside a container 127.0.0.1 is the container itself, where no DNS server runs (fixtures/broken/docker-dns-loopback). */
export const containerDnsLoopback = defineRule({
  id: 'container-dns-loopback',
  description: 'No Docker dns entry is a loopback address.',
  severity: 'error',
  messages: {
    loopback: `containers on {{host}} are told to use DNS at {{server}}, their own loopback, where nothing answers; use the host's address (write consul for Consul DNS)`,
  },
  reads: [dockerDaemonFile.pattern],
  check({ model, artifacts, report }) {
    for (const entry of containerDnsEntries(model, artifacts).filter((candidate) => LOOPBACK.test(candidate.server))) {
      report({
        field: dnsField(model, entry.server),
        artifact: entry.artifact,
        host: entry.host.name,
        messageId: 'loopback',
        data: { host: entry.host.name, server: entry.server },
      });
    }
  },
});
