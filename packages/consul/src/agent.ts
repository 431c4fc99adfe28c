import { artifact, compileTemplate, hostFile, secretPlaceholder, type Artifact, type ClusterModel, type ConsulModel, type Host } from '@clusterspec/spec';
import { join } from 'node:path';

const renderConfig = compileTemplate(join(__dirname, '../templates/consul.hcl.ejs'));
const renderUnit = compileTemplate(join(__dirname, '../templates/consul.service.ejs'));

export const CONSUL_CONFIG_DIR = '/etc/consul.d';
export const CONSUL_CONFIG_PATH = `${CONSUL_CONFIG_DIR}/consul.hcl`;
export const CONSUL_UNIT_PATH = '/etc/systemd/system/consul.service';
export const CONSUL_DATA_DIR = '/opt/consul';
export const CONSUL_BINARY = '/usr/local/bin/consul';

const isServer = (consul: ConsulModel, host: Host) => consul.servers.some((server) => server.name === host.name);

/** The agent configuration of one host (server or client). */
export function consulAgentConfig(model: ClusterModel, host: Host): string {
  const consul = model.consul!;
  const server = isServer(consul, host);
  return renderConfig({
    version: consul.version.text,
    server,
    nodeName: host.name,
    datacenter: consul.datacenter,
    dataDir: CONSUL_DATA_DIR,
    bindAddr: host.address,
    clientAddr: `127.0.0.1 ${host.address}`,
    bootstrapExpect: consul.servers.length,
    retryJoin: consul.servers.map((each) => each.address),
    ui: server ? consul.release.uiForm : undefined,
    dnsPort: consul.dnsPort,
    recursors: consul.recursors,
    encrypt: secretPlaceholder(consul.encrypt),
  });
}

/** /etc/consul.d/consul.hcl and the systemd unit on every Consul agent host. */
export function generateConsulAgents(model: ClusterModel): Artifact[] {
  const consul = model.consul;
  if (!consul) return [];
  return consul.agents.flatMap((host) => [
    // 0640: once deployed the file holds the gossip key.
    artifact(hostFile(host, CONSUL_CONFIG_PATH), consulAgentConfig(model, host), 0o640),
    artifact(
      hostFile(host, CONSUL_UNIT_PATH),
      renderUnit({
        server: isServer(consul, host),
        datacenter: consul.datacenter,
        configFile: CONSUL_CONFIG_PATH,
        configDir: CONSUL_CONFIG_DIR,
        binary: CONSUL_BINARY,
        dnsPort: consul.dnsPort,
        bindsPrivilegedPort: consul.dnsPort < 1024,
      }),
    ),
  ]);
}
