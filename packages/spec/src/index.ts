import { readFileSync } from 'node:fs';
import { SpecError } from './errors';
import type { ClusterModel } from './model';
import { normalize } from './normalize';
import { parseSource } from './source';
import { validateSource } from './validate';

export * from './errors';
export * from './groups';
export { closestMatch } from './suggest';
export { clusterSchemaId } from './schema-compiler';
export * from './model';
export * from './net';
export * from './secrets';
export * from './version';
export { runsConsulAgent } from './sections';
export { defaultContainerRuntime } from './container-runtime';
export { parseSource, type ParsedSource } from './source';

/** Parses, validates and normalises spec text; `file` names it in every error. */
export function loadSpecText(file: string, bytes: Buffer): ClusterModel {
  const source = parseSource(file, bytes);
  validateSource(source);
  return normalize(source);
}

/** Reads a spec file (YAML, or TOML by its .toml extension) into the model. */
export function loadSpec(file: string): ClusterModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new SpecError([{ file, line: 1, column: 1, field: '', message: `cannot read the spec: ${reason}`, hint: 'check the path' }]);
  }
  return loadSpecText(file, bytes);
}
export * from './artifact';
