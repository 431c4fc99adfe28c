import type { Version } from '../version';
import { KUBERNETES_RELEASES } from './kubernetes';
import type { ReleaseTable } from './table';

/**
 * How a program goes from one version to another, as its release table says: the one place (with the tables)
 * that compares version numbers, so `clusterspec plan` asks here rather than comparing versions itself.
 */
export type VersionChange =
  | { readonly kind: 'same' }
  | { readonly kind: 'patch' }
  /** Up by minor releases, each hop allowed by the table; `via` are the releases passed through on the way (empty for one hop). */
  | { readonly kind: 'upgrade'; readonly via: readonly string[] }
  /** Up, but farther than one upgrade may go: `via` names the releases to pass through, one revision each. */
  | { readonly kind: 'too-far'; readonly via: readonly string[] }
  /** Down, or across a major release, or from a release the table plans no upgrade from. */
  | { readonly kind: 'unsupported'; readonly why: string };

const minorText = (major: number, minor: number) => `${major}.${minor}`;

/**
 * The change from `from` to `to`. `reach(release)` is how many minor releases one upgrade to `release` may
 * cross (from its table row); 0 or undefined means none. Hops go as far as each target allows.
 */
export function versionChange<R>(table: ReleaseTable<R>, from: Version, to: Version, reach: (release: R) => number | undefined): VersionChange {
  if (from.major === to.major && from.minor === to.minor) {
    if (from.patch === to.patch) return { kind: 'same' };
    return from.patch < to.patch ? { kind: 'patch' } : { kind: 'unsupported', why: `${table.program} ${from.text} to ${to.text} is a downgrade` };
  }
  if (from.major !== to.major)
    return { kind: 'unsupported', why: `${table.program} ${from.text} to ${to.text} crosses a major release, which clusterspec plans no upgrade for` };
  if (to.minor < from.minor) return { kind: 'unsupported', why: `${table.program} ${from.text} to ${to.text} is a downgrade` };
  const hops: number[] = [];
  let at = from.minor;
  while (at < to.minor) {
    let next = at;
    for (let candidate = to.minor; candidate > at; candidate -= 1) {
      const resolved = table.resolve({ major: to.major, minor: candidate, patch: 0, text: `${minorText(to.major, candidate)}.0` });
      const allowed = 'release' in resolved ? (reach(resolved.release) ?? 0) : 0;
      if (candidate - at <= allowed) {
        next = candidate;
        break;
      }
    }
    if (next === at) return { kind: 'unsupported', why: `${table.program} ${minorText(to.major, at + 1)} plans no upgrade from ${minorText(to.major, at)}` };
    hops.push(next);
    at = next;
  }
  const via = hops.slice(0, -1).map((minor) => minorText(to.major, minor));
  return via.length === 0 ? { kind: 'upgrade', via } : { kind: 'too-far', via };
}

/** A site's Kubernetes versions at one moment of an upgrade: each apiserver's and each kubelet's, by host. */
export interface KubernetesVersions {
  readonly apiservers: ReadonlyMap<string, Version>;
  readonly kubelets: ReadonlyMap<string, Version>;
}

/**
 * What Kubernetes' version skew policy (kubernetes.io/releases/version-skew-policy) forbids in a state:
 * apiservers more than one minor apart, a kubelet newer than an apiserver, or older than the oldest apiserver
 * by more than its release allows (`kubeletOlderMinors` of the kubelet's own release).
 */
export function skewProblems(versions: KubernetesVersions, kubeletOlderMinors: (kubelet: Version) => number): string[] {
  const apiservers = [...versions.apiservers.values()];
  if (apiservers.length === 0) return [];
  const minors = apiservers.map((version) => version.minor);
  const newest = Math.max(...minors);
  const oldest = Math.min(...minors);
  const problems: string[] = [];
  if (newest - oldest > 1) problems.push(`apiservers ${minorText(1, oldest)} and ${minorText(1, newest)} are more than one minor apart`);
  for (const [host, kubelet] of versions.kubelets) {
    if (kubelet.minor > oldest) problems.push(`the kubelet of ${host} (${kubelet.text}) is newer than an apiserver (${minorText(kubelet.major, oldest)})`);
    else if (newest - kubelet.minor > kubeletOlderMinors(kubelet))
      problems.push(`the kubelet of ${host} (${kubelet.text}) is more than ${kubeletOlderMinors(kubelet)} minors older than an apiserver`);
  }
  return problems;
}

/**
 * A site's Kubernetes versions followed through the steps of an upgrade: `set` moves hosts' apiservers or
 * kubelets to a version and answers what the skew policy then says (throwing on a breach, which is an ordering
 * bug of the caller), worded for a plan's gate.
 */
export function skewTracker(apiserverHosts: readonly string[], kubeletHosts: readonly string[], version: Version) {
  const apiservers = new Map(apiserverHosts.map((host) => [host, version]));
  const kubelets = new Map(kubeletHosts.map((host) => [host, version]));
  const older = (kubelet: Version) => {
    const resolved = KUBERNETES_RELEASES.resolve(kubelet);
    return 'release' in resolved ? resolved.release.kubeletOlderMinors : 0;
  };
  const texts = (map: ReadonlyMap<string, Version>) =>
    [...new Map([...map.values()].map((entry) => [entry.text, entry])).values()]
      .sort((a, b) => a.major - b.major || a.minor - b.minor || a.patch - b.patch)
      .map((entry) => entry.text)
      .join(', ');
  return {
    set(kind: 'apiserver' | 'kubelet', hosts: readonly string[], next: Version): string {
      hosts.forEach((host) => (kind === 'apiserver' ? apiservers : kubelets).set(host, next));
      const problems = skewProblems({ apiservers, kubelets }, older);
      if (problems.length > 0) throw new Error(`internal error: the plan's order breaks Kubernetes' version skew policy: ${problems.join('; ')}`);
      return `version skew checked: apiservers at ${texts(apiservers)}, kubelets at ${texts(kubelets)} (kubernetes.io/releases/version-skew-policy)`;
    },
  };
}
