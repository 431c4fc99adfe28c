import { testRule } from '@clusterspec/lint/testing';
import { changeInPlace } from './change-in-place';

testRule(changeInPlace, {
  valid: [
    { name: 'plain lint, no previous revision', fixture: 'modern' },
    { name: 'nothing changed', fixture: 'modern', previous: { fixture: 'modern' } },
    {
      name: 'other fields change (the version)',
      fixture: 'modern',
      previous: { fixture: 'modern', replacements: [['version: "1.34.2"', 'version: "1.33.5"']] },
    },
  ],
  invalid: [
    {
      name: 'serviceSubnet changed',
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [['serviceSubnet: 10.96.0.0/12', 'serviceSubnet: 10.112.0.0/12']],
      errors: [
        {
          message: 'serviceSubnet changes from 10.96.0.0/12 to 10.112.0.0/12: every Service keeps its address in 10.96.0.0/12',
          line: 'serviceSubnet: 10.112.0.0/12',
          field: 'spec.kubernetes.networking.serviceSubnet',
        },
      ],
    },
    {
      name: 'podSubnet and dnsDomain changed together: one finding each',
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [
        ['podSubnet: 10.244.0.0/16', 'podSubnet: 10.250.0.0/16'],
        ['dnsDomain: cluster.local', 'dnsDomain: corp.local'],
      ],
      errors: [
        { message: 'podSubnet changes from 10.244.0.0/16 to 10.250.0.0/16', field: 'spec.kubernetes.networking.podSubnet' },
        { message: 'dnsDomain changes from cluster.local to corp.local', field: 'spec.kubernetes.networking.dnsDomain' },
      ],
    },
    {
      name: 'the cluster renamed',
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [['  name: modern', '  name: modern-2']],
      errors: [{ message: 'metadata.name changes from modern to modern-2', line: 'name: modern-2', field: 'metadata.name' }],
    },
  ],
});
