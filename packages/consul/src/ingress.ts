import { NGINX_CONF_PATH, nginxOwnedByConsulTemplate, renderNginxConf, staticNginxSections } from '@clusterspec/loadbalancer';
import { artifact, compileTemplate, hostFile, type Artifact, type ClusterModel, type ConsulModel, type ConsulService, type Host } from '@clusterspec/spec';
import { join } from 'node:path';
import { agentFor, CONSUL_HTTP_PORT } from './topology';

const renderHttpSection = compileTemplate(join(__dirname, '../templates/ingress-http.conf.ejs'));
const renderStreamSection = compileTemplate(join(__dirname, '../templates/ingress-stream.conf.ejs'));
const renderConfig = compileTemplate(join(__dirname, '../templates/consul-template.hcl.ejs'));
const renderUnit = compileTemplate(join(__dirname, '../templates/consul-template.service.ejs'));

export const CONSUL_TEMPLATE_DIR = '/etc/consul-template';
export const CONSUL_TEMPLATE_CONFIG_PATH = `${CONSUL_TEMPLATE_DIR}/config.hcl`;
export const NGINX_TEMPLATE_PATH = `${CONSUL_TEMPLATE_DIR}/nginx.conf.ctmpl`;
export const NGINX_PREVIEW_PATH = `${CONSUL_TEMPLATE_DIR}/nginx.conf.preview`;
export const CONSUL_TEMPLATE_UNIT_PATH = '/etc/systemd/system/consul-template.service';
export const CONSUL_TEMPLATE_BINARY = '/usr/local/bin/consul-template';
/** What consul-template runs after writing a changed nginx.conf. */
export const RELOAD_COMMAND = "sh -c 'nginx -t && nginx -s reload'";

/** The server line an upstream keeps when a service has no healthy instance: nginx refuses an empty upstream. */
export const FALLBACK_SERVER = 'server 127.0.0.1:65535 down;';

const serverLine = (address: string, port: string | number, parameters: string) => `server ${address}:${port} ${parameters};`;

/**
 * Turns the one description of the ingress sections into text: either the consul-template
 * template (Go template actions) or the nginx.conf those actions give for a known catalog.
 */
export interface IngressRenderer {
  /** The server lines of one service's upstream, indented for an upstream block. */
  servers(service: string, parameters: string): string;
  /** Text that must come out as written (the static sections). */
  literal(text: string): string;
}

/** Go template text: `{{` in static text is escaped, instances come from `service "<name>"` at run time. */
export const templateRenderer: IngressRenderer = {
  servers: (service, parameters) =>
    [
      `    {{- range service "${service}" }}`,
      `    ${serverLine('{{ .Address }}', '{{ .Port }}', parameters)}`,
      '    {{- else }}',
      `    ${FALLBACK_SERVER}`,
      '    {{- end }}',
    ].join('\n'),
  literal: (text) => text.split('{{').join('{{"{{"}}'),
};

export interface Instance {
  readonly address: string;
  readonly port: number;
}

/** Resolved lines for a catalog given as service name → instances (in the order consul-template lists them). */
export function previewRenderer(catalog: ReadonlyMap<string, readonly Instance[]>): IngressRenderer {
  return {
    servers: (service, parameters) => {
      const instances = catalog.get(service) ?? [];
      if (instances.length === 0) return `    ${FALLBACK_SERVER}`;
      return instances.map((instance) => `    ${serverLine(instance.address, instance.port, parameters)}`).join('\n');
    },
    literal: (text) => text,
  };
}

/** The port a tcp service is published on: the number after the last '-' of its name (`tcpfront-9999`). */
export function publishedPort(service: ConsulService): number {
  const match = /-(\d+)$/.exec(service.name);
  const port = match ? Number(match[1]) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new Error(`consul service "${service.name}" is tagged tcp but its name does not end in -<port> (e.g. ${service.name}-9999): the ingress cannot tell which port to publish it on`);
  }
  return port;
}

const tagged = (consul: ConsulModel, tag: string) => consul.services.filter((service) => service.tags.includes(tag));

