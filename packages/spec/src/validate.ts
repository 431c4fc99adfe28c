import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { formatFieldPath, SpecError, type FieldPath, type SpecProblem } from './errors';
import type { ParsedSource } from './source';
import { clusterSchema, createSchemaCompiler } from './schema-compiler';
import { closestMatch } from './suggest';

/**
 * The standalone validator the build writes beside this module (dist/cluster-validator.js); from sources
 * (tests) there is none, and the same schema is compiled with the same options at load.
 */
function loadValidator(): ValidateFunction {
  try {
    return require('./cluster-validator.js') as ValidateFunction;
  } catch {
    return createSchemaCompiler({ standalone: false }).compile(clusterSchema());
  }
}

const validateSchema = loadValidator();

function pathOf(error: ErrorObject): FieldPath {
  return error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^[0-9]+$/.test(segment) ? Number(segment) : segment));
}

function describe(error: ErrorObject): string {
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  return description ? `expected: ${description}` : '';
}

function explain(error: ErrorObject, source: ParsedSource): SpecProblem {
  const path = pathOf(error);
  const shown = JSON.stringify(error.data);
  const base = (fieldPath: FieldPath, part: 'key' | 'value' = 'value') => ({
    ...source.locate(fieldPath, part),
    field: formatFieldPath(fieldPath),
  });
  switch (error.keyword) {
    case 'additionalProperties': {
      const unknown = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {}).sort();
      const suggestion = closestMatch(unknown, allowed);
      return {
        ...base([...path, unknown], 'key'),
        message: `unknown key "${unknown}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        hint: `allowed keys here: ${allowed.join(', ')}`,
      };
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { ...base(path, 'key'), message: `missing required key "${missing}"`, hint: `add "${missing}"` };
    }
    case 'format':
      return { ...base(path), message: `${shown} is not a valid ${error.params.format} address`, hint: 'write a dotted-quad IPv4 address such as 10.0.0.10' };
    case 'enum':
      return { ...base(path), message: `${shown} is not allowed`, hint: `use one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
    case 'const':
      return { ...base(path), message: `${shown} is not allowed`, hint: `write ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}` };
    case 'uniqueItems':
      return { ...base(path), message: 'lists the same item twice', hint: 'remove the duplicate' };
    case 'oneOf':
    case 'anyOf':
      if (error.schemaPath.includes('/secretRef/')) {
        // The value may be the secret itself: never echo it.
        return { ...base(path), message: 'a secret must be given by reference, not as a value (secret-literal)', hint: 'write {fromEnv: NAME} or {fromFile: /path/to/file}' };
      }
      return { ...base(path), message: `${shown} is not accepted here`, hint: describe(error) };
    case 'pattern':
      return { ...base(path), message: `${shown} is not in the expected form`, hint: describe(error) };
    default:
      return { ...base(path), message: `${shown} ${error.message}`, hint: describe(error) };
  }
}

/**
 * Errors under a oneOf/anyOf branch say only why one alternative failed; the oneOf/anyOf
 * error itself, with the field's description, is what a user can act on.
 */
function actionable(errors: readonly ErrorObject[]): ErrorObject[] {
  // An if/then/else failure repeats what its branch's own errors say.
  errors = errors.filter((error) => error.keyword !== 'if');
  const alternatives = errors.filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf');
  return errors.filter(
    (error) =>
      alternatives.includes(error) ||
      !alternatives.some((alternative) => error.schemaPath.startsWith(`${alternative.schemaPath}/`) && error.instancePath.startsWith(alternative.instancePath)),
  );
}

export function validateSource(source: ParsedSource): void {
  if (validateSchema(source.data)) return;
  const seen = new Set<string>();
  const problems = actionable(validateSchema.errors ?? [])
    .map((error) => explain(error, source))
    .filter((problem) => {
      const key = `${problem.line}:${problem.column}:${problem.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  throw new SpecError(problems);
}
