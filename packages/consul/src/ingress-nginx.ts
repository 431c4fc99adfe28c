/**
 * The ingress nginx.conf that consul-template writes on an ingress host, described once: the host's static
 * balancers, then the Consul services (the declared ones, or every catalog service the discovery rules let
 * through). An IngressRenderer turns that description into text: the Go template
 * (ingress-go-template.ts) or, for a known catalog, the nginx.conf consul-template renders from it
 * (previewRenderer here, which mirrors consul-template's functions: https://github.com/hashicorp/consul-template/blob/main/docs/templating-language.md).
 */
import {
  hostListeners,
  INGRESS_HTTP_LISTENER,
  INGRESS_TCP_LISTENER,
  renderNginxConf,
  renderStaticBalancers,
  staticBalancers,
  type StaticBalancers,
} from '@clusterspec/loadbalancer';
import { compileTemplate, type ClusterModel, type ConsulModel, type ConsulService, type Host, type IngressDiscovery } from '@clusterspec/spec';
import { join } from 'node:path';
import { agentFor } from './topology';

const renderHttpService = compileTemplate<ServiceBlockText & { serverName: string }>(join(__dirname, '../templates/ingress-http-service.conf.ejs'));
const renderStreamService = compileTemplate<ServiceBlockText & { port?: string }>(join(__dirname, '../templates/ingress-stream-service.conf.ejs'));

/** The server line an upstream keeps when a service has no healthy instance: nginx refuses an empty upstream. */
export const FALLBACK_SERVER = 'server 127.0.0.1:65535 down;';

/**
 * A DNS label in lower case (RFC 1123), as the schema requires of declared names. Names outside it are
 * skipped by the dynamic template: they could not be a host name under the ingress domain, and
 * consul-template refuses names outside [[:word:]-] in `service` queries (the whole render would fail).
 */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
/** The `-<digits>` a tcp service's name ends with; the digits are the port it is published on. */
export const PORT_SUFFIX_PATTERN = '-[0-9]+$';

export const serverLine = (address: string, port: string | number, parameters: string) => `server ${address}:${port} ${parameters};`;

/*
 * What an instance of the catalog must be before it becomes a server line. Any Consul client can
 * register any address and port (registrator never writes these, but the catalog API takes them): an
 * instance on port 0 or an unbracketed IPv6 address makes nginx -t refuse the whole render, and an
 * address holding `;` injects directives that pass nginx -t. Written without `\`, `"` or `}}` so they go
 * into a template action as string literals; RE2 (Go's regexp, consul-template's regexMatch) and
 * JavaScript read them alike.
 */
