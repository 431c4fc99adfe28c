import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './fixtures';

/**
 * A validator of SARIF 2.1.0 logs (the schema @microsoft/jest-sarif ships). The schema declares draft-04 (`id`, no
 * boolean exclusiveMinimum): Ajv 8 reads it as draft-07, the same for this schema.
 */
export function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const { $schema: _draft, id, ...rest } = schema;
  // The schema's `language` pattern is not valid with the u flag, which Ajv 8 uses by default.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ ...rest, $id: id as string });
}
