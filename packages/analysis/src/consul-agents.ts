import { CONSUL_CONFIG_PATH, consulConfigFile } from '@clusterspec/consul';
import { dataOf, hostFile, type Artifact, type ClusterModel, type FieldPath, type Host } from '@clusterspec/spec';

/** What one agent's generated consul.hcl says about joining its cluster: the fields the Consul rules compare. */
export interface AgentConfig {
  readonly host: Host;
  /** hosts/<host>/etc/consul.d/consul.hcl */
  readonly artifact: string;
  readonly server: boolean;
  readonly datacenter?: string;
  /** Addresses of retry_join; empty when the file has none. */
  readonly retryJoin: readonly string[];
  /** Servers only. */
  readonly bootstrapExpect?: number;
  /** The gossip key as written (a secret placeholder); undefined when the file has none. */
  readonly encrypt?: string;
}

/** The files consulAgentConfigs reads, for rules' `reads`. */
export const CONSUL_AGENT_ARTIFACTS = [consulConfigFile.pattern] as const;

/** The consul.hcl of every Consul agent of the site that is generated, from its data. */
export function consulAgentConfigs(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): AgentConfig[] {
  const consul = model.consul;
  if (!consul) return [];
  return consul.agents.flatMap((host): AgentConfig[] => {
    const artifact = hostFile(host, CONSUL_CONFIG_PATH);
    const config = dataOf(artifacts.get(artifact), consulConfigFile);
    if (!config) return [];
    return [
      {
        host,
        artifact,
        server: config.server,
        datacenter: config.datacenter,
        retryJoin: config.retryJoin,
        ...(config.server ? { bootstrapExpect: config.bootstrapExpect } : {}),
        ...(config.encrypt === undefined ? {} : { encrypt: config.encrypt }),
      },
    ];
  });
}

/**
 * The spec field behind one agent's value: its entry in spec.consul.agentOverrides when that sets the
 * key (the hand-made setup to undo), else the site-wide field.
 */
export function agentField(model: ClusterModel, host: Host, key: 'datacenter' | 'retryJoin' | 'bootstrapExpect' | 'encrypt', siteWide: FieldPath): FieldPath {
  const index = model.consul?.agentOverrides.findIndex((override) => override.host === host.name && override[key] !== undefined) ?? -1;
  return index >= 0 ? ['spec', 'consul', 'agentOverrides', index, key] : siteWide;
}
