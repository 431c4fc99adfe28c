import { testRule } from '@clusterspec/lint/testing';
import { withLintRules } from '../../../../tests/support/spec-edits';
import { fleetCollision } from './fleet-collision';

/** modern moved to 10.21.0.0/24 under another name and endpoint: the same shape of site, sharing nothing. */
const MODERN_ELSEWHERE = [
  ['  name: modern\n', '  name: modern-b\n'],
  [/10\.20\.0\./g, '10.21.0.'],
  ['controlPlaneEndpoint: k8s-api.corp.example:8443', 'controlPlaneEndpoint: k8s-api-b.corp.example:8443'],
] as const;

testRule(fleetCollision, {
  valid: [{ name: 'one site alone never collides (modern)', fixture: 'modern' }],
  invalid: [],
  acrossSites: {
    valid: [
      {
        name: "this repository's sites side by side (seed-ha, modern, vip-pernode, edge)",
        sites: [{ fixture: 'seed-ha' }, { fixture: 'modern' }, { fixture: 'vip-pernode' }, { fixture: 'edge' }],
      },
      {
        name: 'a second site of the same shape on its own addresses and name',
        sites: [{ fixture: 'modern' }, { fixture: 'modern', replacements: MODERN_ELSEWHERE }],
      },
      {
        name: 'a spec that writes the same site again (as seed-ha-toml does) and turns the rule off takes no part, whichever comes first',
        sites: [
          { fixture: 'seed-ha', replacements: [['  name: seed-ha\n', '  name: seed-ha-again\n'], withLintRules('      fleet-collision: off')] },
          { fixture: 'seed-ha' },
        ],
      },
      {
        name: 'the same, the spec that turns the rule off second',
        sites: [
          { fixture: 'seed-ha' },
          { fixture: 'seed-ha', replacements: [['  name: seed-ha\n', '  name: seed-ha-again\n'], withLintRules('      fleet-collision: off')] },
        ],
      },
    ],
    invalid: [
      {
        name: "a host on another site's host address: named at the later spec, with the earlier spec's file:line:column and host",
        sites: [{ fixture: 'vip-pernode' }, { fixture: 'modern', replacements: [['      address: 10.20.0.11\n', '      address: 10.30.0.21\n']] }],
        errors: [
          {
            messageId: 'sharedAddress',
            site: 1,
            message:
              /^10\.30\.0\.21, host lb-1, is also claimed by site vip-pernode: host node-1 at site-0\.yaml:26:16; two machines on one address take each other's traffic/,
            line: 'address: 10.30.0.21',
            column: 16,
            field: 'spec.hosts[7].address',
          },
        ],
      },
      {
        name: "a virtual address that is another site's virtual address",
        sites: [{ fixture: 'vip-pernode' }, { fixture: 'modern', replacements: [['virtualAddress: 10.20.0.10', 'virtualAddress: 10.30.0.10']] }],
        errors: [
          {
            messageId: 'sharedAddress',
            site: 1,
            message: /^10\.30\.0\.10, the virtual address, is also claimed by site vip-pernode: the virtual address at site-0\.yaml:42:23;/,
            line: 'virtualAddress: 10.30.0.10',
            field: 'spec.kubernetes.loadBalancer.virtualAddress',
          },
        ],
      },
      {
        name: 'a virtual address on which another site has a host',
        sites: [{ fixture: 'edge' }, { fixture: 'modern', replacements: [['virtualAddress: 10.20.0.10', 'virtualAddress: 172.16.1.21']] }],
        errors: [
          {
            messageId: 'sharedAddress',
            site: 1,
            message: /^172\.16\.1\.21, the virtual address, is also claimed by site edge: host w1 at site-0\.yaml:24:16;/,
            line: 'virtualAddress: 172.16.1.21',
          },
        ],
      },
      {
        name: 'one controlPlaneEndpoint name for two clusters (the port aside)',
        sites: [
          { fixture: 'vip-pernode' },
          { fixture: 'modern', replacements: [['controlPlaneEndpoint: k8s-api.corp.example:8443', 'controlPlaneEndpoint: api.vip.example:8443']] },
        ],
        errors: [
          {
            messageId: 'sharedEndpointName',
            site: 1,
            message:
              /^controlPlaneEndpoint name api\.vip\.example is also site vip-pernode's \(site-0\.yaml:37:27\): the clients of both clusters dial one name and reach whichever site DNS or \/etc\/hosts points it at/,
            line: 'controlPlaneEndpoint: api.vip.example:8443',
            field: 'spec.kubernetes.controlPlaneEndpoint',
          },
        ],
      },
      {
        name: 'the seed site twice under two names: every address and the endpoint name, each naming the first spec',
        sites: [{ fixture: 'seed-ha' }, { fixture: 'seed-ha', replacements: [['  name: seed-ha\n', '  name: seed-ha-again\n']] }],
        errors: [
          {
            messageId: 'sharedAddress',
            site: 1,
            message: /^10\.27\.53\.32, host shaolin, is also claimed by site seed-ha: host shaolin at site-0\.yaml:14:16;/,
            line: 'address: 10.27.53.32',
          },
          { messageId: 'sharedAddress', site: 1, message: '10.24.138.208, host wudang,', line: 'address: 10.24.138.208' },
          { messageId: 'sharedAddress', site: 1, message: '10.27.52.72, host emei,', line: 'address: 10.27.52.72' },
          { messageId: 'sharedAddress', site: 1, message: '10.47.217.91, host node1,', line: 'address: 10.47.217.91' },
          { messageId: 'sharedAddress', site: 1, message: '10.28.61.30, host node2,', line: 'address: 10.28.61.30' },
          { messageId: 'sharedAddress', site: 1, message: '192.168.0.129, host consul-1,', line: 'address: 192.168.0.129' },
          { messageId: 'sharedAddress', site: 1, message: '192.168.0.130, host consul-2,', line: 'address: 192.168.0.130' },
          { messageId: 'sharedAddress', site: 1, message: '192.168.0.131, host consul-3,', line: 'address: 192.168.0.131' },
          {
            messageId: 'sharedEndpointName',
            site: 1,
            message: /^controlPlaneEndpoint name kubernetes\.default\.svc is also site seed-ha's \(site-0\.yaml:42:27\)/,
            line: 'controlPlaneEndpoint: kubernetes.default.svc:8443',
          },
        ],
      },
      {
        name: 'three sites on one address: the second and the third each name the first',
        sites: [
          { fixture: 'vip-pernode' },
          { fixture: 'modern', replacements: [['      address: 10.20.0.11\n', '      address: 10.30.0.21\n']] },
          { fixture: 'edge', replacements: [['      address: 172.16.1.21\n', '      address: 10.30.0.21\n']] },
        ],
        errors: [
          {
            messageId: 'sharedAddress',
            site: 1,
            message: /^10\.30\.0\.21, host lb-1, is also claimed by site vip-pernode: host node-1 at site-0\.yaml:26:16;/,
          },
          { messageId: 'sharedAddress', site: 2, message: /^10\.30\.0\.21, host w1, is also claimed by site vip-pernode: host node-1 at site-0\.yaml:26:16;/ },
        ],
      },
    ],
  },
});
