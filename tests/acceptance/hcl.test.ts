/**
 * Every generated Consul agent config (hosts/<h>/etc/consul.d/consul.hcl) and consul-template config
 * (hosts/<h>/etc/consul-template/config.hcl) parses with hcl2-parser (HashiCorp's HCL v2 parser via
 * hcl2json, compiled to JS; parseToObject returns [value, error]), and uses only keys documented for
 * its program and version.
 *
 * Key sets below come from Consul's agent configuration reference (developer.hashicorp.com/consul/docs/
 * agent/config/config-files) and changelogs, as [key, first version, removed in]:
 *  - `ui`: documented through today, marked deprecated in 1.9.0 in favour of `ui_config { enabled }`
 *    (not rejected: the agent still reads it). So it is allowed for every version, but listed as
 *    deprecated from 1.9, and the generator must not write a deprecated key for its version.
 *  - `ui_config` is read from 1.9.0; before that it is an unknown key (an error).
 *  - `start_join` was deprecated in 1.14 and removed in 1.15 (retry_join replaces it).
 * consul-template keys from its configuration reference (github.com/hashicorp/consul-template/docs/config.md).
 */
import { parseToObject } from 'hcl2-parser';
import type { Version } from '@clusterspec/spec';
import { artifactsMatching } from '../support/generated-sites';

type Since = readonly [number, number];
interface KeyRule {
  readonly since?: Since;
  /** First version that no longer reads the key. */
  readonly removed?: Since;
  /** First version whose documentation marks the key deprecated (still read). */
  readonly deprecated?: Since;
  /** Keys of a block. */
  readonly block?: Readonly<Record<string, KeyRule>>;
}

const any: KeyRule = {};
const CONSUL_AGENT_KEYS: Readonly<Record<string, KeyRule>> = {
  acl: { since: [1, 4] },
  acl_datacenter: { deprecated: [1, 4] },
  addresses: { block: { dns: any, http: any, https: any, grpc: { since: [1, 3] }, grpc_tls: { since: [1, 14] } } },
  advertise_addr: any,
  advertise_addr_wan: any,
  auto_encrypt: { since: [1, 5] },
  bind_addr: any,
  bootstrap: any,
  bootstrap_expect: any,
  ca_file: any,
  cert_file: any,
  client_addr: any,
  connect: { since: [1, 2] },
  data_dir: any,
  datacenter: any,
  disable_update_check: any,
  dns_config: any,
  domain: any,
  enable_local_script_checks: { since: [1, 0] },
  enable_script_checks: any,
  encrypt: any,
  encrypt_verify_incoming: any,
  encrypt_verify_outgoing: any,
  key_file: any,
  leave_on_terminate: any,
  log_level: any,
  node_name: any,
  performance: any,
  ports: {
    block: {
      dns: any,
      http: any,
      https: any,
      serf_lan: any,
      serf_wan: any,
      server: any,
      grpc: { since: [1, 3] },
      grpc_tls: { since: [1, 14] },
      sidecar_min_port: { since: [1, 3] },
      sidecar_max_port: { since: [1, 3] },
      expose_min_port: { since: [1, 6] },
      expose_max_port: { since: [1, 6] },
    },
  },
  primary_datacenter: { since: [1, 4] },
  recursors: any,
  rejoin_after_leave: any,
  retry_interval: any,
  retry_join: any,
  retry_max: any,
  server: any,
  skip_leave_on_interrupt: any,
  start_join: { deprecated: [1, 14], removed: [1, 15] },
  telemetry: any,
  tls: { since: [1, 12] },
  ui: { deprecated: [1, 9] },
  ui_config: {
    since: [1, 9],
    block: {
      enabled: any,
      dir: any,
      content_path: any,
      metrics_provider: any,
      metrics_provider_files: any,
      metrics_provider_options_json: any,
      metrics_proxy: any,
      dashboard_url_templates: any,
    },
  },
  ui_dir: { deprecated: [1, 9] },
  verify_incoming: any,
  verify_outgoing: any,
  verify_server_hostname: any,
};

/** consul-template (no version in the spec: the keys below are in every release since 0.19). */
const CONSUL_TEMPLATE_KEYS: Readonly<Record<string, KeyRule>> = {
  consul: { block: { address: any, auth: any, retry: any, ssl: any, token: any, transport: any, namespace: any } },
  template: {
    block: {
      source: any,
      destination: any,
      contents: any,
      command: any,
      command_timeout: any,
      perms: any,
      backup: any,
      wait: { block: { min: any, max: any } },
      left_delimiter: any,
      right_delimiter: any,
      error_on_missing_key: any,
      create_dest_dirs: any,
      function_denylist: any,
      sandbox_path: any,
    },
  },
  vault: any,
  log_level: any,
  pid_file: any,
  kill_signal: any,
  reload_signal: any,
  wait: { block: { min: any, max: any } },
  max_stale: any,
  syslog: any,
  deduplicate: any,
  exec: any,
  once: any,
};

