import { readFileSync } from 'node:fs';
import { runSiteChecks, type SiteCheck } from './checks';
import { SpecError } from './errors';
import type { ClusterModel } from './model';
import { normalize } from './normalize';
import { parseSource } from './source';
import { validateSource } from './validate';

export * from './checks';
export * from './endpoint';
export * from './errors';
export * from './groups';
export { closestMatch } from './suggest';
export { clusterSchemaId, createSchemaCompiler } from './schema-compiler';
export * from './model';
export * from './images';
export * from './net';
export { compareCodePoints } from './order';
export * from './secrets';
export { LOAD_CHECKS, loadCheckTag, type LoadCheck } from './load-checks';
export * from './version';
export * from './releases';
export { runsConsulAgent } from './sections';
export { defaultContainerRuntime } from './container-runtime';
export { MAX_SPEC_BYTES, parseSource, type ParsedSource } from './source';
export * from './migrations';
export type { SpecPath } from './raw-spec.generated';

/**
 * The one validation phase: parses, validates against the schema, normalises with the cross-field checks,
 * then runs the components' checks; returns the model only when all of them pass, else throws a
 * SpecError with every problem of the first phase that found some. `file` names the spec in every error.
 */
export function loadSpecText(file: string, bytes: Buffer, checks: readonly SiteCheck[] = []): ClusterModel {
  const source = parseSource(file, bytes);
  validateSource(source);
  const model = normalize(source);
  runSiteChecks(model, checks);
  return model;
}

/** Reads a spec file (YAML, or TOML by its .toml extension) into the model; see loadSpecText. */
export function loadSpec(file: string, checks: readonly SiteCheck[] = []): ClusterModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new SpecError([{ file, line: 1, column: 1, field: '', message: `cannot read the spec: ${reason}`, hint: 'check the path' }]);
  }
  return loadSpecText(file, bytes, checks);
}
export * from './artifact';
export { ARTIFACT_FORMATS, type SecretFormat } from './artifact-formats';
export * from './secret-placement';
