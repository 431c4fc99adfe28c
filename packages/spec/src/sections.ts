import { parseHostPort, parseServerURL } from './endpoint';
import type { FieldPath } from './errors';
import { LOAD_CHECKS, loadCheckTag } from './load-checks';
import type { ConsulModel, DockerModel, HarborModel, Host, Role } from './model';
import type { ProblemList } from './problems';
import type { RawConsul, RawDocker, RawHarbor } from './raw-spec.generated';
import { CONSUL_RELEASES, HARBOR_RELEASES, type ReleaseTable } from './releases';
import { parseVersion, type Version } from './version';

/**
 * A version and what its release table decides for it; a refused version is a problem at its field. The
 * release is then absent, which no one sees: a spec with problems never becomes a model.
 */
export function resolveRelease<R>(table: ReleaseTable<R>, text: string, path: FieldPath, problems: ProblemList): { version: Version; release: R } {
  const version = parseVersion(text);
  const resolution = table.resolve(version);
  if ('refusal' in resolution) {
    problems.add(path, resolution.refusal.message, resolution.refusal.hint);
    return { version, release: undefined as unknown as R };
  }
  return { version, release: resolution.release };
}

/** The hosts with a role, in spec order. */
export const withRole = (hosts: readonly Host[], role: Role) => hosts.filter((host) => host.roles.includes(role));
const named = (hosts: readonly Host[], names: readonly string[]) => names.flatMap((name) => hosts.filter((host) => host.name === name));

/** A role whose section is missing cannot be generated; say so at the first host that has it. */
function requireSection(hosts: readonly Host[], roles: readonly Role[], section: string, present: boolean, problems: ProblemList): void {
  if (present) return;
  const index = hosts.findIndex((host) => host.roles.some((role) => roles.includes(role)));
  if (index < 0) return;
  const role = hosts[index].roles.find((candidate) => roles.includes(candidate));
  problems.add(
    ['spec', 'hosts', index, 'roles'],
    `host "${hosts[index].name}" has the ${role} role but the spec has no ${section} section`,
    `add spec.${section} or remove the role`,
  );
}

export function normalizeHarbor(raw: RawHarbor | undefined, hosts: readonly Host[], problems: ProblemList): HarborModel | undefined {
  requireSection(hosts, ['harbor'], 'harbor', raw !== undefined, problems);
  if (!raw) return undefined;
  const instances = withRole(hosts, 'harbor');
  if (instances.length === 0)
    problems.add(['spec', 'harbor'], 'no host has the harbor role', 'add "harbor" to the roles of the hosts that run Harbor instances');
  const url = problems.parsed(
    parseServerURL(raw.externalURL, ['http', 'https'], false),
    ['spec', 'harbor', 'externalURL'],
    'write e.g. https://registry.example.com or http://10.0.0.5:8989',
  );
  const protocol = url?.scheme as 'http' | 'https';
  const dataPath = `${raw.storage.sharedPath}/data`;
  return {
    ...resolveRelease(HARBOR_RELEASES, raw.version, ['spec', 'harbor', 'version'], problems),
    externalURL: raw.externalURL,
    protocol,
    endpoint: { host: url?.host, port: url?.port },
    httpPort: raw.httpPort,
    instances,
    loadBalancer: { hosts: named(hosts, raw.loadBalancer.hosts), port: raw.loadBalancer.port },
    storage: { sharedPath: raw.storage.sharedPath, dataPath, certFile: `${dataPath}/cert/server.crt`, keyFile: `${dataPath}/cert/server.key` },
    database: raw.database.embedded
      ? { embedded: true, password: raw.database.password }
      : {
          embedded: false,
          host: raw.database.host as string,
          port: raw.database.port as number,
          user: raw.database.user as string,
          password: raw.database.password,
        },
    redis: raw.redis,
    adminPassword: raw.adminPassword,
    ...(raw.caFile !== undefined ? { caFile: raw.caFile } : {}),
    sharedSecrets: raw.sharedSecrets,
  };
}

