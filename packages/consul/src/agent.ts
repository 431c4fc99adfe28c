import {
  HOST_FIELDS,
  artifact,
  compileTemplate,
  defineArtifact,
  hostFile,
  secretPlaceholder,
  type Artifact,
  type ClusterModel,
  type ConsulModel,
  type Host,
} from '@clusterspec/spec';
import { join } from 'node:path';

export const CONSUL_CONFIG_DIR = '/etc/consul.d';
export const CONSUL_CONFIG_PATH = `${CONSUL_CONFIG_DIR}/consul.hcl`;
export const CONSUL_UNIT_PATH = '/etc/systemd/system/consul.service';
export const CONSUL_DATA_DIR = '/opt/consul';
export const CONSUL_BINARY = '/usr/local/bin/consul';
/** The account the agent runs as (consul.service's User= and Group=), as HashiCorp's packages create it. */
export const CONSUL_USER = 'consul';

/** A Consul agent's configuration (consul.hcl), key for key. */
export interface ConsulAgentConfig {
  readonly version: string;
  readonly server: boolean;
  readonly nodeName: string;
  readonly datacenter: string;
  readonly dataDir: string;
  readonly bindAddr: string;
  /** Space-separated addresses the HTTP API and DNS listen on. */
  readonly clientAddr: string;
  /** Servers only. */
  readonly bootstrapExpect: number;
  /** Every server's address; empty (no retry_join line) only by spec.consul.agentOverrides. */
  readonly retryJoin: readonly string[];
  /** How this version turns the UI on, on servers. */
  readonly ui?: string;
  readonly dnsPort: number;
  readonly recursors: readonly string[];
  /** The gossip key's placeholder; left out only by spec.consul.agentOverrides (`encrypt: false`). */
  readonly encrypt?: string;
}

export interface ConsulUnit {
  readonly server: boolean;
  readonly datacenter: string;
  readonly configFile: string;
  readonly configDir: string;
  readonly binary: string;
  /** User= and Group=: the account that must be able to read consul.hcl. */
  readonly user: string;
  readonly dnsPort: number;
  readonly bindsPrivilegedPort: boolean;
}

export const consulConfigFile = defineArtifact<ConsulAgentConfig>({
  id: 'consul/agent-config',
  pattern: `hosts/*${CONSUL_CONFIG_PATH}`,
  description:
    "a Consul agent's configuration: `server`/`bootstrap_expect` = number of servers, `retry_join` of every server, `bind_addr`, `client_addr` with the host address, UI per version, `ports { dns }`, `recursors`, the gossip key's placeholder; an entry of `consul.agentOverrides` reproduces a hand-made agent (the Consul rules refuse it)",
  where: 'consul-server and consul-client hosts',
  reads: [
    ...HOST_FIELDS,
    'spec.consul.version',
    'spec.consul.datacenter',
    'spec.consul.dnsPort',
    'spec.consul.encrypt',
    'spec.consul.recursors',
    'spec.consul.agentOverrides',
  ],
  secretKeys: ['encrypt'],
  consumer: 'consul agent -config-dir',
  // The temporary file ends with `.hcl`, from which `consul validate` takes the format.
  check: ['consul', 'validate', '%s'],
  format: 'hcl',
  // Read by the agent, which runs as `consul` (consul.service's User=): root:consul 0640, as it holds the gossip key.
  group: CONSUL_USER,
  render: compileTemplate<ConsulAgentConfig>(join(__dirname, '../templates/consul.hcl.ejs')),
});

export const consulUnitFile = defineArtifact<ConsulUnit>({
  id: 'consul/agent-unit',
  pattern: `hosts/*${CONSUL_UNIT_PATH}`,
  description: 'the systemd unit of a Consul agent (`Type=notify`; CAP_NET_BIND_SERVICE for DNS below 1024)',
  where: 'consul-server and consul-client hosts',
  reads: [...HOST_FIELDS, 'spec.consul.version', 'spec.consul.dnsPort'],
  secretKeys: [],
  consumer: 'systemd',
  format: 'systemd',
  render: compileTemplate<ConsulUnit>(join(__dirname, '../templates/consul.service.ejs')),
});

const isServer = (consul: ConsulModel, host: Host) => consul.servers.some((server) => server.name === host.name);

/** The agent configuration of one host (server or client). */
export function consulAgentConfig(model: ClusterModel, host: Host): ConsulAgentConfig {
  const consul = model.consul!;
  const server = isServer(consul, host);
  // A hand-made setup the spec reproduces (spec.consul.agentOverrides); the Consul lint rules refuse what it breaks.
  const override = consul.agentOverrides.find((each) => each.host === host.name);
  return {
    version: consul.version.text,
    server,
    nodeName: host.name,
    datacenter: override?.datacenter ?? consul.datacenter,
    dataDir: CONSUL_DATA_DIR,
    bindAddr: host.address,
    clientAddr: `127.0.0.1 ${host.address}`,
    bootstrapExpect: override?.bootstrapExpect ?? consul.servers.length,
    retryJoin: override?.retryJoin ?? consul.servers.map((each) => each.address),
    ui: server ? consul.release.uiForm : undefined,
    dnsPort: consul.dnsPort,
    recursors: consul.recursors,
    ...(override?.encrypt === false ? {} : { encrypt: secretPlaceholder(consul.encrypt) }),
  };
}

/** /etc/consul.d/consul.hcl and the systemd unit on every Consul agent host. */
export function generateConsulAgents(model: ClusterModel): Artifact[] {
  const consul = model.consul;
  if (!consul) return [];
  return consul.agents.flatMap((host) => [
    artifact(consulConfigFile, hostFile(host, CONSUL_CONFIG_PATH), consulAgentConfig(model, host)),
    artifact(consulUnitFile, hostFile(host, CONSUL_UNIT_PATH), {
      server: isServer(consul, host),
      datacenter: consul.datacenter,
      configFile: CONSUL_CONFIG_PATH,
      configDir: CONSUL_CONFIG_DIR,
      binary: CONSUL_BINARY,
      user: CONSUL_USER,
      dnsPort: consul.dnsPort,
      bindsPrivilegedPort: consul.dnsPort < 1024,
    }),
  ]);
}
