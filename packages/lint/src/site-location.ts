import type { ClusterModel, FieldPath } from '@clusterspec/spec';

/** "file:line:column" of a spec field, for a finding about one site that names a field of another. */
export function positionOf(model: ClusterModel, field: FieldPath): string {
  const { file, line, column } = model.locate(field);
  return `${file}:${line}:${column}`;
}
