import { parseVersion, type ReleaseTable } from '@clusterspec/spec';

/** A supported version's release; a refusal fails the test that asked. */
export function resolved<R>(table: ReleaseTable<R>, version: string): R {
  const resolution = table.resolve(parseVersion(version));
  if ('refusal' in resolution) throw new Error(`${table.program} ${version} refused: ${resolution.refusal.message}`);
  return resolution.release;
}
