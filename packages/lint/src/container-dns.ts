import { perSite } from '@clusterspec/analysis';
import { DOCKER_DAEMON_PATH, dockerDaemonFile } from '@clusterspec/host';
import { dataOf, hostFile, type Artifact, type ClusterModel, type FieldPath, type Host } from '@clusterspec/spec';

/** What the container DNS rules (container-dns-loopback, consul-dns-unreachable) share: the dns lists Docker hosts get. */

export interface DnsEntry {
  readonly host: Host;
  readonly server: string;
  readonly artifact: string;
}

/** The dns list each Docker host's generated daemon.json will hand its containers. */
export const containerDnsEntries = perSite((model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): DnsEntry[] => {
  return (model.docker?.hosts ?? []).flatMap((host) => {
    const artifact = hostFile(host, DOCKER_DAEMON_PATH);
    const dns = dataOf(artifacts.get(artifact), dockerDaemonFile)?.dns ?? [];
    return dns.map((server) => ({ host, server, artifact }));
  });
});

/** The spec entry a generated server comes from: itself, or the word consul. */
export function dnsField(model: ClusterModel, server: string): FieldPath {
  const dns = model.docker?.dns ?? [];
  const index = dns.indexOf(server);
  return ['spec', 'docker', 'dns', index >= 0 ? index : Math.max(dns.indexOf('consul'), 0)];
}
