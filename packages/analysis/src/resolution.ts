import { HOSTS_FRAGMENT_PATH, hostsFragmentFile } from '@clusterspec/host';
import { dataOf, hostFile, looksLikeIpv4, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { perSite } from './per-site';

/** The file resolveName reads, for rules' `reads`. */
export const HOSTS_ARTIFACTS = [hostsFragmentFile.pattern] as const;

/** name → address from the generated /etc/hosts fragment of every host (the first line of a name wins, as in hosts(5)). */
const hostsEntries = perSite((model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>) => {
  const byHost = new Map<Host, Map<string, string>>();
  for (const host of model.hosts) {
    const entries = new Map<string, string>();
    for (const entry of dataOf(artifacts.get(hostFile(host, HOSTS_FRAGMENT_PATH)), hostsFragmentFile)?.entries ?? []) {
      if (!entries.has(entry.name)) entries.set(entry.name, entry.address);
    }
    byHost.set(host, entries);
  }
  return byHost;
});

/**
 * The address a client reaches for a server name: itself when it is an address, localhost's loopback, else what the generated
 * /etc/hosts says on the client's host (for a workstation, on any host of the site), else the site's own
 * host of that name. Undefined when nothing generated resolves it (it must then be in DNS).
 */
export function resolveName(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>, name: string, on?: Host): string | undefined {
  if (looksLikeIpv4(name)) return name;
  if (name === 'localhost') return '127.0.0.1';
  const entries = hostsEntries(model, artifacts);
  for (const host of on ? [on] : model.hosts) {
    const address = entries.get(host)?.get(name);
    if (address) return address;
  }
  return model.hosts.find((host) => host.name === name)?.address;
}
