import { NGINX_PREVIEW_PATH, nginxPreviewFile } from '@clusterspec/consul';
import {
  HAPROXY_CFG_PATH,
  haproxyCfgFile,
  NGINX_CONF_PATH,
  nginxConfFile,
  PER_NODE_PROXY_CONF_PATH,
  perNodeProxyConfFile,
  type ApiServerStream,
} from '@clusterspec/loadbalancer';
import { dataOf, hostFile, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { perSite } from './per-site';

export interface StreamBalancer {
  /** The host running it. */
  readonly host: Host;
  readonly port: number;
  /** The address of `listen address:port`, when it names one (a per-node proxy listens on 127.0.0.1 only). */
  readonly listenAddress?: string;
  /** host:port of every upstream server. */
  readonly backends: readonly { readonly address: string; readonly port: number }[];
  readonly proxyTimeout?: string;
  readonly artifact: string;
}

/** The files streamBalancers reads, for rules' `reads`. */
export const BALANCER_ARTIFACTS = [nginxConfFile.pattern, haproxyCfgFile.pattern, nginxPreviewFile.pattern, perNodeProxyConfFile.pattern] as const;

const apiServerBalancer = (host: Host, stream: ApiServerStream, artifact: string): StreamBalancer => ({
  host,
  port: stream.port,
  ...(stream.address ? { listenAddress: stream.address } : {}),
  backends: stream.upstreams.map((upstream) => ({ address: upstream.address, port: upstream.port })),
  proxyTimeout: stream.proxyTimeout,
  artifact,
});

/**
 * TCP balancers that proxy to an upstream, from the data of the configuration that will run on each host: the
 * apiserver balancer of engine haproxy (haproxy.cfg), nginx's `stream` servers (its nginx.conf, or what
 * consul-template renders there: its preview, the apiserver balancer and a listener per tcp service, over the
 * instances the preview assumes), and the per-node apiserver proxy's own configuration.
 */
export const streamBalancers = perSite((model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): StreamBalancer[] => {
  return model.hosts.flatMap((host): StreamBalancer[] => {
    // A node's own apiserver proxy runs beside whatever nginx the host has (a static pod of its own).
    const proxyPath = hostFile(host, PER_NODE_PROXY_CONF_PATH);
    const proxy = dataOf(artifacts.get(proxyPath), perNodeProxyConfFile);
    // Engine haproxy: the apiserver balancer is haproxy's; nginx.conf, if any, then holds no apiserver stream.
    const haproxyPath = hostFile(host, HAPROXY_CFG_PATH);
    const haproxy = dataOf(artifacts.get(haproxyPath), haproxyCfgFile);
    return [
      ...(proxy ? [apiServerBalancer(host, proxy, proxyPath)] : []),
      ...(haproxy ? [apiServerBalancer(host, haproxy, haproxyPath)] : []),
      ...hostBalancers(host),
    ];
  });

  function hostBalancers(host: Host): StreamBalancer[] {
    const confPath = hostFile(host, NGINX_CONF_PATH);
    const conf = artifacts.get(confPath);
    if (conf) {
      const balancers = dataOf(conf, nginxConfFile);
      return balancers?.apiServer ? [apiServerBalancer(host, balancers.apiServer, confPath)] : [];
    }
    const previewPath = hostFile(host, NGINX_PREVIEW_PATH);
    const preview = dataOf(artifacts.get(previewPath), nginxPreviewFile);
    if (!preview) return [];
    return [
      ...(preview.statics.apiServer ? [apiServerBalancer(host, preview.statics.apiServer, previewPath)] : []),
      ...preview.tcp.map((service) => ({ host, port: service.port, backends: preview.catalog[service.name] ?? [], artifact: previewPath })),
    ];
  }
});
