import { testRule } from '@clusterspec/lint/testing';
import { MODERN_CP3, modernControlPlane } from '../../../../tests/support/revisions';
import { changeQuorumLoss } from './change-quorum-loss';

const MODERN_CP2_CP3 = `${modernControlPlane('cp-2', '10.20.0.22')}${MODERN_CP3}`;
const CONSUL_SERVERS = /consul-([23])\n {6}address: 10\.20\.0\.5([23])/g;

testRule(changeQuorumLoss, {
  valid: [
    { name: 'plain lint, no previous revision: nothing to judge', fixture: 'modern' },
    { name: 'nothing changed', fixture: 'modern', previous: { fixture: 'modern' } },
    {
      name: 'two control planes added (3 to 5): every old member stays',
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [[MODERN_CP3, `${MODERN_CP3}${modernControlPlane('cp-4', '10.20.0.24')}${modernControlPlane('cp-5', '10.20.0.25')}`]],
    },
    {
      name: 'one control plane replaced: 2 of 3 stay, a quorum',
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [[MODERN_CP3, modernControlPlane('cp-4', '10.20.0.24')]],
    },
    {
      name: 'one Consul server replaced',
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [
        [/consul-3\b/g, 'consul-4'],
        ['address: 10.20.0.53', 'address: 10.20.0.54'],
      ],
    },
  ],
  invalid: [
    {
      name: 'three control planes to one in one revision',
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [[MODERN_CP2_CP3, '']],
      errors: [
        {
          message: 'etcd: only 1 of the 3 members stay (cp-2, cp-3 leave) in one revision, fewer than the quorum of 2; change at most 1 member(s) per revision',
          field: 'spec.hosts',
        },
      ],
    },
    {
      name: 'two of three Consul servers replaced at once (new names and addresses)',
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [[CONSUL_SERVERS, 'consul-new-$1\n      address: 10.20.0.6$2']],
      errors: [{ message: 'Consul servers: only 1 of the 3 members stay (consul-2, consul-3 leave)', field: 'spec.hosts' }],
    },
    {
      name: 'a control plane keeping its name at a new address is a new member',
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [
        ['address: 10.20.0.22', 'address: 10.20.0.122'],
        ['address: 10.20.0.23', 'address: 10.20.0.123'],
      ],
      errors: [{ message: 'etcd: only 1 of the 3 members stay (cp-2, cp-3 leave)' }],
    },
  ],
});
