import { defineRule } from '../rule';

/** kubernetes.default.svc is the in-cluster Service name: pods resolve it to the Service IP, not to the load balancer. */
export const endpointIsServiceName = defineRule({
  id: 'endpoint-is-service-name',
  description: 'controlPlaneEndpoint is not the in-cluster Service name kubernetes.default.svc…',
  severity: 'warning',
  messages: {
    serviceName: `controlPlaneEndpoint {{host}}:{{port}} is the name of the kubernetes Service: inside pods (and on hosts using cluster DNS) it resolves to {{apiServerServiceIP}}, where nothing listens on {{port}}; use a name of your own for the load balancer`,
  },
  check({ model, report }) {
    const { host, port } = model.kubernetes.controlPlaneEndpoint;
    if (host !== 'kubernetes' && !host.startsWith('kubernetes.default')) return;
    report({
      field: ['spec', 'kubernetes', 'controlPlaneEndpoint'],
      messageId: 'serviceName',
      data: { host, port, apiServerServiceIP: model.kubernetes.networking.apiServerServiceIP },
    });
  },
});
