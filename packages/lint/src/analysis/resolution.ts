import type { Artifact, ClusterModel, Host } from '@clusterspec/spec';

const IPV4 = /^[0-9.]+$/;

/** name → address from the generated /etc/hosts fragment of a host. */
export function hostsEntries(artifacts: ReadonlyMap<string, Artifact>, host: Host): Map<string, string> {
  const entries = new Map<string, string>();
  const fragment = artifacts.get(`hosts/${host.name}/etc/hosts.d/clusterspec`);
  for (const line of fragment?.content.split('\n') ?? []) {
    const [address, name] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address && name && !entries.has(name)) entries.set(name, address);
  }
  return entries;
}

/**
 * The address a client reaches for a server name: itself when it is an address, else what the generated
 * /etc/hosts says on the client's host (for a workstation, on any host of the site), else the site's own
 * host of that name. Undefined when nothing generated resolves it (it must then be in DNS).
 */
export function resolveName(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>, name: string, on?: Host): string | undefined {
  if (IPV4.test(name)) return name;
  const candidates = on ? [on] : model.hosts;
  for (const host of candidates) {
    const address = hostsEntries(artifacts, host).get(name);
    if (address) return address;
  }
  return model.hosts.find((host) => host.name === name)?.address;
}
