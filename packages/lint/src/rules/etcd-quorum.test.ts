import { testRule } from '@clusterspec/lint/testing';
import { etcdQuorum } from './etcd-quorum';

/** A modern control-plane host (cp-2 is 10.20.0.22, cp-3 10.20.0.23) turned into a worker. */
const modernWorker = (address: string) =>
  [`      address: ${address}\n      roles: [control-plane, consul-client]\n`, `      address: ${address}\n      roles: [worker, consul-client]\n`] as const;
/** The findings point at spec.hosts, whose first entry is cp-1. */
const HOSTS = { line: '- name: cp-1', column: 5, field: 'spec.hosts' } as const;

testRule(etcdQuorum, {
  valid: [
    { name: 'three members', fixture: 'seed-ha' },
    { name: 'three kubeadm members', fixture: 'modern' },
  ],
  invalid: [
    {
      name: 'two control-plane hosts',
      fixture: 'modern',
      replacements: [modernWorker('10.20.0.23')],
      errors: [{ messageId: 'even', ...HOSTS, message: '2 etcd members: an even count tolerates no more failures than 1 and can split in two; use 1 or 3' }],
    },
    {
      name: 'one control-plane host behind a load balancer',
      fixture: 'modern',
      replacements: [modernWorker('10.20.0.22'), modernWorker('10.20.0.23')],
      errors: [{ messageId: 'single', ...HOSTS, message: '1 etcd member in a site built for HA: losing it loses the cluster; use 3', severity: 'warning' }],
    },
  ],
});
