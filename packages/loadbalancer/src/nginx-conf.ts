import { harborBalancer, renderHarborBalancer, type HarborBalancer } from '@clusterspec/harbor';
import { HOST_FIELDS, artifact, compileTemplate, defineArtifact, hostFile, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { join } from 'node:path';
import { apiServerStream, renderApiServerStream, type ApiServerStream } from './apiserver-stream';
import { balancesWithHaproxy } from './haproxy';

const renderNginxConfTemplate = compileTemplate<{
  http: string;
  stream: string;
  streamModule?: string;
  user: string;
  workers: string;
  connections: number;
}>(join(__dirname, '../templates/nginx.conf.ejs'));

export const NGINX_CONF_PATH = '/etc/nginx/nginx.conf';

/** Blocks of text for nginx's `http` and `stream` contexts, written unindented. */
export interface NginxSections {
  readonly http: readonly string[];
  readonly stream: readonly string[];
}

/** The balancers a host runs because of its roles, as data: the apiserver's (stream) and Harbor's (http). */
export interface StaticBalancers {
  readonly apiServer?: ApiServerStream;
  readonly harbor?: HarborBalancer;
  /** The host's nginx package (its OS family). */
  readonly runtime: NginxRuntime;
}

// Every non-empty line indented by four spaces, in one pass: splitting into lines made a string per line (a million
// of them, all garbage, for an ingress preview at 10,000 hosts).
const indent = (sections: readonly string[]) =>
  sections
    .join('\n')
    .trimEnd()
    .replace(/(^|\n)(?=[^\n])/g, '$1    ');

/**
 * Where the nginx runs: a host's package, by OS family (spec.osFamily: stream is a dynamic module, in
 * /usr/lib/nginx/modules with workers as www-data on Debian's nginx-core + libnginx-mod-stream, in
 * /usr/lib64/nginx/modules with workers as nginx on RHEL's nginx + nginx-mod-stream; as many workers as
 * cores), or the official nginx container image of the per-node proxy (stream built in, workers as nginx),
 * sized as kubespray's nginx-proxy: 2 workers of 16384 connections each, so a node's proxy neither takes
 * every core of a worker node nor runs out of connections under many watches.
 */
export type NginxRuntime = 'debian' | 'rhel' | 'container';

interface Runtime {
  readonly user: string;
  /** The stream module's file, where stream is not built in. */
  readonly streamModule?: string;
  readonly workers: string;
  readonly connections: number;
}

const RUNTIMES: Readonly<Record<NginxRuntime, Runtime>> = {
  debian: { user: 'www-data', streamModule: '/usr/lib/nginx/modules/ngx_stream_module.so', workers: 'auto', connections: 1024 },
  rhel: { user: 'nginx', streamModule: '/usr/lib64/nginx/modules/ngx_stream_module.so', workers: 'auto', connections: 1024 },
  container: { user: 'nginx', workers: '2', connections: 16384 },
};

/** A whole nginx.conf around the given sections; on a host the stream module is loaded only when a stream section exists. */
export function renderNginxConf(sections: NginxSections, runtime: NginxRuntime): string {
  return renderNginxConfTemplate({
    http: sections.http.length ? indent(sections.http) : '',
    stream: sections.stream.length ? indent(sections.stream) : '',
    ...(RUNTIMES[runtime].streamModule && sections.stream.length > 0 ? { streamModule: RUNTIMES[runtime].streamModule } : {}),
    user: RUNTIMES[runtime].user,
    workers: RUNTIMES[runtime].workers,
    connections: RUNTIMES[runtime].connections,
  });
}

/** The text sections of a host's static balancers. */
export function renderStaticBalancers(balancers: StaticBalancers): NginxSections {
  return {
    http: balancers.harbor ? [renderHarborBalancer(balancers.harbor)] : [],
    stream: balancers.apiServer ? [renderApiServerStream(balancers.apiServer)] : [],
  };
}

/**
 * The load balancers nginx runs on a host because of its roles: the apiserver's (stream; only with engine
 * nginx, haproxy.ts writes it otherwise) and Harbor's (http).
 */
export function staticBalancers(model: ClusterModel, host: Host): StaticBalancers {
  const harbor = model.harbor?.loadBalancer.hosts.includes(host) ? harborBalancer(model) : undefined;
  return {
    ...(host.roles.includes('apiserver-lb') && !balancesWithHaproxy(model) ? { apiServer: apiServerStream(model) } : {}),
    ...(harbor ? { harbor } : {}),
    runtime: model.osFamily,
  };
}

/** On an ingress host consul-template renders /etc/nginx/nginx.conf, with these sections inside its template. */
export function nginxOwnedByConsulTemplate(host: Host): boolean {
  return host.roles.includes('ingress');
}

export const nginxConfFile = defineArtifact<StaticBalancers>({
  id: 'loadbalancer/nginx-conf',
  pattern: `hosts/*${NGINX_CONF_PATH}`,
  description:
    "the whole nginx.conf: the stream module loaded when a stream section exists, a `stream` upstream of every apiserver at `bindPort` with the spec's timeouts, the Harbor `http` balancer (no body limit, no buffering, 900s timeouts, forwarded headers; `least_conn` for Harbor 2.x, whose instances share their secrets, `ip_hash` for 1.1)",
  where: 'apiserver-lb hosts with engine nginx and Harbor balancer hosts, that are not ingress hosts',
  reads: [
    ...HOST_FIELDS,
    'spec.kubernetes.loadBalancer.engine',
    'spec.kubernetes.loadBalancer.port',
    'spec.kubernetes.loadBalancer.connectTimeout',
    'spec.kubernetes.loadBalancer.proxyTimeout',
    'spec.kubernetes.apiServer.bindPort',
    'spec.harbor.loadBalancer',
    'spec.harbor.httpPort',
    'spec.harbor.externalURL',
    'spec.osFamily',
  ],
  secretKeys: [],
  consumer: 'nginx (with the stream module)',
  check: ['nginx', '-t', '-q', '-c', '%s'],
  format: 'nginx',
  render: (balancers) => renderNginxConf(renderStaticBalancers(balancers), balancers.runtime),
});

/** nginx.conf of every load-balancer host that consul-template does not own. */
export function generateLoadBalancerNginx(model: ClusterModel): Artifact[] {
  return model.hosts.flatMap((host) => {
    if (nginxOwnedByConsulTemplate(host)) return [];
    const balancers = staticBalancers(model, host);
    if (!balancers.apiServer && !balancers.harbor) return [];
    return [artifact(nginxConfFile, hostFile(host, NGINX_CONF_PATH), balancers)];
  });
}
