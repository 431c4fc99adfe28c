import type { Artifact, ClusterModel, Host, Role } from '@clusterspec/spec';
import type { Revision } from './types';

const HOST_FILE = /^hosts\/([^/]+)(\/.*)$/;

/** Files of one host (by its path on the host) in a revision. */
export function hostFiles(artifacts: readonly Artifact[]): Map<string, Map<string, Artifact>> {
  const byHost = new Map<string, Map<string, Artifact>>();
  for (const item of artifacts) {
    const match = HOST_FILE.exec(item.path);
    if (!match) continue;
    const files = byHost.get(match[1]) ?? new Map<string, Artifact>();
    files.set(match[2], item);
    byHost.set(match[1], files);
  }
  return byHost;
}

/** Files outside hosts/ (cluster/, pki/, …) that differ, added or removed, by path. */
export function clusterFileChanges(previous: readonly Artifact[], current: readonly Artifact[]): string[] {
  const before = new Map(previous.filter((item) => !HOST_FILE.test(item.path)).map((item) => [item.path, item]));
  const after = new Map(current.filter((item) => !HOST_FILE.test(item.path)).map((item) => [item.path, item]));
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.filter((path) => !sameFile(before.get(path), after.get(path)));
}

const sameFile = (a?: Artifact, b?: Artifact) =>
  a !== undefined && b !== undefined && a.content === b.content && a.mode === b.mode && a.owner === b.owner && a.group === b.group;

/** The files that differ on one host between two revisions, as out/<cluster>/ paths of the new revision (or the old, for removed files). */
export function changedOnHost(
  before: Map<string, Artifact> | undefined,
  after: Map<string, Artifact> | undefined,
): { path: string; hostPath: string; item: Artifact }[] {
  const paths = [...new Set([...(before?.keys() ?? []), ...(after?.keys() ?? [])])].sort();
  return paths.flatMap((hostPath) => {
    const old = before?.get(hostPath);
    const next = after?.get(hostPath);
    if (sameFile(old, next)) return [];
    const item = (next ?? old) as Artifact;
    return [{ path: item.path, hostPath, item }];
  });
}

/** A host of two revisions: kept (same name and address), added, or removed. */
export interface Membership {
  readonly kept: readonly Host[];
  readonly added: readonly Host[];
  readonly removed: readonly Host[];
}

const same = (a: Host, b: Host) => a.name === b.name && a.address === b.address;

/** Who holds a role before and after (kept hosts as the new revision has them, in its order). */
export function membership(before: readonly Host[], after: readonly Host[]): Membership {
  return {
    kept: after.filter((host) => before.some((other) => same(host, other))),
    added: after.filter((host) => !before.some((other) => same(host, other))),
    removed: before.filter((host) => !after.some((other) => same(host, other))),
  };
}

export const withRole = (model: ClusterModel, role: Role) => model.hosts.filter((host) => host.roles.includes(role));

/** Every per-host difference of two revisions, computed once. */
export interface SiteChanges {
  readonly previous: Revision;
  readonly current: Revision;
  readonly hosts: Membership;
  readonly filesBefore: Map<string, Map<string, Artifact>>;
  readonly filesAfter: Map<string, Map<string, Artifact>>;
  /** The changed files of a host (kept hosts: the difference; added: all; removed: none). */
  changed(host: string): { path: string; hostPath: string; item: Artifact }[];
}

export function siteChanges(previous: Revision, current: Revision): SiteChanges {
  const filesBefore = hostFiles(previous.artifacts);
  const filesAfter = hostFiles(current.artifacts);
  const hosts = membership(previous.model.hosts, current.model.hosts);
  const cache = new Map<string, { path: string; hostPath: string; item: Artifact }[]>();
  return {
    previous,
    current,
    hosts,
    filesBefore,
    filesAfter,
    changed(host) {
      if (!cache.has(host)) {
        const isNew = hosts.added.some((entry) => entry.name === host);
        const removed = hosts.removed.some((entry) => entry.name === host) && !current.model.hosts.some((entry) => entry.name === host);
        cache.set(host, removed ? [] : changedOnHost(isNew ? undefined : filesBefore.get(host), filesAfter.get(host)));
      }
      return cache.get(host) ?? [];
    },
  };
}
