import { testRule } from '../../../../tests/support/rule-tester';
import { secretLiteral } from './secret-literal';

/** No one field of the spec holds what a generated file wrote: the findings point at spec, whose value starts at its first key. */
const SPEC = { line: '  hosts:', column: 3, field: 'spec' } as const;
const HARBOR_CFG = 'hosts/node1/harbor/harbor.cfg';
const UI_ENV = 'hosts/node1/opt/harbor/common/templates/ui/env';

testRule(secretLiteral, {
  valid: [
    { name: 'only placeholders in the generated files (modern)', fixture: 'modern' },
    { name: 'only placeholders in the generated files (seed)', fixture: 'seed-ha' },
  ],
  invalid: [
    {
      name: 'a generated file carrying a secret value',
      fixture: 'seed-ha',
      files: { [HARBOR_CFG]: 'hostname = hub\ndb_password = root123\n' },
      errors: [{ ...SPEC, message: `${HARBOR_CFG} sets db_password to a value that is not a {{secret:…}} placeholder; secrets come from {fromEnv} or {fromFile} references`, artifact: HARBOR_CFG }],
    },
    {
      name: 'a Redis session password written into the ui env',
      fixture: 'seed-ha',
      files: { [UI_ENV]: '_REDIS_URL=10.47.217.101:6379,100,hunter2,0\n' },
      errors: [{ ...SPEC, message: `${UI_ENV} carries a Redis password in _REDIS_URL that is not a {{secret:…}} placeholder`, artifact: UI_ENV }],
    },
  ],
});
