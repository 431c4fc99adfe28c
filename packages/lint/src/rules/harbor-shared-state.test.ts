import { testRule } from '@clusterspec/lint/testing';
import type { SharedSecrets } from '@clusterspec/harbor';
import type { StaticBalancers } from '@clusterspec/loadbalancer';
import { harborSharedState } from './harbor-shared-state';

const SEED_DATABASE = '      host: 10.47.217.100\n      port: 3306\n      user: harbor\n';
const EDGE_DATABASE = '      host: 172.16.2.100\n      port: 5432\n      user: harbor\n';
const EDGE_HARBOR_HOSTS =
  '      roles: [harbor]\n    - name: h2\n      address: 172.16.2.12\n      roles: [harbor]\n    - name: h3\n      address: 172.16.2.13\n      roles: [harbor]\n';
const EDGE_ONE_HARBOR =
  '      roles: [harbor]\n    - name: h2\n      address: 172.16.2.12\n      roles: [consul-client]\n    - name: h3\n      address: 172.16.2.13\n      roles: [consul-client]\n';
const EMBEDDED = { line: 'embedded: true', column: 17, field: 'spec.harbor.database.embedded' } as const;
const PINNED_BALANCER = (data: StaticBalancers) => ({ ...data, harbor: { ...data.harbor!, affinity: 'ip_hash' } });
const UNSHARED = (host: string, why: string) =>
  `Harbor on ${host} ${why}, so its ./prepare keeps a CSRF key and core and jobservice secrets of its own, while the balancer sends clients to any instance: requests fail with "CSRF token invalid" (goharbor/harbor#21060); install every instance with the shared secrets, or pin clients to one instance (ip_hash)`;

testRule(harborSharedState, {
  valid: [
    { name: 'shared storage, external database and Redis', fixture: 'seed-ha' },
    { name: 'three 2.x instances on one external database', fixture: 'edge' },
    {
      name: 'one instance may use the bundled database',
      fixture: 'edge',
      replacements: [
        [EDGE_HARBOR_HOSTS, EDGE_ONE_HARBOR],
        [EDGE_DATABASE, '      embedded: true\n'],
      ],
    },
    {
      name: '2.x instances without the shared secrets behind a balancer that pins clients (ip_hash)',
      fixture: 'edge',
      files: { 'hosts/h2/opt/harbor/shared-secrets.env': null, 'hosts/hlb/etc/nginx/nginx.conf': PINNED_BALANCER },
    },
  ],
  invalid: [
    {
      name: '2.x instance without shared-secrets.env behind a balancer without affinity (goharbor/harbor#21060)',
      fixture: 'edge',
      files: { 'hosts/h2/opt/harbor/shared-secrets.env': null },
      errors: [
        {
          messageId: 'unsharedSecrets',
          message: UNSHARED('h2', 'has no /opt/harbor/shared-secrets.env'),
          line: 'version: "2.5.6"',
          column: 5,
          field: 'spec.harbor.sharedSecrets',
          artifact: 'hosts/h2/opt/harbor/harbor.yml',
          hosts: ['h2'],
        },
      ],
    },
    {
      name: '2.x instances installed without install-shared.sh, and one with another CSRF key',
      fixture: 'edge',
      files: {
        'hosts/h1/opt/harbor/install-shared.sh': null,
        'hosts/h3/opt/harbor/shared-secrets.env': (data: SharedSecrets) => ({ ...data, CSRF_KEY: '{{secret:env:OTHER}}' }),
      },
      errors: [
        {
          messageId: 'unsharedSecrets',
          message: UNSHARED('h1', "has no /opt/harbor/install-shared.sh to write /opt/harbor/shared-secrets.env over ./prepare's output"),
          artifact: 'hosts/h1/opt/harbor/harbor.yml',
        },
        {
          messageId: 'unsharedSecrets',
          message: UNSHARED('h3', "has CSRF_KEY in /opt/harbor/shared-secrets.env other than the spec's (harbor.sharedSecrets)"),
          artifact: 'hosts/h3/opt/harbor/harbor.yml',
        },
      ],
    },
    {
      name: 'Harbor 1.x TLS certificate off the shared storage',
      fixture: 'seed-ha',
      files: { 'hosts/node2/opt/harbor/harbor.cfg': (cfg) => ({ ...cfg, certFile: '/data/cert/server.crt' }) },
      errors: [
        {
          messageId: 'certificateOffSharedStorage',
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
      errors: [
        {
          messageId: 'bundledDatabase',
          ...EMBEDDED,
          message:
            '2 Harbor instances would each run the bundled database on /mnt/cephfs/harbor/data/database: 2 database servers on one set of files corrupt it; use one external database',
        },
      ],
    },
    {
      name: 'three 2.x instances, each on the bundled database',
      fixture: 'edge',
      replacements: [[EDGE_DATABASE, '      embedded: true\n']],
      errors: [
        {
          messageId: 'bundledDatabase',
          ...EMBEDDED,
          message:
            '3 Harbor instances would each run the bundled database on /mnt/glusterfs/harbor/data/database: 3 database servers on one set of files corrupt it; use one external database',
        },
      ],
    },
  ],
});