export function normalizeConsul(raw: RawConsul | undefined, hosts: readonly Host[], problems: ProblemList): ConsulModel | undefined {
  requireSection(hosts, ['consul-server', 'consul-client', 'ingress'], 'consul', raw !== undefined, problems);
  if (!raw) return undefined;
  const servers = withRole(hosts, 'consul-server');
  if (servers.length === 0) problems.add(['spec', 'consul'], 'no host has the consul-server role', 'give three (or five) hosts the consul-server role');
  const { version, release } = resolveRelease(CONSUL_RELEASES, raw.version, ['spec', 'consul', 'version'], problems);
  const { discovery, tcpPorts } = raw.ingress;
  if (tcpPorts.from > tcpPorts.to)
    problems.add(
      ['spec', 'consul', 'ingress', 'tcpPorts'],
      `from ${tcpPorts.from} is above to ${tcpPorts.to}`,
      'write the lower port as from, e.g. {from: 1024, to: 32767}',
    );
  const seen = new Set<string>();
  raw.services.forEach((service, index) => {
    const path = ['spec', 'consul', 'services', index];
    if (seen.has(service.name)) problems.add([...path, 'name'], `service "${service.name}" is declared twice`, 'merge the two entries');
    seen.add(service.name);
    const tags = service.tags;
    const port = Number(/-([0-9]+)$/.exec(service.name)?.[1]);
    if (tags.includes('tcp') && !(port >= 1 && port <= 65535)) {
      problems.add(
        [...path, 'name'],
        `service "${service.name}" is tagged tcp but its name does not end in -<port>${loadCheckTag(LOAD_CHECKS.tcpServicePort)}`,
        `name it <name>-<port>, e.g. ${service.name}-9999: the ingress publishes it on that port`,
      );
    }
    if (tags.includes('tcp') && discovery === 'dynamic' && port >= 1 && port <= 65535 && (port < tcpPorts.from || port > tcpPorts.to)) {
      problems.add(
        [...path, 'name'],
        `service "${service.name}" is published on port ${port}, outside consul.ingress.tcpPorts (${tcpPorts.from}-${tcpPorts.to}), so the dynamic ingress would skip it`,
        'rename it to a port inside the range, or widen consul.ingress.tcpPorts',
      );
    }
    if (tags.includes('http') && !raw.ingress.domain) {
      problems.add(
        [...path, 'tags'],
        `service "${service.name}" is tagged http but consul.ingress.domain is not set`,
        'add consul.ingress.domain: services are published as <service>.<domain>',
      );
    }
  });
  return {
    version,
    release,
    datacenter: raw.datacenter,
    dnsPort: raw.dnsPort,
    encrypt: raw.encrypt,
    recursors: raw.recursors,
    ingressDomain: raw.ingress.domain,
    ingressDiscovery: discovery,
    ingressTcpPorts: tcpPorts,
    agentOverrides: agentOverrides(raw, hosts, problems),
    services: raw.services.map((service) => ({ name: service.name, port: service.port, tags: service.tags })),
    servers,
    clients: withRole(hosts, 'consul-client').filter((host) => !host.roles.includes('consul-server')),
    agents: hosts.filter((host) => host.roles.includes('consul-server') || host.roles.includes('consul-client')),
    ingressHosts: withRole(hosts, 'ingress'),
  };
}

/** spec.consul.agentOverrides, each naming an agent host once. */
function agentOverrides(raw: RawConsul, hosts: readonly Host[], problems: ProblemList): RawConsul['agentOverrides'] {
  const overrides = raw.agentOverrides;
  const seen = new Set<string>();
  overrides.forEach((override, index) => {
    const path = ['spec', 'consul', 'agentOverrides', index, 'host'];
    const host = hosts.find((candidate) => candidate.name === override.host);
    if (!host) problems.add(path, `host "${override.host}" is not defined`, 'name a host of spec.hosts');
    else if (!runsConsulAgent(host))
      problems.add(path, `host "${override.host}" runs no Consul agent`, 'name a host with the consul-server or consul-client role');
    else if (override.bootstrapExpect !== undefined && !host.roles.includes('consul-server'))
      problems.add(
        [...path.slice(0, -1), 'bootstrapExpect'],
        `host "${override.host}" is not a Consul server: bootstrap_expect is a server setting`,
        'remove bootstrapExpect or name a server',
      );
    if (seen.has(override.host)) problems.add(path, `host "${override.host}" has two entries`, 'merge them');
    seen.add(override.host);
  });
  return overrides;
}

export function normalizeDocker(
  raw: RawDocker | undefined,
  hosts: readonly Host[],
  consul: ConsulModel | undefined,
  problems: ProblemList,
): DockerModel | undefined {
  if (!raw) return undefined;
  const dns = raw.dns;
  dns.forEach((server, index) => {
    if (server === 'consul' && !consul)
      problems.add(['spec', 'docker', 'dns', index], '"consul" needs a spec.consul section to answer DNS', 'add spec.consul or list DNS server addresses');
  });
  const registrator = raw.registrator?.consul;
  const registratorConsul =
    registrator === undefined
      ? undefined
      : problems.parsed(parseHostPort(registrator), ['spec', 'docker', 'registrator', 'consul'], 'write host:port of a Consul agent, e.g. 10.0.0.5:8500');
  return {
    hosts: raw.hosts === 'all' ? hosts : named(hosts, raw.hosts),
    registryMirrors: raw.registryMirrors,
    dns,
    ...(registratorConsul ? { registratorConsul } : {}),
  };
}

/** Whether a host runs a Consul agent; the loader refuses these roles without a consul section. */
export function runsConsulAgent(host: Host): boolean {
  return host.roles.includes('consul-server') || host.roles.includes('consul-client');
}