/** A port nginx accepts on a server line: 1 to 65535, in decimal without leading zeros. */
export const INSTANCE_PORT_PATTERN = `^(${portRangePattern(1, 65535)})$`;
const IPV4 = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])([.](25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}';
const HEXTET = '[0-9a-fA-F]{1,4}';
/** A dotted-quad IPv4 address. */
export const IPV4_PATTERN = `^${IPV4}$`;
/**
 * An IPv6 address in the RFC 4291 section 2.2 text forms (full, `::`-compressed, the usual embedded
 * IPv4 forms), without a zone; written bracketed on the server line (nginx reads `[addr]:port`).
 */
export const IPV6_PATTERN = `^(${[
  `(${HEXTET}:){7}${HEXTET}`,
  `(${HEXTET}:){1,7}:`,
  `(${HEXTET}:){1,6}:${HEXTET}`,
  `(${HEXTET}:){1,5}(:${HEXTET}){1,2}`,
  `(${HEXTET}:){1,4}(:${HEXTET}){1,3}`,
  `(${HEXTET}:){1,3}(:${HEXTET}){1,4}`,
  `(${HEXTET}:){1,2}(:${HEXTET}){1,5}`,
  `${HEXTET}:(:${HEXTET}){1,6}`,
  `:((:${HEXTET}){1,7}|:)`,
  `(${HEXTET}:){6}${IPV4}`,
  `::(ffff(:0{1,4})?:)?${IPV4}`,
  `(${HEXTET}:){1,4}:${IPV4}`,
].join('|')})$`;
/**
 * A DNS name of letters, digits and hyphens (RFC 1123 labels of at most 63 characters), its last label
 * starting with a letter so that it is never read as a number, at most 253 characters
 * (INSTANCE_NAME_LENGTH_PATTERN). nginx resolves it when it loads the file: a name it cannot resolve
 * fails nginx -t, and the render is refused (reload-nginx.sh keeps the last good file).
 */
export const DNS_NAME_PATTERN = '^([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?[.])*[a-zA-Z]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$';
export const INSTANCE_NAME_LENGTH_PATTERN = '^.{1,253}$';

// Compiled once: the preview tests every instance of every service against them (a million at 10,000 hosts).
const INSTANCE_PORT = new RegExp(INSTANCE_PORT_PATTERN);
const IPV4_ADDRESS = new RegExp(IPV4_PATTERN);
const IPV6_ADDRESS = new RegExp(IPV6_PATTERN);
const DNS_NAME = new RegExp(DNS_NAME_PATTERN);
const INSTANCE_NAME_LENGTH = new RegExp(INSTANCE_NAME_LENGTH_PATTERN);

/** Why an instance is left out of its upstream (its comment line), or undefined when it is written. */
export function instanceSkipReason(instance: Instance): string | undefined {
  const where = () => `${quoteToAscii(instance.address)}:${instance.port}`;
  if (!INSTANCE_PORT.test(String(instance.port))) return `skipped instance ${where()}: its port is outside 1-65535`;
  const { address } = instance;
  const plain = IPV4_ADDRESS.test(address) || IPV6_ADDRESS.test(address) || (DNS_NAME.test(address) && INSTANCE_NAME_LENGTH.test(address));
  if (!plain) return `skipped instance ${where()}: its address is not an IPv4 or IPv6 address or a DNS name`;
  return undefined;
}

/** An instance's address as nginx reads it on a server line: IPv6 in brackets. */
const serverAddress = (address: string) => (address.includes(':') ? `[${address}]` : address);

export interface Instance {
  readonly address: string;
  readonly port: number;
}

/** One service as consul-template's `services` lists it: its name and the tags of its instances. */
export interface CatalogService {
  readonly name: string;
  readonly tags: readonly string[];
}

/** The part of the Consul catalog the ingress template reads. */
export interface Catalog {
  /** `services`, in any order (the renderers sort by name, byte-wise, as consul-template does). */
  readonly services: readonly CatalogService[];
  /** What `service "<name>"` (tag undefined) or `service "<tag>.<name>"` returns: passing instances, by node then service ID. */
  readonly instances: (name: string, tag?: string) => readonly Instance[];
}

/** A declared service as the dynamic template knows it: its name and tags, and its port when tagged tcp. */
export interface DeclaredName {
  readonly name: string;
  readonly tags: readonly string[];
}

/** What the dynamic template publishes, known when the spec is generated. */
export interface DiscoveryRules {
  readonly domain?: string;
  readonly tcpPorts: { readonly from: number; readonly to: number };
  /** Ports the ingress host listens on itself, sorted: a discovered tcp service never takes one. */
  readonly takenPorts: readonly number[];
  /** The declared services: their names are theirs under their own tags only. */
  readonly declared: readonly DeclaredName[];
  /** The ports of the declared tcp services, by port: only the declared service may take one, whatever the order of names. */
  readonly declaredTcpPorts: readonly { readonly port: number; readonly name: string }[];
}

/** What a service block's template receives: its upstream and zone names and its server lines. */
interface ServiceBlockText {
  readonly upstream: string;
  readonly zone: string;
  readonly servers: (parameters: string) => string;
}

/** One upstream and its server, as either renderer spells the service's name, port and instances. */
interface ServiceBlock {
  readonly name: string;
  readonly port?: string;
  readonly servers: (parameters: string) => string;
}

/**
 * Turns the one description of the ingress sections into text: either the consul-template
 * template (Go template actions) or the nginx.conf those actions give for a known catalog.
 */
export interface IngressRenderer {
  /** The server lines of a declared service's upstream, indented for an upstream block. */
  readonly servers: (service: string, parameters: string) => string;
  /** Text that must come out as written (the static sections); a plain function, passed to `map` unbound. */
  readonly literal: (text: string) => string;
  /**
   * Dynamic discovery: for every catalog service tagged `tag`, either a block (from `block`, each
   * preceded by a blank line) or one comment line saying why it is skipped; every item starts on a new line.
   */
  readonly discover: (tag: 'http' | 'tcp', rules: DiscoveryRules, block: (service: ServiceBlock) => string) => string;
}

/** Why a catalog service tagged http or tcp is not published; `undefined` when it is. `published` maps tcp ports to the service that took them. */
export function skipReason(tag: 'http' | 'tcp', name: string, rules: DiscoveryRules, published: ReadonlyMap<string, string>): string | undefined {
  if (!new RegExp(DNS_LABEL_PATTERN).test(name)) return `skipped ${tag} service ${quoteToAscii(name)}: its name is not a DNS label`;
  if (tag === 'http') return rules.declared.some((declared) => declared.name === name && !declared.tags.includes(tag)) ? notTaggedSo(tag, name) : undefined;
  const port = portText(name);
  if (!new RegExp(PORT_SUFFIX_PATTERN).test(name)) return `skipped tcp service ${name}: its name does not end in -<port>`;
  if (!new RegExp(`-(${portRangePattern(rules.tcpPorts.from, rules.tcpPorts.to)})$`).test(name))
    return `skipped tcp service ${name}: port ${port} is outside ${rules.tcpPorts.from}-${rules.tcpPorts.to}`;
  if (rules.takenPorts.map(String).includes(port)) return `skipped tcp service ${name}: port ${port} is used on this host`;
  if (rules.declared.some((declared) => declared.name === name && !declared.tags.includes(tag))) return notTaggedSo(tag, name);
  const declaredOwner = rules.declaredTcpPorts.find((declared) => String(declared.port) === port && declared.name !== name);
  if (declaredOwner) return reservedFor(name, port, declaredOwner.name);
  const owner = published.get(port);
  if (owner !== undefined) return `skipped tcp service ${name}: port ${port} is published already, by ${owner}`;
  return undefined;
}

export const notTaggedSo = (tag: string, name: string) => `skipped ${tag} service ${name}: declared service ${name} is not tagged ${tag}`;
export const reservedFor = (name: string, port: string, owner: string) => `skipped tcp service ${name}: port ${port} belongs to declared service ${owner}`;

/** What follows the last '-' (consul-template: regexReplaceAll "^.*-" ""). */
const portText = (name: string) => name.replace(/^.*-/, '');

/** Resolved lines for a catalog: what consul-template renders from the template for it. */
export function previewRenderer(catalog: Catalog): IngressRenderer {
  const lines = (instances: readonly Instance[], parameters: string) => {
    // One test per instance; at 10,000 hosts a preview has a million of them.
    let written = 0;
    const out = instances.map((instance) => {
      const reason = instanceSkipReason(instance);
      if (reason !== undefined) return `    # ${reason}`;
      written += 1;
      return `    ${serverLine(serverAddress(instance.address), instance.port, parameters)}`;
    });
    if (written === 0) out.push(`    ${FALLBACK_SERVER}`);
    return out.join('\n');
  };
  return {
    servers: (service, parameters) => lines(catalog.instances(service), parameters),
    literal: (text) => text,
    discover: (tag, rules, block) => {
      const published = new Map<string, string>();
      let out = '';
      for (const service of sortedByName(catalog.services)) {
        if (!service.tags.includes(tag)) continue;
        const reason = skipReason(tag, service.name, rules, published);
        if (reason !== undefined) {
          out += `\n# ${reason}`;
          continue;
        }
        const port = portText(service.name);
        if (tag === 'tcp') published.set(port, service.name);
        out += `\n\n${block({ name: service.name, port, servers: (parameters) => lines(catalog.instances(service.name, tag), parameters) })}`;
      }
      return out;
    },
  };
}

/** consul-template's ByName: Go compares strings byte by byte, i.e. in UTF-8 order. */
function sortedByName(services: readonly CatalogService[]): CatalogService[] {
  return [...services].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
}

/** Go's strconv.QuoteToASCII (printf "%+q"), so a hostile name stays on its comment line in plain ASCII. */
export function quoteToAscii(text: string): string {
  const named: Record<string, string> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '"': '\\"',
    '\\': '\\\\',
  };
  let out = '"';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (named[character]) out += named[character];
    else if (code >= 0x20 && code < 0x7f) out += character;
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/**
 * A regular expression (alternatives, no anchors) matching exactly the decimal numbers from `from` to
 * `to` written without leading zeros, for regexMatch: a template has no arithmetic.
 */
export function portRangePattern(from: number, to: number): string {
  const parts: string[] = [];
  let low = from;
  while (low <= to) {
    const sameLength = Math.min(to, 10 ** String(low).length - 1);
    parts.push(...sameLengthRange(low, sameLength));
    low = sameLength + 1;
  }
  return parts.join('|');
}

/** Patterns for numbers of one length: blocks `<prefix><digit range>[0-9]{k}`, widest first. */
function sameLengthRange(from: number, to: number): string[] {
  const parts: string[] = [];
  let start = from;
  while (start <= to) {
    let width = 0;
    while (start % 10 ** (width + 1) === 0 && start + 10 ** (width + 1) - 1 <= to) width++;
    const step = 10 ** width;
    let count = 1;
    while (count < 10 && start + (count + 1) * step - 1 <= to && Math.floor((start + count * step) / (step * 10)) === Math.floor(start / (step * 10))) count++;
    const end = start + count * step - 1;
    const first = String(start);
    const last = String(end);
    const at = first.length - width - 1;
    const digit = first[at] === last[at] ? first[at] : `[${first[at]}-${last[at]}]`;
    parts.push(`${first.slice(0, at)}${digit}${width === 0 ? '' : width === 1 ? '[0-9]' : `[0-9]{${width}}`}`);
    start = end + 1;
  }
  return parts;
}

/** A 63-character label, a dot and the domain. */
const longestServerName = (domain: string) => 63 + 1 + domain.length;

/**
 * The bucket size nginx needs for a server name of `length` characters (ngx_hash_init: a pointer, the
 * name and two bytes aligned to a pointer, and the bucket's end marker), as a power of two: 64, its
 * usual default, refuses a 63-character service under a domain ("could not build server_names_hash").
 */
export function serverNamesHashBucketSize(length: number): number {
  const pointer = 8;
  const needed = pointer + Math.ceil((length + 2) / pointer) * pointer + pointer;
  let size = 64;
  while (size < needed) size *= 2;
  return size;
}

/** The port a declared tcp service is published on: the number after the last '-' of its name (`tcpfront-9999`). */
export function publishedPort(service: ConsulService): number {
  const match = /-(\d+)$/.exec(service.name);
  const port = match ? Number(match[1]) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new Error(
      `consul service "${service.name}" is tagged tcp but its name does not end in -<port> (e.g. ${service.name}-9999): the ingress cannot tell which port to publish it on`,
    );
  }
  return port;
}