/** The http and stream sections consul-template adds to a host's nginx.conf; undefined when there is nothing to publish. */
export function ingressSections(consul: ConsulModel, renderer: IngressRenderer): { http?: string; stream?: string } {
  const http = tagged(consul, 'http');
  const tcp = tagged(consul, 'tcp');
  return {
    http:
      http.length > 0
        ? renderHttpSection({
            domain: consul.ingressDomain,
            servers: renderer.servers,
            services: http.map((service) => ({ name: service.name, upstream: `consul_${service.name}`, zone: `consul_http_${service.name}`, serverName: `${service.name}.${consul.ingressDomain}` })),
          })
        : undefined,
    stream:
      tcp.length > 0
        ? renderStreamSection({
            servers: renderer.servers,
            services: tcp.map((service) => ({ name: service.name, upstream: `consul_${service.name}`, zone: `consul_tcp_${service.name}`, port: publishedPort(service) })),
          })
        : undefined,
  };
}

/** The whole nginx.conf of an ingress host: its static load balancers plus the Consul services. */
export function ingressNginxConf(model: ClusterModel, host: Host, renderer: IngressRenderer): string {
  const statics = staticNginxSections(model, host);
  const dynamic = ingressSections(model.consul!, renderer);
  return renderNginxConf({
    http: [...statics.http.map(renderer.literal), ...(dynamic.http ? [dynamic.http] : [])],
    stream: [...statics.stream.map(renderer.literal), ...(dynamic.stream ? [dynamic.stream] : [])],
  });
}

/**
 * The catalog the preview assumes: every declared service with a port runs once on every Docker
 * host (each runs registrator), registered with the host's address (-ip). Ordered as consul-template
 * orders `service` results: by catalog node (the agent registrator talks to), then service ID
 * (registrator's `<host>:<container>:<port>`, the container taken to be named after the service).
 */
export function declaredCatalog(model: ClusterModel): Map<string, Instance[]> {
  const consul = model.consul!;
  const dockerHosts = model.docker?.hosts ?? [];
  const catalog = new Map<string, Instance[]>();
  for (const service of consul.services) {
    const port = service.port;
    if (port === undefined) {
      catalog.set(service.name, []);
      continue;
    }
    const entries = dockerHosts.map((host) => ({ node: agentFor(consul, host).host.name, id: `${host.name}:${service.name}:${port}`, instance: { address: host.address, port } }));
    entries.sort((a, b) => compare(a.node, b.node) || compare(a.id, b.id));
    catalog.set(
      service.name,
      entries.map((entry) => entry.instance),
    );
  }
  return catalog;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** consul-template's configuration, unit, nginx.conf template and its preview on every ingress host. */
export function generateIngress(model: ClusterModel): Artifact[] {
  const consul = model.consul;
  if (!consul) return [];
  const preview = previewRenderer(declaredCatalog(model));
  return consul.ingressHosts.filter(nginxOwnedByConsulTemplate).flatMap((host) => {
    const agent = agentFor(consul, host);
    return [
      artifact(
        hostFile(host, CONSUL_TEMPLATE_CONFIG_PATH),
        renderConfig({
          hostName: host.name,
          local: agent.local,
          agentName: agent.host.name,
          address: `${agent.local ? '127.0.0.1' : agent.host.address}:${CONSUL_HTTP_PORT}`,
          source: NGINX_TEMPLATE_PATH,
          destination: NGINX_CONF_PATH,
          perms: '0644',
          wait: { min: '2s', max: '10s' },
          command: RELOAD_COMMAND,
        }),
      ),
      artifact(hostFile(host, NGINX_TEMPLATE_PATH), ingressNginxConf(model, host, templateRenderer)),
      artifact(hostFile(host, NGINX_PREVIEW_PATH), ingressNginxConf(model, host, preview)),
      artifact(
        hostFile(host, CONSUL_TEMPLATE_UNIT_PATH),
        renderUnit({ hostName: host.name, local: agent.local, destination: NGINX_CONF_PATH, binary: CONSUL_TEMPLATE_BINARY, config: CONSUL_TEMPLATE_CONFIG_PATH }),
      ),
    ];
  });
}
