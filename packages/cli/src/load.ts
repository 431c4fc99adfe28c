import { harborChecks } from '@clusterspec/harbor';
import { lintSettingsCheck } from '@clusterspec/lint';
import { loadSpec, SpecError, type ClusterModel, type SiteCheck, type SpecProblem } from '@clusterspec/spec';
import { UsageError } from './command';

/**
 * The checks each component contributes to the one validation phase (spec's own schema and cross-field
 * checks run first). Every command loads through loadAll, so validate refuses whatever generate, lint or
 * render would: a component that can refuse a spec adds its check here, never in its generators.
 */
export const SITE_CHECKS: readonly SiteCheck[] = [harborChecks, lintSettingsCheck];

/** Loads every spec or none: reports all their problems, and two specs may not share a cluster name. */
export function loadAll(files: readonly string[]): ClusterModel[] {
  if (files.length === 0) throw new UsageError('name at least one spec file');
  const models: ClusterModel[] = [];
  const problems: SpecProblem[] = [];
  for (const file of files) {
    try {
      models.push(loadSpec(file, SITE_CHECKS));
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      problems.push(...error.problems);
    }
  }
  const owner = new Map<string, ClusterModel>();
  for (const model of models) {
    const first = owner.get(model.name);
    if (first) {
      problems.push({
        ...model.locate(['metadata', 'name']),
        field: 'metadata.name',
        message: `cluster name "${model.name}" is also used by ${first.file}; both would write out/${model.name}`,
        hint: 'give each site its own metadata.name',
      });
    } else owner.set(model.name, model);
  }
  if (problems.length > 0) throw new SpecError(problems);
  return models;
}
