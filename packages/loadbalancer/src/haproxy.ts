import { HOST_FIELDS, artifact, compileTemplate, defineArtifact, hostFile, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { join } from 'node:path';
import { apiServerStream, type ApiServerStream } from './apiserver-stream';

export const HAPROXY_CFG_PATH = '/etc/haproxy/haproxy.cfg';

/**
 * haproxy's active check of each apiserver, as kubeadm's HA guide configures it
 * (https://github.com/kubernetes/kubeadm/blob/main/docs/ha-considerations.md: `option httpchk GET /healthz`,
 * `http-check expect status 200`, `check check-ssl verify none`, haproxy's default `inter 2s`). fall 3 at 2s
 * takes a failing apiserver out within about 6 s; rise 2 lets it back after two good answers. A probe's
 * answer may take `timeout` after the connection (the guide gives 10s; 2s keeps a hung apiserver from
 * holding its place for long).
 */
export const APISERVER_HEALTH_CHECK = { interval: '2s', timeout: '2s', fall: 3, rise: 2 } as const;

/** One balancer host's haproxy: the apiserver stream, the host it runs on, and its checks. */
export interface HaproxyCfg extends ApiServerStream {
  readonly host: string;
  readonly check: typeof APISERVER_HEALTH_CHECK;
}

export const haproxyCfgFile = defineArtifact<HaproxyCfg>({
  id: 'loadbalancer/haproxy-cfg',
  pattern: `hosts/*${HAPROXY_CFG_PATH}`,
  description:
    "the apiserver balancer with engine haproxy (kubeadm's HA guide): TCP on the LB port to every apiserver at `bindPort`, each probed on `/healthz` over TLS (`option httpchk`, `http-check expect status 200`, `check-ssl verify none`, every 2s, out after 3 failures, back after 2 passes), the spec's connect timeout and `proxyTimeout` as client and server timeouts, so watches stay open",
  where: 'apiserver-lb hosts, engine haproxy',
  reads: [
    ...HOST_FIELDS,
    'spec.kubernetes.loadBalancer.engine',
    'spec.kubernetes.loadBalancer.port',
    'spec.kubernetes.loadBalancer.connectTimeout',
    'spec.kubernetes.loadBalancer.proxyTimeout',
    'spec.kubernetes.apiServer.bindPort',
  ],
  secretKeys: [],
  consumer: 'haproxy',
  check: ['haproxy', '-c', '-q', '-f', '%s'],
  format: 'haproxy',
  render: compileTemplate<HaproxyCfg>(join(__dirname, '../templates/haproxy.cfg.ejs')),
});

/** Whether the apiserver-lb hosts balance with haproxy (else with nginx's stream module). */
export function balancesWithHaproxy(model: ClusterModel): boolean {
  return model.kubernetes.loadBalancer.engine === 'haproxy';
}

/** haproxy.cfg on every apiserver-lb host, with engine haproxy: the same listener nginx would have. */
export function generateHaproxy(model: ClusterModel): Artifact[] {
  if (!balancesWithHaproxy(model)) return [];
  return model.kubernetes.loadBalancer.hosts.map((host) =>
    artifact(haproxyCfgFile, hostFile(host, HAPROXY_CFG_PATH), { ...apiServerStream(model), host: host.name, check: APISERVER_HEALTH_CHECK }),
  );
}
