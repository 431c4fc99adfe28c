import { NGINX_CONF_PATH, nginxOwnedByConsulTemplate, renderNginxConf, renderStaticBalancers, staticBalancers, type StaticBalancers } from '@clusterspec/loadbalancer';
import { artifact, compileTemplate, defineArtifact, hostFile, type Artifact, type ClusterModel, type ConsulModel, type ConsulService, type Host } from '@clusterspec/spec';
import { join } from 'node:path';
import { agentFor, CONSUL_HTTP_PORT } from './topology';

const renderHttpSection = compileTemplate(join(__dirname, '../templates/ingress-http.conf.ejs'));
const renderStreamSection = compileTemplate(join(__dirname, '../templates/ingress-stream.conf.ejs'));

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
  readonly servers: (service: string, parameters: string) => string;
  /** Text that must come out as written (the static sections); a plain function, passed to `map` unbound. */
  readonly literal: (text: string) => string;
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

/** An http service as the ingress publishes it: `<service>.<domain>` on port 80. */
export interface IngressHttpService {
  readonly name: string;
  readonly upstream: string;
  readonly zone: string;
  readonly serverName: string;
}

/** A tcp service as the ingress publishes it: a stream listener on the port its name ends in. */
export interface IngressTcpService {
  readonly name: string;
  readonly upstream: string;
  readonly zone: string;
  readonly port: number;
}

/** The services consul-template adds to a host's nginx.conf. */
export interface IngressServices {
  readonly domain?: string;
  readonly http: readonly IngressHttpService[];
  readonly tcp: readonly IngressTcpService[];
}

/** The nginx.conf of an ingress host as data: its static balancers, then the Consul services. */
export interface IngressNginx extends IngressServices {
  readonly statics: StaticBalancers;
}

/** What the preview renders: the template's data and the catalog it assumes (service → instances). */
export interface IngressPreview extends IngressNginx {
  readonly catalog: Readonly<Record<string, readonly Instance[]>>;
}


/** The Consul services the ingress publishes. */
export function ingressServices(consul: ConsulModel): IngressServices {
  return {
    ...(consul.ingressDomain === undefined ? {} : { domain: consul.ingressDomain }),
    http: tagged(consul, 'http').map((service) => ({ name: service.name, upstream: `consul_${service.name}`, zone: `consul_http_${service.name}`, serverName: `${service.name}.${consul.ingressDomain}` })),
    tcp: tagged(consul, 'tcp').map((service) => ({ name: service.name, upstream: `consul_${service.name}`, zone: `consul_tcp_${service.name}`, port: publishedPort(service) })),
  };
}

/** The http and stream sections consul-template adds to a host's nginx.conf; undefined when there is nothing to publish. */
export function renderIngressSections(services: IngressServices, renderer: IngressRenderer): { http?: string; stream?: string } {
  return {
    http: services.http.length > 0 ? renderHttpSection({ domain: services.domain, servers: renderer.servers, services: services.http }) : undefined,
    stream: services.tcp.length > 0 ? renderStreamSection({ servers: renderer.servers, services: services.tcp }) : undefined,
  };
}

export function ingressSections(consul: ConsulModel, renderer: IngressRenderer): { http?: string; stream?: string } {
  return renderIngressSections(ingressServices(consul), renderer);
}

/** The ingress nginx.conf of a host, as data. */
export function ingressNginx(model: ClusterModel, host: Host): IngressNginx {
  return { statics: staticBalancers(model, host), ...ingressServices(model.consul!) };
}

/** The text of an ingress nginx.conf: the template (Go actions) or a preview, by renderer. */
export function renderIngressNginx(data: IngressNginx, renderer: IngressRenderer): string {
  const statics = renderStaticBalancers(data.statics);
  const dynamic = renderIngressSections(data, renderer);
  return renderNginxConf({
    http: [...statics.http.map(renderer.literal), ...(dynamic.http ? [dynamic.http] : [])],
    stream: [...statics.stream.map(renderer.literal), ...(dynamic.stream ? [dynamic.stream] : [])],
  });
}

/** The whole nginx.conf of an ingress host: its static load balancers plus the Consul services. */
export function ingressNginxConf(model: ClusterModel, host: Host, renderer: IngressRenderer): string {
  return renderIngressNginx(ingressNginx(model, host), renderer);
}

