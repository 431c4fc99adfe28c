import { hostListeners, INGRESS_HTTP_LISTENER, type Listener } from '@clusterspec/loadbalancer';
import type { FieldPath } from '@clusterspec/spec';
import { defineRule } from '../rule';

/** Which of two colliding listeners' fields to point at: a port setting before a service entry before fixed role ports. */
function weight(field: FieldPath): number {
  const last = String(field[field.length - 1]);
  return /port$/i.test(last) ? 2 : last === 'roles' ? 0 : 1;
}

/** Docker's "Error starting userland proxy: listen tcp 0.0.0.0:80: bind: address already in use" (Harbor's proxy on a host whose port 80 is taken), found before deploy. */
export const portConflict = defineRule({
  id: 'port-conflict',
  description: 'No two listeners on one host share a port, the ports of Consul services on Docker hosts included.',
  severity: 'error',
  messages: {
    sharedPort: `{{what}} and {{firstWhat}} both listen on port {{port}} on {{host}}`,
  },
  check({ model, report }) {
    for (const host of model.hosts) {
      const byPort = new Map<number, Listener>();
      for (const listener of hostListeners(model, host)) {
        const first = byPort.get(listener.port);
        // Several http ingress services share port 80 by design: nginx tells them apart by server_name.
        if (first && !(first.what.startsWith(INGRESS_HTTP_LISTENER) && listener.what.startsWith(INGRESS_HTTP_LISTENER))) {
          report({
            field: weight(first.field) > weight(listener.field) ? first.field : listener.field,
            host: host.name,
            messageId: 'sharedPort',
            data: { what: listener.what, firstWhat: first.what, port: listener.port, host: host.name },
          });
        }
        if (!first) byPort.set(listener.port, listener);
      }
    }
  },
});
