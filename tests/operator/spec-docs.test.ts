import { readFileSync } from 'node:fs';
import { ROOT } from '../support/fixtures';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script without type declarations, typed here
const { renderSpecDocs, SCHEMA, OUTPUT } = require(join(ROOT, 'scripts/spec-docs.js')) as {
  renderSpecDocs: (schema: object) => string;
  SCHEMA: string;
  OUTPUT: string;
};

describe('docs/spec.md', () => {
  it('is what scripts/spec-docs.js makes of the schema now (run `npm run docs` when this fails)', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(renderSpecDocs(JSON.parse(readFileSync(SCHEMA, 'utf8'))));
  });

  it('documents every section of the spec', () => {
    const page = readFileSync(OUTPUT, 'utf8');
    for (const section of [
      '`spec.hosts[]`',
      '`spec.kubernetes.loadBalancer`',
      '`spec.harbor.database`',
      '`spec.consul.services[]`',
      '`spec.docker`',
      '`spec.lint`',
    ])
      expect(page).toContain(`## ${section}`);
    expect(page).toContain('| `proxyTimeout` | duration |  | `"10m"` |');
  });

  it('names a secret field\'s type as a secret reference, not "object or object" (issue 11, item 16)', () => {
    const page = readFileSync(OUTPUT, 'utf8');
    expect(page).not.toContain('object or object');
    expect(page).toContain('| `adminPassword` | secret reference: `{fromEnv: NAME}` or `{fromFile: path}` | yes |');
  });

  it('says users default to the kubernetes-admin user', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toContain('| `users` | list of object |  | `[{"name":"kubernetes-admin","groups":["system:masters"]}]` |');
  });
});
