import type { Artifact, ClusterModel, Generator } from '@clusterspec/spec';

/** What a set of generators makes for a site, by path. */
export function artifactsByPath(generators: readonly Generator[], model: ClusterModel): Map<string, Artifact> {
  return new Map(generators.flatMap((generator) => generator(model)).map((item): [string, Artifact] => [item.path, item]));
}

/** A generated file's text; a missing file fails with the paths that were generated. */
export function contentOf(files: ReadonlyMap<string, Artifact>, path: string): string {
  const found = files.get(path);
  if (!found) throw new Error(`no artifact ${path}; have ${[...files.keys()].join(', ')}`);
  return found.content;
}