const INGRESS_READS = [
  'spec.hosts[].name', 'spec.hosts[].address', 'spec.hosts[].roles', 'spec.consul.ingress.domain', 'spec.consul.services', 'spec.consul.version',
  'spec.kubernetes.loadBalancer', 'spec.harbor.loadBalancer', 'spec.docker.hosts',
];

/** consul-template's configuration. */
export interface ConsulTemplateConfig {
  readonly hostName: string;
  readonly local: boolean;
  readonly agentName: string;
  readonly address: string;
  readonly source: string;
  readonly destination: string;
  readonly perms: string;
  readonly wait: { readonly min: string; readonly max: string };
  readonly command: string;
}

export interface ConsulTemplateUnit {
  readonly hostName: string;
  readonly local: boolean;
  readonly destination: string;
  readonly binary: string;
  readonly config: string;
}

export const consulTemplateConfigFile = defineArtifact<ConsulTemplateConfig>({
  id: 'consul/consul-template-config',
  pattern: `hosts/*${CONSUL_TEMPLATE_CONFIG_PATH}`,
  description: 'consul-template\'s configuration: the agent it asks, `perms = "0644"`, `wait`, `nginx -t` before reload',
  where: 'ingress hosts',
  reads: INGRESS_READS,
  secretKeys: [],
  consumer: 'consul-template -config',
  format: 'hcl',
  render: compileTemplate<ConsulTemplateConfig>(join(__dirname, '../templates/consul-template.hcl.ejs')),
});

export const nginxTemplateFile = defineArtifact<IngressNginx>({
  id: 'consul/nginx-template',
  pattern: `hosts/*${NGINX_TEMPLATE_PATH}`,
  description: 'the template consul-template renders into /etc/nginx/nginx.conf: the host\'s static balancers, an upstream per http service (`server_name <service>.<domain>`) and a stream server per tcp service `<name>-<port>`, each with a fallback server',
  where: 'ingress hosts',
  reads: INGRESS_READS,
  secretKeys: [],
  consumer: "consul-template (Go text/template), then nginx",
  format: 'go-template',
  render: (data) => renderIngressNginx(data, templateRenderer),
});

export const nginxPreviewFile = defineArtifact<IngressPreview>({
  id: 'consul/nginx-preview',
  pattern: `hosts/*${NGINX_PREVIEW_PATH}`,
  description: 'what the template renders for the declared services (every service with a port on every Docker host), for review and for the linter',
  where: 'ingress hosts',
  reads: INGRESS_READS,
  secretKeys: [],
  consumer: 'people reviewing the ingress (nginx -t accepts it); the linter',
  format: 'nginx',
  render: (data) => renderIngressNginx(data, previewRenderer(new Map(Object.entries(data.catalog)))),
});

export const consulTemplateUnitFile = defineArtifact<ConsulTemplateUnit>({
  id: 'consul/consul-template-unit',
  pattern: `hosts/*${CONSUL_TEMPLATE_UNIT_PATH}`,
  description: 'the systemd unit of consul-template',
  where: 'ingress hosts',
  reads: INGRESS_READS,
  secretKeys: [],
  consumer: 'systemd',
  format: 'systemd',
  render: compileTemplate<ConsulTemplateUnit>(join(__dirname, '../templates/consul-template.service.ejs')),
});

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
  const catalog = Object.fromEntries(declaredCatalog(model));
  return consul.ingressHosts.filter(nginxOwnedByConsulTemplate).flatMap((host) => {
    const agent = agentFor(consul, host);
    const nginx = ingressNginx(model, host);
    return [
      artifact(consulTemplateConfigFile, hostFile(host, CONSUL_TEMPLATE_CONFIG_PATH), {
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
      artifact(nginxTemplateFile, hostFile(host, NGINX_TEMPLATE_PATH), nginx),
      artifact(nginxPreviewFile, hostFile(host, NGINX_PREVIEW_PATH), { ...nginx, catalog }),
      artifact(consulTemplateUnitFile, hostFile(host, CONSUL_TEMPLATE_UNIT_PATH), { hostName: host.name, local: agent.local, destination: NGINX_CONF_PATH, binary: CONSUL_TEMPLATE_BINARY, config: CONSUL_TEMPLATE_CONFIG_PATH }),
    ];
  });
}
