import { BALANCER_ARTIFACTS, streamBalancers } from '@clusterspec/analysis';
import { defineRule } from '../rule';

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const MINIMUM_SECONDS = 600;

/** nginx time in seconds; nginx's own default proxy_timeout is 10m. */
function seconds(value: string | undefined): number {
  const match = /^([0-9]+)(ms|s|m|h)?$/.exec(value ?? '10m');
  return match ? Number(match[1]) * UNIT_SECONDS[match[2] ?? 's'] : MINIMUM_SECONDS;
}

/**
 * nginx's stream proxy_timeout closes a connection idle that long in both directions
 * (https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html#proxy_timeout): at 3s every quiet watch
 * (kubectl get -w, controllers, kubelets) is cut every 3 seconds.
 */
export const lbProxyTimeout = defineRule({
  id: 'lb-proxy-timeout',
  description: 'An apiserver load balancer keeps idle connections at least 10 minutes, or watches break.',
  severity: 'warning',
  messages: {
    shortTimeout: `the apiserver load balancer on {{host}} closes connections idle for {{proxyTimeout}}; watches stay idle for minutes, so every watch is cut: use 10m or more`,
  },
  reads: BALANCER_ARTIFACTS,
  check({ model, artifacts, report }) {
    const apiServerAddresses = new Set(model.kubernetes.controlPlaneHosts.map((host) => host.address));
    for (const balancer of streamBalancers(model, artifacts)) {
      if (!balancer.backends.some((backend) => apiServerAddresses.has(backend.address))) continue;
      if (seconds(balancer.proxyTimeout) >= MINIMUM_SECONDS) continue;
      report({
        field: ['spec', 'kubernetes', 'loadBalancer', 'proxyTimeout'],
        artifact: balancer.artifact,
        host: balancer.host.name,
        messageId: 'shortTimeout',
        data: { host: balancer.host.name, proxyTimeout: balancer.proxyTimeout },
      });
    }
  },
});
