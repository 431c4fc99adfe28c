import { testRule } from '@clusterspec/lint/testing';
import type { Untyped } from '../../../../tests/support/untyped';
import { secretLiteral } from './secret-literal';

/** No one field of the spec holds what a generated file wrote: the findings point at spec, whose value starts at its first key. */
const SPEC = { line: '  hosts:', column: 3, field: 'spec' } as const;
const HARBOR_CFG = 'hosts/node1/opt/harbor/harbor.cfg';
const UI_ENV = 'hosts/node1/opt/harbor/common/templates/ui/env';
const HARBOR_YML = 'hosts/h1/opt/harbor/harbor.yml';
const KUBEADM = 'hosts/k1/etc/kubernetes/kubeadm-config.yaml';

testRule(secretLiteral, {
  valid: [
    { name: 'only placeholders in the generated files (modern)', fixture: 'modern' },
    { name: 'only placeholders in the generated files (seed)', fixture: 'seed-ha' },
  ],
  invalid: [
    {
      name: 'a generated file carrying a secret value',
      fixture: 'seed-ha',
      files: { [HARBOR_CFG]: (cfg) => ({ ...cfg, dbPassword: 'root123' }) },
      errors: [
        {
          messageId: 'literal',
          ...SPEC,
          message: `${HARBOR_CFG} sets dbPassword to a value that is not a {{secret:…}} placeholder; secrets come from {fromEnv} or {fromFile} references`,
          artifact: HARBOR_CFG,
        },
      ],
    },
    {
      name: 'a Redis session password written into the ui env',
      fixture: 'seed-ha',
      files: { [UI_ENV]: (env) => ({ ...env, redisSession: { ...env.redisSession, password: 'hunter2' } }) },
      errors: [
        {
          messageId: 'literal',
          ...SPEC,
          message: `${UI_ENV} sets redisSession.password to a value that is not a {{secret:…}} placeholder; secrets come from {fromEnv} or {fromFile} references`,
          artifact: UI_ENV,
        },
      ],
    },
    {
      name: "secrets in a Harbor 2.x harbor.yml, nested (the external database's password) and at the top (the admin's)",
      fixture: 'edge',
      files: {
        [HARBOR_YML]: (yml) => ({
          ...yml,
          document: {
            ...yml.document,
            harbor_admin_password: 'Harbor12345',
            external_database: { harbor: { ...yml.document.external_database.harbor, password: 'root123' } },
          },
        }),
      },
      errors: [
        {
          messageId: 'literal',
          ...SPEC,
          message: `${HARBOR_YML} sets document.external_database.harbor.password to a value that is not a {{secret:…}} placeholder`,
          artifact: HARBOR_YML,
        },
        {
          messageId: 'literal',
          ...SPEC,
          message: `${HARBOR_YML} sets document.harbor_admin_password to a value that is not a {{secret:…}} placeholder`,
          artifact: HARBOR_YML,
        },
      ],
    },
    {
      name: "kubeadm's bootstrap token written out in an InitConfiguration's list",
      fixture: 'edge',
      files: {
        [KUBEADM]: (documents) =>
          documents.map((document: Untyped) =>
            document.kind === 'InitConfiguration'
              ? { ...document, bootstrapTokens: [{ ...document.bootstrapTokens[0], token: 'abcdef.0123456789abcdef' }] }
              : document,
          ),
      },
      errors: [
        {
          messageId: 'literal',
          ...SPEC,
          message: `${KUBEADM} sets 0.bootstrapTokens.0.token to a value that is not a {{secret:…}} placeholder`,
          artifact: KUBEADM,
        },
      ],
    },
  ],
});
