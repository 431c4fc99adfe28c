import { visible } from '@clusterspec/pki';
import { defineRule } from '../rule';

/**
 * A certificate that could not be read is one no other rule judged: a link (never followed, since a collected
 * folder is outside input and a link can point anywhere on the machine running lint), a FIFO or device, or a
 * certificate with more names than any real one carries. Silence about it would read as "all good".
 */
export const certNotRead = defineRule({
  id: 'cert-not-read',
  description: 'Every entry under --certs DIR was read: no symbolic link, FIFO, socket or device, and no certificate with more than 1,000 names.',
  severity: 'warning',
  messages: {
    notRead: `{{file}} under {{directory}} was not read: {{reason}}; no rule judged it`,
  },
  check({ model, deployed, report }) {
    for (const skipped of deployed?.skipped ?? []) {
      const host = /^hosts\/([^/]+)\//.exec(skipped.file)?.[1];
      const index = host === undefined ? -1 : model.hosts.findIndex((each) => each.name === host);
      report({
        field: index < 0 ? ['metadata', 'name'] : ['spec', 'hosts', index, 'name'],
        artifact: visible(skipped.file),
        messageId: 'notRead',
        data: { file: visible(skipped.file), directory: visible(deployed?.directory ?? ''), reason: skipped.reason },
      });
    }
  },
});
