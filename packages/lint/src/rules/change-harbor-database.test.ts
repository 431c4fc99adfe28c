import { testRule } from '@clusterspec/lint/testing';
import { changeHarborDatabase } from './change-harbor-database';

/** A spec host at the address of the modern fixture's Harbor database (10.20.0.61). */
const DATABASE_HOST = '    - name: harbor-db\n      address: 10.20.0.61\n      roles: [consul-client]\n';
const LAST_HOST = '    - name: consul-3\n      address: 10.20.0.53\n      roles: [consul-server]\n';
const withDatabaseHost = { fixture: 'modern', replacements: [[LAST_HOST, `${LAST_HOST}${DATABASE_HOST}`]] as const };

testRule(changeHarborDatabase, {
  valid: [
    { name: 'plain lint, no previous revision', fixture: 'modern' },
    { name: 'the database host stays', ...withDatabaseHost, previous: withDatabaseHost },
    { name: 'the database is outside the spec (no host at its address)', fixture: 'modern', previous: { fixture: 'modern' } },
    {
      name: 'the database moves to another server in the same revision as its old host leaves',
      fixture: 'modern',
      previous: withDatabaseHost,
      replacements: [['host: 10.20.0.61', 'host: 10.20.0.63']],
    },
  ],
  invalid: [
    {
      name: "the host holding Harbor's only database leaves",
      fixture: 'modern',
      previous: withDatabaseHost,
      errors: [{ message: "harbor-db (10.20.0.61) leaves the site but holds Harbor's only database", field: 'spec.hosts' }],
    },
  ],
});
