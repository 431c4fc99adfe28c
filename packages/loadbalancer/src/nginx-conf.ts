import { harborLoadBalancerSection } from '@clusterspec/harbor';
import { artifact, compileTemplate, hostFile, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { join } from 'node:path';
import { apiServerStreamSection } from './apiserver-stream';

const renderNginxConfTemplate = compileTemplate(join(__dirname, '../templates/nginx.conf.ejs'));

export const NGINX_CONF_PATH = '/etc/nginx/nginx.conf';

/** Blocks of text for nginx's `http` and `stream` contexts, written unindented. */
export interface NginxSections {
  readonly http: readonly string[];
  readonly stream: readonly string[];
}

const indent = (sections: readonly string[]) =>
  sections
    .join('\n')
    .trimEnd()
    .split('\n')
    .map((line) => (line ? `    ${line}` : line))
    .join('\n');

/** A whole nginx.conf around the given sections; the stream module is loaded only when a stream section exists. */
export function renderNginxConf(sections: NginxSections): string {
  return renderNginxConfTemplate({ http: sections.http.length ? indent(sections.http) : '', stream: sections.stream.length ? indent(sections.stream) : '' });
}

/** The load balancers a host runs because of its roles: the apiserver's (stream) and Harbor's (http). */
export function staticNginxSections(model: ClusterModel, host: Host): NginxSections {
  const harbor = model.harbor?.loadBalancer.hosts.includes(host) ? harborLoadBalancerSection(model) : undefined;
  return {
    http: harbor ? [harbor] : [],
    stream: host.roles.includes('apiserver-lb') ? [apiServerStreamSection(model)] : [],
  };
}

/** On an ingress host consul-template renders /etc/nginx/nginx.conf, with these sections inside its template. */
export function nginxOwnedByConsulTemplate(host: Host): boolean {
  return host.roles.includes('ingress');
}

/** nginx.conf of every load-balancer host that consul-template does not own. */
export function generateLoadBalancerNginx(model: ClusterModel): Artifact[] {
  return model.hosts.flatMap((host) => {
    if (nginxOwnedByConsulTemplate(host)) return [];
    const sections = staticNginxSections(model, host);
    if (sections.http.length === 0 && sections.stream.length === 0) return [];
    return [artifact(hostFile(host, NGINX_CONF_PATH), renderNginxConf(sections))];
  });
}