/**
 * The dynamic template's rules on one ingress host. The ports a discovered tcp service may not take: 80
 * and 443, and every port of the host's listener table (hostListeners, the one port-conflict judges:
 * its roles, its Consul agent, the ports its declared services' containers publish where it is a
 * Docker host) but the ingress's own listeners of declared services, which are reserved for them
 * by name instead (declaredTcpPorts).
 */
export function discoveryRules(model: ClusterModel, host: Host): DiscoveryRules {
  const consul = model.consul!;
  const ownListener = (what: string) => what.startsWith(INGRESS_HTTP_LISTENER) || what.startsWith(INGRESS_TCP_LISTENER);
  const used = hostListeners(model, host).filter((listener) => !ownListener(listener.what));
  const taken = new Set([80, 443, ...used.map((listener) => listener.port)]);
  return {
    domain: consul.ingressDomain,
    tcpPorts: consul.ingressTcpPorts,
    takenPorts: [...taken].sort((a, b) => a - b),
    declared: consul.services.map((service) => ({ name: service.name, tags: service.tags })),
    declaredTcpPorts: tagged(consul, 'tcp')
      .map((service) => ({ port: publishedPort(service), name: service.name }))
      .sort((a, b) => a.port - b.port || compare(a.name, b.name)),
  };
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

/**
 * The Consul services of a host's nginx.conf: the declared ones (all that `declared` publishes; in
 * `dynamic`, what the preview assumes the catalog holds) and, for `dynamic`, the rules the template
 * applies to whatever the catalog holds.
 */
export interface IngressServices {
  readonly discovery: IngressDiscovery;
  readonly domain?: string;
  readonly http: readonly IngressHttpService[];
  readonly tcp: readonly IngressTcpService[];
  readonly rules: DiscoveryRules;
}

/** The nginx.conf of an ingress host as data: its static balancers, then the Consul services. */
export interface IngressNginx extends IngressServices {
  readonly statics: StaticBalancers;
}

/** What the preview renders: the template's data and the instances it assumes (declared service → instances). */
export interface IngressPreview extends IngressNginx {
  readonly catalog: Readonly<Record<string, readonly Instance[]>>;
}

/** The Consul services the ingress of a host publishes, and its rules. */
export function ingressServices(model: ClusterModel, host: Host): IngressServices {
  const consul = model.consul!;
  return {
    discovery: consul.ingressDiscovery,
    ...(consul.ingressDomain === undefined ? {} : { domain: consul.ingressDomain }),
    http: tagged(consul, 'http').map((service) => ({
      name: service.name,
      upstream: `consul_${service.name}`,
      zone: `consul_http_${service.name}`,
      serverName: `${service.name}.${consul.ingressDomain}`,
    })),
    tcp: tagged(consul, 'tcp').map((service) => ({
      name: service.name,
      upstream: `consul_${service.name}`,
      zone: `consul_tcp_${service.name}`,
      port: publishedPort(service),
    })),
    rules: discoveryRules(model, host),
  };
}

const httpBlock = (domain: string | undefined) => (service: ServiceBlock) =>
  renderHttpService({
    upstream: `consul_${service.name}`,
    zone: `consul_http_${service.name}`,
    serverName: `${service.name}.${domain}`,
    servers: service.servers,
  }).replace(/\n$/, '');
const streamBlock = (service: ServiceBlock) =>
  renderStreamService({ upstream: `consul_${service.name}`, zone: `consul_tcp_${service.name}`, port: service.port, servers: service.servers }).replace(
    /\n$/,
    '',
  );

/** The http and stream sections consul-template adds to a host's nginx.conf; undefined when there is nothing to publish. */
export function renderIngressSections(services: IngressServices, renderer: IngressRenderer): { http?: string; stream?: string } {
  if (services.discovery === 'dynamic') {
    const { rules } = services;
    const ports = `ports ${rules.tcpPorts.from}-${rules.tcpPorts.to} except those this host uses (${rules.takenPorts.join(', ')})`;
    return {
      http: rules.domain
        ? [
            `# Consul services tagged http, published on port 80 as <service>.${rules.domain}: every one in the catalog (discovery: dynamic).`,
            `# Room in nginx's server name hash for the longest name a DNS label gives under the domain (${longestServerName(rules.domain)} characters).`,
            `server_names_hash_bucket_size ${serverNamesHashBucketSize(longestServerName(rules.domain))};${renderer.discover('http', rules, httpBlock(rules.domain))}\n`,
          ].join('\n')
        : '# Consul services tagged http are not published: the spec sets no consul.ingress.domain.\n',
      stream: `# Consul services tagged tcp and named <name>-<port>, published on <port>: every one in the catalog (discovery: dynamic), on ${ports}, each port once.${renderer.discover('tcp', rules, streamBlock)}\n`,
    };
  }
  const declared = (header: string, blocks: string[]) => `${header}\n${blocks.join('\n\n')}\n`;
  return {
    http:
      services.http.length > 0
        ? declared(
            `# Consul services tagged http, published on port 80 as <service>.${services.domain}.`,
            services.http.map((service) =>
              httpBlock(services.domain)({ name: service.name, servers: (parameters) => renderer.servers(service.name, parameters) }),
            ),
          )
        : undefined,
    stream:
      services.tcp.length > 0
        ? declared(
            '# Consul services tagged tcp, named <name>-<port>: published on <port>.',
            services.tcp.map((service) =>
              streamBlock({ name: service.name, port: String(service.port), servers: (parameters) => renderer.servers(service.name, parameters) }),
            ),
          )
        : undefined,
  };
}

export function ingressSections(model: ClusterModel, host: Host, renderer: IngressRenderer): { http?: string; stream?: string } {
  return renderIngressSections(ingressServices(model, host), renderer);
}

/** The ingress nginx.conf of a host, as data. */
export function ingressNginx(model: ClusterModel, host: Host): IngressNginx {
  return { statics: staticBalancers(model, host), ...ingressServices(model, host) };
}

/** The text of an ingress nginx.conf: the template (Go actions) or a preview, by renderer. */
export function renderIngressNginx(data: IngressNginx, renderer: IngressRenderer): string {
  const statics = renderStaticBalancers(data.statics);
  const dynamic = renderIngressSections(data, renderer);
  return renderNginxConf(
    {
      http: [...statics.http.map(renderer.literal), ...(dynamic.http ? [dynamic.http] : [])],
      stream: [...statics.stream.map(renderer.literal), ...(dynamic.stream ? [dynamic.stream] : [])],
    },
    data.statics.runtime,
  );
}

/** The whole nginx.conf of an ingress host: its static load balancers plus the Consul services. */
export function ingressNginxConf(model: ClusterModel, host: Host, renderer: IngressRenderer): string {
  return renderIngressNginx(ingressNginx(model, host), renderer);
}

/**
 * The instances the preview assumes: every declared service with a port runs once on every Docker
 * host (each runs registrator), registered with the host's address (-ip) and the service's tags.
 * Ordered as consul-template orders `service` results: by catalog node (the agent registrator talks
 * to), then service ID (registrator's `<host>:<container>:<port>`, the container taken to be named
 * after the service). A service without a port has no instance.
 */
export function declaredInstances(model: ClusterModel): Record<string, Instance[]> {
  const consul = model.consul!;
  const dockerHosts = model.docker?.hosts ?? [];
  // The order is the same for every service, so the hosts are sorted once: two IDs of one service differ first in
  // their host names (DNS labels, without ':', each a prefix of its ID up to the ':'). Sorting per service made and
  // sorted an entry and an ID string per instance: a million of them at 10,000 hosts (100 services).
  const ordered = dockerHosts
    .map((host) => ({ node: agentFor(consul, host).host.name, id: `${host.name}:`, address: host.address }))
    .sort((a, b) => compare(a.node, b.node) || compare(a.id, b.id));
  const instances: Record<string, Instance[]> = {};
  for (const service of consul.services) {
    const port = service.port;
    instances[service.name] = port === undefined ? [] : ordered.map(({ address }) => ({ address, port }));
  }
  return instances;
}

/** The catalog the preview assumes: every declared service registered with its tags, its instances as declaredInstances says. */
export function declaredCatalog(model: ClusterModel): Catalog {
  const consul = model.consul!;
  const instances = declaredInstances(model);
  const tags = new Map(consul.services.map((service) => [service.name, service.tags]));
  return {
    services: consul.services.map((service) => ({ name: service.name, tags: service.tags })),
    instances: (name, tag) => (tag === undefined || tags.get(name)?.includes(tag) ? (instances[name] ?? []) : []),
  };
}

/** The same catalog read back from a preview's data: its http and tcp services with their tags, the instances it lists. */
export function catalogOfPreview(data: IngressPreview): Catalog {
  const tags = new Map<string, string[]>();
  for (const service of data.http) tags.set(service.name, ['http']);
  for (const service of data.tcp) tags.set(service.name, [...(tags.get(service.name) ?? []), 'tcp']);
  return {
    services: [...tags].map(([name, serviceTags]) => ({ name, tags: serviceTags })),
    instances: (name, tag) => (tag === undefined || tags.get(name)?.includes(tag) ? (data.catalog[name] ?? []) : []),
  };
}

/** A catalog with no service at all: what a fresh Consul gives. */
export const EMPTY_CATALOG: Catalog = { services: [], instances: () => [] };

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
