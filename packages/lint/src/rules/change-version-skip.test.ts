import { testRule } from '@clusterspec/lint/testing';
import { changeVersionSkip } from './change-version-skip';

const KUBERNETES = 'version: "1.34.2"';
const HARBOR = 'version: "2.13.1"';
const from = (fixture: string, line: string, version: string) => ({ fixture, replacements: [[line, `version: "${version}"`]] as const });

testRule(changeVersionSkip, {
  valid: [
    { name: 'plain lint, no previous revision', fixture: 'modern' },
    { name: 'Kubernetes one minor up', fixture: 'modern', previous: from('modern', KUBERNETES, '1.33.5') },
    { name: 'Kubernetes a patch up', fixture: 'modern', previous: from('modern', KUBERNETES, '1.34.0') },
    { name: 'the legacy flow: a patch of 1.6', fixture: 'seed-ha', previous: from('seed-ha', 'version: "1.6.2"', '1.6.0') },
    { name: 'Harbor two minors up, as far as the 2.13 guide migrates from', fixture: 'modern', previous: from('modern', HARBOR, '2.11.1') },
  ],
  invalid: [
    {
      name: 'Kubernetes two minors up',
      fixture: 'modern',
      previous: from('modern', KUBERNETES, '1.32.4'),
      errors: [
        {
          message: 'Kubernetes 1.32.4 to 1.34.2 skips what one upgrade may cross: go through 1.33 first, one revision each, then 1.34.2',
          line: KUBERNETES,
          field: 'spec.kubernetes.version',
        },
      ],
    },
    {
      name: 'Kubernetes four minors up names every release between',
      fixture: 'modern',
      previous: from('modern', KUBERNETES, '1.30.1'),
      errors: [{ message: 'go through 1.31, 1.32, 1.33 first' }],
    },
    {
      name: 'Kubernetes down',
      fixture: 'modern',
      previous: from('modern', KUBERNETES, '1.34.3'),
      errors: [{ message: 'Kubernetes 1.34.3 to 1.34.2 is a downgrade' }],
    },
    {
      name: 'Harbor three minors up: through 2.12 first (the 2.13 guide migrates from 2.11 on)',
      fixture: 'modern',
      previous: from('modern', HARBOR, '2.10.0'),
      errors: [{ message: 'Harbor 2.10.0 to 2.13.1 skips what one upgrade may cross: go through 2.12 first', line: HARBOR, field: 'spec.harbor.version' }],
    },
  ],
});
