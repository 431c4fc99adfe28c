import { testRule } from '@clusterspec/lint/testing';
import { seedWudangWith } from '../../../../tests/support/spec-edits';
import { taintLabelConsistency } from './taint-label-consistency';

const MODERN_WORKER_1 = '      address: 10.20.0.31\n      roles: [worker, consul-client]\n';

testRule(taintLabelConsistency, {
  valid: [
    { name: 'legacy masters labelled and tainted by node-roles.sh', fixture: 'seed-ha' },
    { name: 'a schedulable control plane without taints', fixture: 'edge' },
    { name: 'a worker with a label of its own', fixture: 'modern', replacements: [[MODERN_WORKER_1, `${MODERN_WORKER_1}      labels: {disk: ssd}\n`]] },
  ],
  invalid: [
    {
      name: 'wudang without the master taint (documents: pods scheduled on wudang and emei)',
      fixture: 'seed-ha',
      replacements: [seedWudangWith('taints: []')],
      // lacks the taint; labelled but not tainted
      errors: [
        {
          messageId: 'missingTaint',
          message:
            'control-plane host wudang lacks the taint node-role.kubernetes.io/master:NoSchedule, so it takes ordinary workloads; the spec says the control plane is not schedulable',
          line: 'taints: []',
          column: 15,
          field: 'spec.hosts[1].taints',
        },
        {
          messageId: 'labelTaintDisagree',
          message: 'wudang is labelled as control plane but not tainted: label and taint must agree',
          line: 'taints: []',
          column: 15,
          field: 'spec.hosts[1].taints',
        },
      ],
    },
    {
      name: 'a worker labelled as control plane',
      fixture: 'modern',
      replacements: [[MODERN_WORKER_1, `${MODERN_WORKER_1}      labels: {node-role.kubernetes.io/control-plane: ""}\n`]],
      errors: [
        {
          messageId: 'workerLabel',
          message: 'worker worker-1 carries the control-plane label node-role.kubernetes.io/control-plane',
          line: 'labels: {node-role.kubernetes.io/control-plane',
          column: 15,
          field: 'spec.hosts[3].labels',
        },
      ],
    },
    {
      name: 'a misspelt taint effect',
      fixture: 'edge',
      replacements: [
        [
          '      address: 172.16.1.21\n      roles: [worker, consul-client]\n',
          '      address: 172.16.1.21\n      roles: [worker, consul-client]\n      taints: [{key: dedicated, value: gpu, effect: NoSchdule}]\n',
        ],
      ],
      errors: [
        {
          messageId: 'badTaintEffect',
          message: 'taint effect "NoSchdule" on w1 is not one of NoSchedule, PreferNoSchedule, NoExecute',
          line: 'effect: NoSchdule',
          column: 16,
          field: 'spec.hosts[3].taints[0]',
        },
      ],
    },
  ],
});
