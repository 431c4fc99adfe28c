import { testRule } from '@clusterspec/lint/testing';
import { changeEndpointDialled } from './change-endpoint-dialled';

const ENDPOINT = 'controlPlaneEndpoint: k8s-api.corp.example:8443';
const NEW_ENDPOINT = 'controlPlaneEndpoint: api.corp.example:8443';
const ALICE = '        groups: [platform-team]\n';
const aliceDials = (url: string): readonly [string, string] => [ALICE, `${ALICE}        server: ${url}\n`];

testRule(changeEndpointDialled, {
  valid: [
    { name: 'plain lint, no previous revision', fixture: 'modern' },
    { name: 'endpoint renamed, every kubeconfig follows it', fixture: 'modern', previous: { fixture: 'modern' }, replacements: [[ENDPOINT, NEW_ENDPOINT]] },
    {
      name: 'endpoint renamed, alice still dials the old name, which stays in certSANs',
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [
        [ENDPOINT, NEW_ENDPOINT],
        ['certSANs: [kubernetes.corp.example]', 'certSANs: [kubernetes.corp.example, k8s-api.corp.example]'],
        aliceDials('https://k8s-api.corp.example:8443'),
      ],
    },
  ],
  invalid: [
    {
      name: "endpoint renamed while alice's kubeconfig still dials the old one",
      fixture: 'modern',
      previous: { fixture: 'modern' },
      replacements: [[ENDPOINT, NEW_ENDPOINT], aliceDials('https://k8s-api.corp.example:8443')],
      errors: [
        {
          message:
            'cluster/kubeconfig/alice.conf still dials https://k8s-api.corp.example:8443, the endpoint before this revision, which the new apiserver certificates or balancers no longer serve',
          line: NEW_ENDPOINT,
          field: 'spec.kubernetes.controlPlaneEndpoint',
          artifact: 'cluster/kubeconfig/alice.conf',
        },
      ],
    },
  ],
});
