import { endpointURL, kubeconfigServer, type Kubeconfig } from '@clusterspec/kubernetes';
import { apiServerAltNames } from '@clusterspec/pki';
import { defineChangeRule } from '../change-rule';

const KUBECONFIGS = new Set(['kubernetes/user-kubeconfig', 'kubernetes/component-kubeconfig']);

/**
 * A new controlPlaneEndpoint is reached in steps (certificates naming both, clients moved, the old name
 * dropped in a later revision). A revision that moves the endpoint while one of its own kubeconfigs still
 * dials the old one, which its apiserver certificates or balancers no longer serve, strands that client.
 */
export const changeEndpointDialled = defineChangeRule({
  id: 'change-endpoint-dialled',
  description: 'When controlPlaneEndpoint changes, no kubeconfig of the new revision dials the old endpoint unless the site still serves it.',
  messages: {
    stranded:
      '{{file}} still dials {{old}}, the endpoint before this revision, which the new apiserver certificates or balancers no longer serve; point it at {{new}}, or keep {{oldHost}} in apiServer.certSANs (and port {{oldPort}}) until every client has moved',
  },
  severity: 'error',
  reads: ['cluster/kubeconfig/*', 'hosts/*/etc/kubernetes/*.conf'],
  check({ model, artifacts, previous, report }) {
    const before = previous.model.kubernetes.controlPlaneEndpoint;
    const after = model.kubernetes.controlPlaneEndpoint;
    if (before.host === after.host && before.port === after.port) return;
    const names = new Set(model.kubernetes.controlPlaneHosts.flatMap((host) => Object.values(apiServerAltNames(model, host)).flat()));
    const ports = new Set([model.kubernetes.loadBalancer.port, model.kubernetes.apiServer.bindPort]);
    if (names.has(before.host) && ports.has(before.port)) return;
    const old = endpointURL(before);
    for (const item of artifacts.values()) {
      if (!KUBECONFIGS.has(item.descriptor.id) || kubeconfigServer(item.data as Kubeconfig) !== old) continue;
      const host = /^hosts\/([^/]+)\//.exec(item.path)?.[1];
      report({
        messageId: 'stranded',
        field: ['spec', 'kubernetes', 'controlPlaneEndpoint'],
        artifact: item.path,
        ...(host ? { host } : {}),
        data: { file: item.path, old, new: endpointURL(after), oldHost: before.host, oldPort: before.port },
      });
    }
  },
});
