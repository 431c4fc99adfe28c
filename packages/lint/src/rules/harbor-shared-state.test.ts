import { testRule } from '../../../../tests/support/rule-tester';
import { harborSharedState } from './harbor-shared-state';

const SEED_DATABASE = '      host: 10.47.217.100\n      port: 3306\n      user: harbor\n';
const EDGE_DATABASE = '      host: 172.16.2.100\n      port: 5432\n      user: harbor\n';
const EDGE_HARBOR_HOSTS = '      roles: [harbor]\n    - name: h2\n      address: 172.16.2.12\n      roles: [harbor]\n    - name: h3\n      address: 172.16.2.13\n      roles: [harbor]\n';
const EDGE_ONE_HARBOR = '      roles: [harbor]\n    - name: h2\n      address: 172.16.2.12\n      roles: [consul-client]\n    - name: h3\n      address: 172.16.2.13\n      roles: [consul-client]\n';
const EMBEDDED = { line: 'embedded: true', column: 17, field: 'spec.harbor.database.embedded' } as const;

testRule(harborSharedState, {
  valid: [
    { name: 'shared storage, external database and Redis', fixture: 'seed-ha' },
    { name: 'three 2.x instances on one external database', fixture: 'edge' },
    { name: 'one instance may use the bundled database', fixture: 'edge', replacements: [[EDGE_HARBOR_HOSTS, EDGE_ONE_HARBOR], [EDGE_DATABASE, '      embedded: true\n']] },
  ],
  invalid: [
    {
      name: 'Harbor 1.x TLS certificate off the shared storage',
      fixture: 'seed-ha',
      files: { 'hosts/node2/opt/harbor/harbor.cfg': (cfg) => ({ ...cfg, certFile: '/data/cert/server.crt' }) },
      errors: [
        {
          message: 'Harbor on node2 reads /data/cert/server.crt, off the shared storage /mnt/cephfs/harbor: instances would serve different certificates',
          line: 'sharedPath: /mnt/cephfs/harbor',
          column: 19,
          field: 'spec.harbor.storage.sharedPath',
          artifact: 'hosts/node2/opt/harbor/harbor.cfg',
          hosts: ['node2'],
        },
      ],
    },
    {
      name: "every instance running Harbor's bundled database on the shared files (documents: InnoDB: Unable to lock ./ibdata1)",
      fixture: 'seed-ha',
      replacements: [[SEED_DATABASE, '      embedded: true\n']],
      errors: [{ ...EMBEDDED, message: '2 Harbor instances would each run the bundled database on /mnt/cephfs/harbor/data/database: 2 database servers on one set of files corrupt it; use one external database' }],
    },
    {
      name: 'three 2.x instances, each on the bundled database',
      fixture: 'edge',
      replacements: [[EDGE_DATABASE, '      embedded: true\n']],
      errors: [{ ...EMBEDDED, message: '3 Harbor instances would each run the bundled database on /mnt/glusterfs/harbor/data/database: 3 database servers on one set of files corrupt it; use one external database' }],
    },
  ],
});
