import type { Artifact, ClusterModel, Host } from '@clusterspec/spec';
import { perSite } from './per-site';

export interface StreamBalancer {
  /** The host running it. */
  readonly host: Host;
  readonly port: number;
  /** host:port of every upstream server. */
  readonly backends: readonly { readonly address: string; readonly port: number }[];
  readonly proxyTimeout?: string;
  readonly artifact: string;
}

/** The files streamBalancers reads, for rules' `reads`. */
export const BALANCER_ARTIFACTS = ['hosts/*/etc/nginx/nginx.conf', 'hosts/*/etc/consul-template/nginx.conf.preview'] as const;

/** The nginx configuration that will run on a host: its nginx.conf, or what consul-template renders (its preview). */
export function nginxConfigOf(artifacts: ReadonlyMap<string, Artifact>, host: Host): Artifact | undefined {
  return artifacts.get(`hosts/${host.name}/etc/nginx/nginx.conf`) ?? artifacts.get(`hosts/${host.name}/etc/consul-template/nginx.conf.preview`);
}

/** The text of the top-level block `name { … }`, by brace matching. */
function block(text: string, name: string): string | undefined {
  const start = new RegExp(`^\\s*${name}\\s*\\{`, 'm').exec(text);
  if (!start) return undefined;
  let depth = 0;
  for (let index = start.index + start[0].length - 1; index < text.length; index += 1) {
    if (text[index] === '{') depth += 1;
    if (text[index] === '}') depth -= 1;
    if (depth === 0) return text.slice(start.index + start[0].length, index);
  }
  return undefined;
}

/** nginx `stream` servers that proxy to a static upstream, read from the generated configuration. */
export const streamBalancers = perSite((model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): StreamBalancer[] => {
  return model.hosts.flatMap((host) => {
    const file = nginxConfigOf(artifacts, host);
    const stream = file ? block(file.content, 'stream') : undefined;
    if (!file || !stream) return [];
    const upstreams = new Map<string, { address: string; port: number }[]>();
    for (const match of stream.matchAll(/upstream\s+(\S+)\s*\{([^}]*)\}/g)) {
      const servers = [...match[2].matchAll(/^\s*server\s+([0-9.]+):([0-9]+)/gm)].map((server) => ({ address: server[1], port: Number(server[2]) }));
      upstreams.set(match[1], servers);
    }
    const servers = [...stream.matchAll(/server\s*\{([^}]*)\}/g)].map((match) => match[1]);
    return servers.flatMap((server) => {
      const listen = /listen\s+(?:[0-9.]+:)?([0-9]+)/.exec(server);
      const pass = /proxy_pass\s+([^;\s]+)/.exec(server);
      const backends = pass ? upstreams.get(pass[1]) : undefined;
      if (!listen || !backends) return [];
      return [{ host, port: Number(listen[1]), backends, proxyTimeout: /proxy_timeout\s+([^;\s]+)/.exec(server)?.[1], artifact: file.path }];
    });
  });
});
