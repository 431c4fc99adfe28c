/**
 * consul-template on every ingress host: its configuration, its systemd unit, the script it runs after
 * writing nginx.conf, and the nginx.conf template (ingress-go-template.ts) with its preview (ingress-nginx.ts).
 */
import { NGINX_CONF_PATH, nginxOwnedByConsulTemplate } from '@clusterspec/loadbalancer';
import { HOST_FIELDS, artifact, compileTemplate, defineArtifact, hostFile, type Artifact, type ClusterModel, type SpecPath } from '@clusterspec/spec';
import { join } from 'node:path';
import { templateRenderer } from './ingress-go-template';
import {
  catalogOfPreview,
  declaredInstances,
  ingressNginx,
  previewRenderer,
  renderIngressNginx,
  type IngressNginx,
  type IngressPreview,
} from './ingress-nginx';
import { agentFor, CONSUL_HTTP_PORT } from './topology';

export const CONSUL_TEMPLATE_DIR = '/etc/consul-template';
export const CONSUL_TEMPLATE_CONFIG_PATH = `${CONSUL_TEMPLATE_DIR}/config.hcl`;
export const NGINX_TEMPLATE_PATH = `${CONSUL_TEMPLATE_DIR}/nginx.conf.ctmpl`;
export const NGINX_PREVIEW_PATH = `${CONSUL_TEMPLATE_DIR}/nginx.conf.preview`;
export const RELOAD_SCRIPT_PATH = `${CONSUL_TEMPLATE_DIR}/reload-nginx.sh`;
export const CONSUL_TEMPLATE_UNIT_PATH = '/etc/systemd/system/consul-template.service';
export const CONSUL_TEMPLATE_BINARY = '/usr/local/bin/consul-template';
/** What consul-template runs after writing a changed nginx.conf: a script, so no shell quoting is involved. */
export const RELOAD_COMMAND = RELOAD_SCRIPT_PATH;

/** From how many ingress hosts consul-template renders in de-duplication mode (one renderer per template, the others read its result from Consul KV). */
export const DEDUPLICATE_FROM_HOSTS = 5;
/** How stale a follower's answer may be: any server answers (spreading the ingress hosts' blocking queries), never more than the reload wait behind the leader. */
export const MAX_STALE = '10s';

const INGRESS_READS: readonly SpecPath[] = [
  ...HOST_FIELDS,
  'spec.consul.ingress',
  'spec.consul.services',
  'spec.consul.version',
  'spec.kubernetes.loadBalancer',
  'spec.harbor.loadBalancer',
  'spec.docker.hosts',
];

/** consul-template's configuration. */
export interface ConsulTemplateConfig {
  readonly hostName: string;
  readonly local: boolean;
  readonly agentName: string;
  readonly address: string;
  /** How many ingress hosts render (each its own template, or one per template with de-duplication). */
  readonly ingressHosts: number;
  readonly deduplicate: boolean;
  readonly deduplicateFrom: number;
  readonly maxStale: string;
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

/** The script consul-template runs: it tests and reloads this nginx.conf, and checks the reload took. */
export interface ReloadScript {
  readonly destination: string;
  readonly pidFile: string;
  readonly reloadWaitSeconds: number;
}

/** The nginx master's pid file: Debian's package is built with --pid-path=/run/nginx.pid (/var/run links to /run). */
export const NGINX_PID_PATH = '/run/nginx.pid';
/** How long reload-nginx.sh waits for the new workers; well inside command_timeout (30s) with a second reload after it. */
export const RELOAD_WAIT_SECONDS = 10;

export const consulTemplateConfigFile = defineArtifact<ConsulTemplateConfig>({
  id: 'consul/consul-template-config',
  pattern: `hosts/*${CONSUL_TEMPLATE_CONFIG_PATH}`,
  description:
    'consul-template\'s configuration: the agent it asks, `max_stale`, `deduplicate` from 5 ingress hosts, `reload_signal`/`kill_signal` as its unit sends them, `perms = "0644"`, `backup`, `wait`, reload-nginx.sh as command',
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
  description:
    "the template consul-template renders into /etc/nginx/nginx.conf: the host's static balancers, then http services as `server_name <service>.<domain>` and tcp services `<name>-<port>` on `<port>`, each with a fallback server: every one in the catalog that passes the ingress rules (one comment line per skip; `discovery: dynamic`) or the declared ones (`declared`)",
  where: 'ingress hosts',
  reads: INGRESS_READS,
  secretKeys: [],
  consumer: 'consul-template (Go text/template), then nginx',
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
  render: (data) => renderIngressNginx(data, previewRenderer(catalogOfPreview(data))),
});

export const reloadScriptFile = defineArtifact<ReloadScript>({
  id: 'consul/reload-nginx',
  pattern: `hosts/*${RELOAD_SCRIPT_PATH}`,
  description: `consul-template's command: \`nginx -t\`, then a reload it checks took (new workers within ${RELOAD_WAIT_SECONDS} s: a failed bind keeps the old ones); a refused nginx.conf is kept as \`nginx.conf.refused\`, the backup put back (and reloaded), said once per distinct render, exit 0 (consul-template stops on a failed command)`,
  where: 'ingress hosts',
  reads: ['spec.hosts[].roles'],
  secretKeys: [],
  consumer: 'consul-template (template command), sh',
  format: 'shell',
  mode: 0o755,
  render: compileTemplate<ReloadScript>(join(__dirname, '../templates/reload-nginx.sh.ejs')),
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

/** consul-template's configuration, unit, reload script, nginx.conf template and its preview on every ingress host. */
export function generateIngress(model: ClusterModel): Artifact[] {
  const consul = model.consul;
  if (!consul) return [];
  const catalog = declaredInstances(model);
  const ingressHosts = consul.ingressHosts.filter(nginxOwnedByConsulTemplate);
  return ingressHosts.flatMap((host) => {
    const agent = agentFor(consul, host);
    const nginx = ingressNginx(model, host);
    return [
      artifact(consulTemplateConfigFile, hostFile(host, CONSUL_TEMPLATE_CONFIG_PATH), {
        hostName: host.name,
        local: agent.local,
        agentName: agent.host.name,
        address: `${agent.local ? '127.0.0.1' : agent.host.address}:${CONSUL_HTTP_PORT}`,
        ingressHosts: ingressHosts.length,
        deduplicate: ingressHosts.length >= DEDUPLICATE_FROM_HOSTS,
        deduplicateFrom: DEDUPLICATE_FROM_HOSTS,
        maxStale: MAX_STALE,
        source: NGINX_TEMPLATE_PATH,
        destination: NGINX_CONF_PATH,
        perms: '0644',
        wait: { min: '2s', max: '10s' },
        command: RELOAD_COMMAND,
      }),
      artifact(nginxTemplateFile, hostFile(host, NGINX_TEMPLATE_PATH), nginx),
      artifact(nginxPreviewFile, hostFile(host, NGINX_PREVIEW_PATH), { ...nginx, catalog }),
      artifact(reloadScriptFile, hostFile(host, RELOAD_SCRIPT_PATH), {
        destination: NGINX_CONF_PATH,
        pidFile: NGINX_PID_PATH,
        reloadWaitSeconds: RELOAD_WAIT_SECONDS,
      }),
      artifact(consulTemplateUnitFile, hostFile(host, CONSUL_TEMPLATE_UNIT_PATH), {
        hostName: host.name,
        local: agent.local,
        destination: NGINX_CONF_PATH,
        binary: CONSUL_TEMPLATE_BINARY,
        config: CONSUL_TEMPLATE_CONFIG_PATH,
      }),
    ];
  });
}
