import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { formatFieldPath, SpecError, type FieldPath, type SpecProblem } from './errors';
import { LOAD_CHECKS, loadCheckTag } from './load-checks';
import type { ParsedSource } from './source';
import { currentApiVersion, MIGRATIONS } from './migrations';
import { clusterSchema, createSchemaCompiler } from './schema-compiler';
import { closestMatch } from './suggest';

/**
 * The standalone validator the build writes beside this module (dist/cluster-validator.js); from sources
 * (tests) there is none, and the same schema is compiled with the same options at load.
 */
function loadValidator(): ValidateFunction {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- written by the build into dist/ only, so it may be absent: an import would fail to compile from sources
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

/**
 * The allowed form and an example, written beside each pattern in the schema as `patternErrorMessage`
 * (the keyword VS Code's JSON and YAML language servers show for a mismatch), so the CLI and the editor say the same.
 */
function allowedForm(schema: unknown): string | undefined {
  return (schema as { patternErrorMessage?: string } | undefined)?.patternErrorMessage;
}

/** A value as it may be shown in one line: JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

const SECRET_SOURCES = ['fromEnv', 'fromFile'] as const;
type SecretSource = (typeof SECRET_SOURCES)[number];
const isSecretSource = (key: string): key is SecretSource => (SECRET_SOURCES as readonly string[]).includes(key);

/** One character, named so a blank or a control character is visible in a message. */
function characterName(character: string): string {
  if (character === ' ') return 'a blank';
  if (character === '\t') return 'a tab';
  return /^[\x21-\x7e]$/.test(character) ? `"${character}"` : `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * What is wrong with a secret reference the schema refused, without echoing it: a reference that is not
 * a mapping may be the secret itself. Characters are named by position, never quoted in context.
 */
function secretReferenceProblem(
  data: unknown,
  branches: readonly { properties: Record<SecretSource, { maxLength?: number }> }[],
): { key?: SecretSource; message: string; hint?: string } {
  const literal = {
    message: `a secret must be given by reference, not as a value${loadCheckTag(LOAD_CHECKS.secretByReference)}`,
    hint: 'write {fromEnv: NAME} or {fromFile: /path/to/file}',
  };
  if (!data || typeof data !== 'object' || Array.isArray(data)) return literal;
  const keys = Object.keys(data);
  const sources = keys.filter(isSecretSource);
  const unknown = keys.find((key) => !isSecretSource(key));
  if (sources.length > 1)
    return { message: 'a secret reference names one source, fromEnv or fromFile, not both', hint: 'keep one: {fromEnv: NAME} or {fromFile: /path/to/file}' };
  if (unknown !== undefined) {
    const suggestion = closestMatch(unknown, SECRET_SOURCES);
    return {
      message: `a secret reference takes fromEnv or fromFile, not "${unknown}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      hint: literal.hint,
    };
  }
  if (sources.length === 0) return { message: 'a secret reference needs fromEnv or fromFile', hint: literal.hint };
  const key = sources[0];
  const value = (data as Record<string, unknown>)[key];
  const schema = branches.map((branch) => branch.properties[key]).find(Boolean);
  const hint = allowedForm(schema);
  const what = key === 'fromEnv' ? 'name' : 'path';
  if (typeof value !== 'string') return { key, message: `the ${what} must be a string, not ${kindOf(value)}`, hint };
  if (value === '') return { key, message: `the ${what} is empty`, hint };
  if (schema?.maxLength !== undefined && value.length > schema.maxLength)
    return { key, message: `the ${what} is longer than ${schema.maxLength} characters`, hint };
  const allowed = key === 'fromEnv' ? /[A-Za-z0-9_]/ : /[A-Za-z0-9_./-]/;
  const bad = [...value].findIndex((character) => !allowed.test(character));
  if (bad >= 0) return { key, message: `character ${bad + 1} of the ${what} is ${characterName([...value][bad])}`, hint };
  if (key === 'fromEnv') return { key, message: /^[0-9]/.test(value) ? 'the name starts with a digit' : 'the name is not in the allowed form', hint };
  const segments = value.replace(/^\//, '').split('/');
  if (segments.includes('..')) return { key, message: 'the path has a ".." segment', hint };
  if (segments.includes('.')) return { key, message: 'the path has a "." segment', hint };
  if (segments.includes('')) return { key, message: 'the path has an empty segment ("//" or a trailing "/")', hint };
  return { key, message: 'the path is not in the allowed form', hint };
}

function explain(error: ErrorObject, source: ParsedSource): SpecProblem {
  const path = pathOf(error);
  const value = shown(error.data);
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
      return { ...base(path), message: `${value} is not a valid ${error.params.format} address`, hint: 'write a dotted-quad IPv4 address such as 10.0.0.10' };
    case 'enum':
      return {
        ...base(path),
        message: `${value} is not allowed`,
        hint: `use one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`,
      };
    case 'const': {
      const allowed = JSON.stringify((error.params as { allowedValue: unknown }).allowedValue);
      // An apiVersion this release does not know: a newer release's shape, or one no release had (migrations.ts).
      if (path.length === 1 && path[0] === 'apiVersion')
        return {
          ...base(path),
          message: `${value} is not a shape of the spec this clusterspec reads (${[...new Set([...MIGRATIONS.map((migration) => migration.from), currentApiVersion()])].join(', ')})`,
          hint: `a spec written for a newer clusterspec needs that version of @clusterspec/cli (npm install); otherwise write ${allowed}`,
        };
      return { ...base(path), message: `${value} is not allowed`, hint: `write ${allowed}` };
    }
    case 'uniqueItems':
      return { ...base(path), message: 'lists the same item twice', hint: 'remove the duplicate' };
    case 'oneOf':
    case 'anyOf':
      if (error.schemaPath.includes('/secretRef/')) {
        const { key, message, hint } = secretReferenceProblem(error.data, (error.parentSchema as { oneOf: [] }).oneOf);
        return { ...base(key ? [...path, key] : path), message, hint };
      }
      return { ...base(path), message: `${value} is not accepted here`, hint: describe(error) };
    case 'pattern':
      return { ...base(path), message: `${value} is not in the expected form`, hint: allowedForm(error.parentSchema) ?? describe(error) };
    case 'type':
      if (path.length === 0)
        return {
          ...base(path),
          message: `the spec must be a mapping of apiVersion, kind, metadata and spec, not ${kindOf(error.data)}`,
          hint: 'start from fixtures/seed-ha/cluster.yaml or `clusterspec init`',
        };
      return { ...base(path), message: `${value} ${error.message}`, hint: describe(error) };
    default:
      return { ...base(path), message: `${value} ${error.message}`, hint: describe(error) };
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
