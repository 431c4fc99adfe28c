import type Ajv2020 from 'ajv/dist/2020';

/**
 * The one Ajv set-up for the cluster schema, shared by the build-time standalone validator
 * (scripts/compile-validator.js) and the run-time compile used when running from sources.
 * strictRequired would refuse the harbor database's if/else naming properties declared beside it.
 * useDefaults fills in every `default` of the schema while validating: the schema is the one place
 * defaults are written, and the normaliser reads them from the validated data (raw-spec.generated.ts
 * types that data). fillDefaults: false checks a value alone (a default against its own property).
 */
export function createSchemaCompiler(options: { standalone: boolean; fillDefaults?: boolean }): Ajv2020 {
  // Loaded here, not at the top: with the standalone validator built, the CLI never needs Ajv's compiler.
  /* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose (above); each require is typed by its module */
  const { default: Ajv } = require('ajv/dist/2020') as typeof import('ajv/dist/2020');
  const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');
  const { _: code } = require('ajv/dist/compile/codegen') as typeof import('ajv/dist/compile/codegen');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    useDefaults: options.fillDefaults ?? true,
    ...(options.standalone ? { code: { source: true, formats: code`require("ajv-formats/dist/formats").fullFormats` } } : {}),
  });
  addFormats(ajv, ['ipv4']);
  // Beside each pattern, the allowed form in words: shown by editors, and by the loader's messages.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  return ajv;
}

/** Read at run time from the workspace's schemas/ so src/ and dist/ share one copy. */
export function clusterSchema(): object {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the schema lies outside the package's rootDir, where an import cannot reach; require caches it
  return require('../../../schemas/cluster.schema.json') as object;
}

/** The schema's $id: the address it is published under, which specs name in `$schema` for editors. */
export function clusterSchemaId(): string {
  return (clusterSchema() as { $id: string }).$id;
}
