import type { Artifact, ClusterModel } from '@clusterspec/spec';

/**
 * Computes an analysis once per lint run: rules ask for the same balancers, clients and DNS entries for
 * every host, and recomputing them per question made lint quadratic in the number of hosts. The
 * artifacts map is made once per run, so it keys the cache.
 */
export function perSite<T>(
  compute: (model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>) => T,
): (model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>) => T {
  const cache = new WeakMap<ReadonlyMap<string, Artifact>, T>();
  return (model, artifacts) => {
    if (!cache.has(artifacts)) cache.set(artifacts, compute(model, artifacts));
    return cache.get(artifacts) as T;
  };
}
