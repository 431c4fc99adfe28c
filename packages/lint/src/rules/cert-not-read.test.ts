import { loadFixture } from '../../../../tests/support/fixtures';
import { collected } from '../../../../tests/support/deployed';
import { testRule } from '@clusterspec/lint/testing';
import { certNotRead } from './cert-not-read';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const LINK = 'a symbolic link, never followed; collect the file itself';

testRule(certNotRead, {
  valid: [
    { name: 'nothing collected: nothing to judge', fixture: 'seed-ha' },
    { name: 'every collected entry read', fixture: 'seed-ha', deployed: collected(seed) },
  ],
  invalid: [
    {
      name: "a host's certificate that is a link, a user's that is a FIFO, and a name with a newline and an escape (shown, not sent)",
      fixture: 'seed-ha',
      deployed: {
        ...collected(seed),
        skipped: [
          { file: 'hosts/wudang/etc/kubernetes/pki/apiserver-wudang.crt', reason: LINK },
          { file: 'cluster/kubeconfig/bob.crt', reason: 'a FIFO, not read; collect the certificate as a regular file' },
          { file: 'hosts/emei/x\ntouch PWNED;\u001b[2J.crt', reason: LINK },
        ],
      },
      errors: [
        // In the spec's order: metadata.name before the hosts.
        { messageId: 'notRead', message: 'cluster/kubeconfig/bob.crt under collected was not read: a FIFO', field: 'metadata.name' },
        {
          messageId: 'notRead',
          message: `hosts/wudang/etc/kubernetes/pki/apiserver-wudang.crt under collected was not read: ${LINK}; no rule judged it`,
          line: '- name: wudang',
          field: 'spec.hosts[1].name',
          severity: 'warning',
        },
        { messageId: 'notRead', message: /^hosts\/emei\/x\\ntouch PWNED;\\x1b\[2J\.crt under collected was not read/, field: 'spec.hosts[2].name' },
      ],
    },
  ],
});