const older = (version: Version, [major, minor]: Since) => version.major < major || (version.major === major && version.minor < minor);

/** Problems with the keys of a parsed HCL body (hcl2json gives blocks as arrays of objects). */
function keyProblems(body: Record<string, unknown>, rules: Readonly<Record<string, KeyRule>>, version: Version | undefined, path = ''): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const rule = rules[key];
    const where = `${path}${key}`;
    if (!rule) {
      problems.push(`${where}: not a documented key`);
      continue;
    }
    if (version && rule.since && older(version, rule.since)) problems.push(`${where}: read only from ${rule.since.join('.')}, this is ${version.text}`);
    if (version && rule.removed && !older(version, rule.removed)) problems.push(`${where}: removed in ${rule.removed.join('.')}, this is ${version.text}`);
    if (version && rule.deprecated && !older(version, rule.deprecated))
      problems.push(`${where}: deprecated from ${rule.deprecated.join('.')}, this is ${version.text}`);
    if (rule.block) {
      const blocks = Array.isArray(value) ? value : [value];
      for (const block of blocks) {
        if (typeof block !== 'object' || block === null || Array.isArray(block)) problems.push(`${where}: expected a block`);
        else problems.push(...keyProblems(block as Record<string, unknown>, rule.block, version, `${where}.`));
      }
    }
  }
  return problems;
}

function parse(text: string): Record<string, unknown> {
  const [value, error] = parseToObject(text) as [Record<string, unknown> | null, unknown];
  if (error || !value) throw new Error(`hcl2-parser refused it: ${JSON.stringify(error)}`);
  return value;
}

const agentConfigs = artifactsMatching(/^hosts\/[^/]+\/etc\/consul\.d\/consul\.hcl$/);
const templateConfigs = artifactsMatching(/^hosts\/[^/]+\/etc\/consul-template\/config\.hcl$/);

describe('Consul agent configs parse and use only keys documented for their Consul version', () => {
  it('finds agent configs for Consul before and after 1.9', () => {
    expect(agentConfigs.some(({ site }) => older(site.model.consul!.version, [1, 9]))).toBe(true);
    expect(agentConfigs.some(({ site }) => !older(site.model.consul!.version, [1, 9]))).toBe(true);
  });

  it.each(agentConfigs.map(({ site, artifact }) => [site.spec, artifact.path, site.model.consul!.version, artifact.content] as const))(
    '%s: %s',
    (_spec, _path, version, content) => {
      expect(keyProblems(parse(content), CONSUL_AGENT_KEYS, version)).toEqual([]);
    },
  );

  it('bites: a fake key, ui_config before 1.9, the deprecated ui from 1.9, and broken syntax are refused', () => {
    const { site, artifact } = agentConfigs.find(({ site }) => older(site.model.consul!.version, [1, 9]))!;
    const version = site.model.consul!.version;
    expect(keyProblems(parse(`${artifact.content}\nui_enabled = true\n`), CONSUL_AGENT_KEYS, version)).toEqual(['ui_enabled: not a documented key']);
    expect(keyProblems(parse(`${artifact.content}\nports {\n  dnss = 53\n}\n`), CONSUL_AGENT_KEYS, version)).toEqual(['ports.dnss: not a documented key']);
    expect(keyProblems(parse('ui_config {\n  enabled = true\n}\n'), CONSUL_AGENT_KEYS, version)).toEqual([
      `ui_config: read only from 1.9, this is ${version.text}`,
    ]);
    expect(keyProblems(parse('ui = true\n'), CONSUL_AGENT_KEYS, { major: 1, minor: 21, patch: 4, text: '1.21.4' })).toEqual([
      'ui: deprecated from 1.9, this is 1.21.4',
    ]);
    expect(() => parse('retry_join = ["a", \n')).toThrow(/hcl2-parser refused it/);
  });
});

describe('consul-template configs parse and use only documented keys', () => {
  it('finds consul-template configs', () => expect(templateConfigs.length).toBeGreaterThan(0));

  it.each(templateConfigs.map(({ site, artifact }) => [site.spec, artifact.path, artifact.content] as const))('%s: %s', (_spec, _path, content) => {
    const body = parse(content);
    expect(keyProblems(body, CONSUL_TEMPLATE_KEYS, undefined)).toEqual([]);
    // perms must stay a string: a bare 0644 would be read as the number 644.
    const [template] = body.template as Record<string, unknown>[];
    expect(template.perms).toBe('0644');
  });

  it('bites: a fake key inside template is refused', () => {
    const { artifact } = templateConfigs[0];
    const text = artifact.content.replace(/^(\s*)perms(\s*)=/m, '$1permissions$2=');
    expect(keyProblems(parse(text), CONSUL_TEMPLATE_KEYS, undefined)).toEqual(['template.permissions: not a documented key']);
  });
});
