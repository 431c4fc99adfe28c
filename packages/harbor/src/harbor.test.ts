import { runSiteChecks, SpecError, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadFixture, variant } from '../../../tests/support/fixtures';
import { harborBalancer, harborChecks, harborGenerators, renderHarborBalancer } from './index';

const generate = (model: ClusterModel): Artifact[] => harborGenerators.flatMap((generator) => generator(model));
const byPath = (artifacts: readonly Artifact[]) => new Map(artifacts.map((item) => [item.path, item.content]));
const content = (artifacts: readonly Artifact[], path: string): string => {
  const found = byPath(artifacts).get(path);
  if (found === undefined) throw new Error(`no artifact ${path}; have ${artifacts.map((item) => item.path).join(', ')}`);
  return found;
};
const lines = (text: string) => text.split('\n');
/** key = value pairs of harbor.cfg as Python's RawConfigParser reads them (comments skipped). */
const cfgPairs = (text: string) =>
  lines(text)
    .filter((line) => /^[a-z_]+\s*=/.test(line))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at).trim(), line.slice(at + 1).trim()] as const;
    });
/** NAME=value pairs of an env file (comments skipped). */
const envPairs = (text: string) =>
  lines(text)
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);

const flatKeys = (value: unknown, prefix = ''): string[] =>
  value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
    ? Object.entries(value).flatMap(([key, inner]) => flatKeys(inner, `${prefix}${key}.`))
    : [prefix.slice(0, -1)];

const SEED = loadFixture('fixtures/seed-ha/cluster.yaml');
const MODERN = loadFixture('fixtures/modern/cluster.yaml');
const EDGE = loadFixture('fixtures/edge/cluster.yaml');

/** Keys of Harbor v1.1.0's make/harbor.cfg, in its order. */
const HARBOR_1_1_CFG_KEYS = [
  'hostname',
  'ui_url_protocol',
  'db_password',
  'max_job_workers',
  'customize_crt',
  'ssl_cert',
  'ssl_cert_key',
  'secretkey_path',
  'admiral_url',
  'email_identity',
  'email_server',
  'email_server_port',
  'email_username',
  'email_password',
  'email_from',
  'email_ssl',
  'harbor_admin_password',
  'auth_mode',
  'ldap_url',
  'ldap_basedn',
  'ldap_uid',
  'ldap_scope',
  'ldap_timeout',
  'self_registration',
  'token_expiration',
  'project_creation_restriction',
  'verify_remote_cert',
];

/** Variables of Harbor v1.1.0's make/common/templates/adminserver/env, in its order. */
const HARBOR_1_1_ADMINSERVER_KEYS = [
  'LOG_LEVEL',
  'EXT_ENDPOINT',
  'AUTH_MODE',
  'SELF_REGISTRATION',
  'LDAP_URL',
  'LDAP_SEARCH_DN',
  'LDAP_SEARCH_PWD',
  'LDAP_BASE_DN',
  'LDAP_FILTER',
  'LDAP_UID',
  'LDAP_SCOPE',
  'LDAP_TIMEOUT',
  'DATABASE_TYPE',
  'MYSQL_HOST',
  'MYSQL_PORT',
  'MYSQL_USR',
  'MYSQL_PWD',
  'MYSQL_DATABASE',
  'REGISTRY_URL',
  'TOKEN_SERVICE_URL',
  'EMAIL_HOST',
  'EMAIL_PORT',
  'EMAIL_USR',
  'EMAIL_PWD',
  'EMAIL_SSL',
  'EMAIL_FROM',
  'EMAIL_IDENTITY',
  'HARBOR_ADMIN_PASSWORD',
  'PROJECT_CREATION_RESTRICTION',
  'VERIFY_REMOTE_CERT',
  'MAX_JOB_WORKERS',
  'UI_SECRET',
  'JOBSERVICE_SECRET',
  'TOKEN_EXPIRATION',
  'CFG_EXPIRATION',
  'GODEBUG',
  'ADMIRAL_URL',
  'WITH_NOTARY',
  'RESET',
];

/** The names Harbor 1.1's prepare passes to Template.substitute for each env template; any other $name makes it fail. */
const PREPARE_1_1_NAMES = {
  adminserver: [
    'ui_url',
    'auth_mode',
    'self_registration',
    'ldap_url',
    'ldap_searchdn',
    'ldap_search_pwd',
    'ldap_basedn',
    'ldap_filter',
    'ldap_uid',
    'ldap_scope',
    'ldap_timeout',
    'db_password',
    'email_host',
    'email_port',
    'email_usr',
    'email_pwd',
    'email_ssl',
    'email_from',
    'email_identity',
    'harbor_admin_password',
    'project_creation_restriction',
    'verify_remote_cert',
    'max_job_workers',
    'ui_secret',
    'jobservice_secret',
    'token_expiration',
    'admiral_url',
    'with_notary',
  ],
  ui: ['ui_secret', 'jobservice_secret'],
};

/** string.Template's placeholders: $$ is a literal dollar, $name or ${name} a substitution. */
const templateNames = (text: string) => [...text.replace(/\$\$/g, '').matchAll(/\$(\{?)([A-Za-z_][A-Za-z0-9_]*)?/g)].map((match) => match[2] ?? '<bare $>');

/**
 * Flattened keys of harbor.yml.tmpl (uncommented, `database` and `https` left out) plus external_url and
 * the external_database/external_redis samples, for the tag named; taken from goharbor/harbor.
 */
const TEMPLATE_KEYS: Record<string, string[]> = {
  'v2.0.0': [
    'hostname',
    'http.port',
    'harbor_admin_password',
    'data_volume',
    'clair.updaters_interval',
    'trivy.ignore_unfixed',
    'trivy.skip_update',
    'trivy.insecure',
    'jobservice.max_job_workers',
    'notification.webhook_job_max_retry',
    'chart.absolute_url',
    'log.level',
    'log.local.rotate_count',
    'log.local.rotate_size',
    'log.local.location',
    '_version',
    'proxy.http_proxy',
    'proxy.https_proxy',
    'proxy.no_proxy',
    'proxy.components',
  ],
  'v2.5.6': [
    'hostname',
    'http.port',
    'harbor_admin_password',
    'data_volume',
    'trivy.ignore_unfixed',
    'trivy.skip_update',
    'trivy.offline_scan',
    'trivy.insecure',
    'jobservice.max_job_workers',
    'notification.webhook_job_max_retry',
    'chart.absolute_url',
    'log.level',
    'log.local.rotate_count',
    'log.local.rotate_size',
    'log.local.location',
    '_version',
    'proxy.http_proxy',
    'proxy.https_proxy',
    'proxy.no_proxy',
    'proxy.components',
    'upload_purging.enabled',
    'upload_purging.age',
    'upload_purging.interval',
    'upload_purging.dryrun',
  ],
  'v2.13.1': [
    'hostname',
    'http.port',
    'harbor_admin_password',
    'data_volume',
    'trivy.ignore_unfixed',
    'trivy.skip_update',
    'trivy.skip_java_db_update',
    'trivy.offline_scan',
    'trivy.security_check',
    'trivy.insecure',
    'trivy.timeout',
    'jobservice.max_job_workers',
    'jobservice.max_job_duration_hours',
    'jobservice.job_loggers',
    'jobservice.logger_sweeper_duration',
    'notification.webhook_job_max_retry',
    'notification.webhook_job_http_client_timeout',
    'log.level',
    'log.local.rotate_count',
    'log.local.rotate_size',
    'log.local.location',
    '_version',
    'proxy.http_proxy',
    'proxy.https_proxy',
    'proxy.no_proxy',
    'proxy.components',
    'upload_purging.enabled',
    'upload_purging.age',
    'upload_purging.interval',
    'upload_purging.dryrun',
    'cache.enabled',
    'cache.expire_hours',
  ],
};
const EXTERNAL_DATABASE_KEYS = ['host', 'port', 'db_name', 'username', 'password', 'ssl_mode', 'max_idle_conns', 'max_open_conns'].map(
  (key) => `external_database.harbor.${key}`,
);
const REDIS_2_0 = [
  'host',
  'port',
  'password',
  'registry_db_index',
  'jobservice_db_index',
  'chartmuseum_db_index',
  'clair_db_index',
  'trivy_db_index',
  'idle_timeout_seconds',
];
const REDIS_2_5 = ['host', 'password', 'registry_db_index', 'jobservice_db_index', 'chartmuseum_db_index', 'trivy_db_index', 'idle_timeout_seconds'];
const REDIS_2_13 = ['host', 'password', 'registry_db_index', 'jobservice_db_index', 'trivy_db_index', 'idle_timeout_seconds'];
const expectedKeys = (tag: string, redis: string[]) =>
  [...TEMPLATE_KEYS[tag], 'external_url', ...EXTERNAL_DATABASE_KEYS, ...redis.map((key) => `external_redis.${key}`)].sort();

/** What prepare (make/photon/prepare/utils/configs.py) reads with [] and so needs, per release. */
const PREPARE_REQUIRED_2_X = [
  'hostname',
  'data_volume',
  'harbor_admin_password',
  'jobservice.max_job_workers',
  'notification.webhook_job_max_retry',
  'log.level',
  ...['host', 'port', 'db_name', 'username', 'password', 'ssl_mode'].map((key) => `external_database.harbor.${key}`),
];
const PREPARE_REQUIRED_2_8 = ['jobservice.logger_sweeper_duration', 'notification.webhook_job_http_client_timeout'];
const PREPARE_REQUIRED_2_9 = ['jobservice.job_loggers'];

describe('Harbor 1.1 (the seed site)', () => {
  const artifacts = generate(SEED);
  const node1 = (path: string) => content(artifacts, `hosts/node1/opt/harbor/${path}`);
  const node2 = (path: string) => content(artifacts, `hosts/node2/opt/harbor/${path}`);

  it('writes harbor.cfg, the two env templates and docker-compose.yml for each instance, nothing else', () => {
    expect(artifacts.map((item) => item.path).sort()).toEqual(
      ['node1', 'node2'].flatMap((host) =>
        ['common/templates/adminserver/env', 'common/templates/ui/env', 'docker-compose.yml', 'harbor.cfg'].map((path) => `hosts/${host}/opt/harbor/${path}`),
      ),
    );
    // harbor.cfg and the ui env template hold passwords once rendered: root's alone (./prepare runs as root).
    expect(Object.fromEntries(artifacts.filter((item) => item.path.startsWith('hosts/node1/')).map((item) => [item.path, item.mode.toString(8)]))).toEqual({
      'hosts/node1/opt/harbor/common/templates/adminserver/env': '644',
      'hosts/node1/opt/harbor/common/templates/ui/env': '600',
      'hosts/node1/opt/harbor/docker-compose.yml': '644',
      'hosts/node1/opt/harbor/harbor.cfg': '600',
    });
  });

  it('harbor.cfg names the load balancer, the shared storage and secrets by placeholder only', () => {
    const cfg = new Map(cfgPairs(node1('harbor.cfg')));
    expect(cfg.get('hostname')).toBe('hub.tonybai.com:8989');
    expect(cfg.get('ui_url_protocol')).toBe('http');
    expect(cfg.get('db_password')).toBe('{{secret:env:HARBOR_DB_PASSWORD}}');
    expect(cfg.get('harbor_admin_password')).toBe('{{secret:env:HARBOR_ADMIN_PASSWORD}}');
    expect(cfg.get('ssl_cert')).toBe('/mnt/cephfs/harbor/data/cert/server.crt');
    expect(cfg.get('ssl_cert_key')).toBe('/mnt/cephfs/harbor/data/cert/server.key');
    expect(cfg.get('secretkey_path')).toBe('/mnt/cephfs/harbor/data');
    expect(cfg.get('customize_crt')).toBe('off');
    expect(cfg.get('project_creation_restriction')).toMatch(/^(everyone|adminonly)$/); // prepare refuses anything else
  });

  it('harbor.cfg has exactly the keys of Harbor 1.1.0, each once and in order (prepare reads every one)', () => {
    expect(cfgPairs(node1('harbor.cfg')).map(([key]) => key)).toEqual(HARBOR_1_1_CFG_KEYS);
    // RawConfigParser takes an indented line as the continuation of the previous value
    expect(lines(node1('harbor.cfg')).filter((line) => /^\s+\S/.test(line))).toEqual([]);
  });

  it('the adminserver env template points at the external MySQL and resets from env at every start', () => {
    const env = envPairs(node1('common/templates/adminserver/env'));
    expect(env.map(([key]) => key)).toEqual(HARBOR_1_1_ADMINSERVER_KEYS);
    const values = new Map(env);
    expect(values.get('MYSQL_HOST')).toBe('10.47.217.100');
    expect(values.get('MYSQL_PORT')).toBe('3306');
    expect(values.get('MYSQL_USR')).toBe('harbor');
    expect(values.get('MYSQL_PWD')).toBe('$db_password'); // prepare fills in harbor.cfg's db_password placeholder
    expect(values.get('DATABASE_TYPE')).toBe('mysql');
    expect(values.get('RESET')).toBe('true');
  });

  it('the ui env template shares sessions through Redis (beego addr,poolsize,password,dbnum)', () => {
    expect(lines(node1('common/templates/ui/env'))).toContain('_REDIS_URL=10.47.217.101:6379,100,{{secret:env:HARBOR_REDIS_PASSWORD}},0');
    const noPassword = generate(variant('seed-ha', [['      password: {fromEnv: HARBOR_REDIS_PASSWORD}\n', '']]));
    expect(lines(content(noPassword, 'hosts/node1/opt/harbor/common/templates/ui/env'))).toContain('_REDIS_URL=10.47.217.101:6379,100,,0');
  });

  it('every $name in the env templates is one prepare substitutes (string.Template.substitute raises on others)', () => {
    expect(templateNames(node1('common/templates/adminserver/env')).filter((name) => !PREPARE_1_1_NAMES.adminserver.includes(name))).toEqual([]);
    expect(templateNames(node1('common/templates/ui/env')).filter((name) => !PREPARE_1_1_NAMES.ui.includes(name))).toEqual([]);
    expect(templateNames('A=$x $$y ${z} $')).toEqual(['x', 'z', '<bare $>']); // the check itself can fail
  });

  it('docker-compose.yml parses and puts every volume on the shared storage, one log folder per instance', () => {
    const compose = parse(node1('docker-compose.yml'));
    expect(compose.version).toBe('2');
    expect(compose.services.registry.volumes).toContain('/mnt/cephfs/harbor/data/registry:/storage:z');
    expect(compose.services.adminserver.volumes).toEqual([
      '/mnt/cephfs/harbor/data/config/:/etc/adminserver/config/:z',
      '/mnt/cephfs/harbor/data/secretkey:/etc/adminserver/key:z',
      '/mnt/cephfs/harbor/data/:/data/:z',
    ]);
    expect(compose.services.ui.volumes).toContain('/mnt/cephfs/harbor/data/secretkey:/etc/ui/key:z');
    expect(compose.services.ui.volumes).toContain('/mnt/cephfs/harbor/data/ca_download/:/etc/ui/ca/:z');
    expect(compose.services.jobservice.volumes).toContain('/mnt/cephfs/harbor/data/job_logs:/var/log/jobs:z');
    expect(compose.services.jobservice.volumes).toContain('/mnt/cephfs/harbor/data/secretkey:/etc/jobservice/key:z');
    const hostVolumes = Object.values<{ volumes: string[] }>(compose.services).flatMap((service) => service.volumes.filter((volume) => volume.startsWith('/')));
    expect(hostVolumes.filter((volume) => !volume.startsWith('/mnt/cephfs/harbor/'))).toEqual([]);
  });

  it('each instance logs to its own folder on the shared storage, in instance order', () => {
    expect(parse(node1('docker-compose.yml')).services.log.volumes).toEqual(['/mnt/cephfs/harbor/log1/:/var/log/docker/:z']);
    expect(parse(node2('docker-compose.yml')).services.log.volumes).toEqual(['/mnt/cephfs/harbor/log2/:/var/log/docker/:z']);
  });

  it('the proxy listens on httpPort, there is no mysql service and nothing waits for one', () => {
    const compose = parse(node1('docker-compose.yml'));
    expect(compose.services.proxy.ports).toEqual(['8060:80']);
    expect(Object.keys(compose.services)).toEqual(['log', 'registry', 'adminserver', 'ui', 'jobservice', 'proxy']);
    const dependencies = Object.values<{ depends_on?: string[] }>(compose.services).flatMap((service) => service.depends_on ?? []);
    expect(dependencies).not.toContain('mysql');
    expect(dependencies.every((name) => name in compose.services)).toBe(true);
    expect(node1('docker-compose.yml')).not.toMatch(/mysql|harbor-db/);
  });

  it('images carry the release tag, the registry image follows the 1.1.x installer', () => {
    const compose = parse(node1('docker-compose.yml'));
    expect(compose.services.ui.image).toBe('vmware/harbor-ui:v1.1.0');
    expect(compose.services.registry.image).toBe('vmware/registry:photon-2.6.0');
    const later = parse(content(generate(variant('seed-ha', [['version: "1.1.0"', 'version: "1.1.2"']])), 'hosts/node1/opt/harbor/docker-compose.yml'));
    expect(later.services.ui.image).toBe('vmware/harbor-ui:v1.1.2');
    expect(later.services.registry.image).toBe('vmware/registry:2.6.1-photon');
  });

  it('instances differ only in their log folder and their own name', () => {
    const strip = (text: string) => text.replace(/log[12]\//g, 'logN/').replace(/instance [12] of 2 \(node[12]\)/g, 'instance N');
    for (const path of ['harbor.cfg', 'common/templates/adminserver/env', 'common/templates/ui/env', 'docker-compose.yml']) {
      expect(strip(node2(path))).toBe(strip(node1(path)));
    }
    expect(node2('docker-compose.yml')).not.toBe(node1('docker-compose.yml'));
  });

  it('an https externalURL is refused for 1.1 by harborChecks, in the validation phase, at the field', () => {
    const https = variant('seed-ha', [['externalURL: http://hub.tonybai.com:8989', 'externalURL: https://hub.tonybai.com:8989']]);
    expect(() => runSiteChecks(https, [harborChecks])).toThrow(SpecError);
    expect(() => runSiteChecks(SEED, [harborChecks])).not.toThrow();
    try {
      runSiteChecks(https, [harborChecks]);
    } catch (error) {
      expect((error as SpecError).problems[0]).toMatchObject({ field: 'spec.harbor.externalURL', line: https.locate(['spec', 'harbor', 'externalURL']).line });
    }
  });

  it('the default port of externalURL is left out of hostname', () => {
    const port80 = variant('seed-ha', [['externalURL: http://hub.tonybai.com:8989', 'externalURL: http://hub.tonybai.com']]);
    expect(new Map(cfgPairs(content(generate(port80), 'hosts/node1/opt/harbor/harbor.cfg'))).get('hostname')).toBe('hub.tonybai.com');
  });
});

describe('Harbor 2.x', () => {
  const modern = generate(MODERN);
  const edge = generate(EDGE);
  const yml = (artifacts: readonly Artifact[], host: string) => parse(content(artifacts, `hosts/${host}/opt/harbor/harbor.yml`));

  it('writes harbor.yml, shared-secrets.env and install-shared.sh per instance and nothing else', () => {
    const files = (host: string) => ['harbor.yml', 'shared-secrets.env', 'install-shared.sh'].map((name) => `hosts/${host}/opt/harbor/${name}`);
    expect(modern.map((item) => item.path)).toEqual(['harbor-1', 'harbor-2'].flatMap(files));
    expect(edge.map((item) => item.path)).toEqual(['h1', 'h2', 'h3'].flatMap(files));
  });

  it('2.13.1: keys are those of its harbor.yml.tmpl, with external_database and external_redis', () => {
    expect(flatKeys(yml(modern, 'harbor-1')).sort()).toEqual(expectedKeys('v2.13.1', REDIS_2_13));
  });

  it('2.5.6: keys are those of its harbor.yml.tmpl (chart, chartmuseum_db_index; no cache, no job_loggers)', () => {
    expect(flatKeys(yml(edge, 'h1')).sort()).toEqual(expectedKeys('v2.5.6', REDIS_2_5));
  });

  it('2.0.0: keys are those of its harbor.yml.tmpl, with Redis host and port apart', () => {
    const old = yml(generate(variant('modern', [['version: "2.13.1"', 'version: "2.0.0"']])), 'harbor-1');
    expect(flatKeys(old).sort()).toEqual(expectedKeys('v2.0.0', REDIS_2_0));
    expect(old.external_redis).toMatchObject({ host: '10.20.0.62', port: 6379 });
    expect(old._version).toBe('2.0.0');
  });

  it.each(['2.0.6', '2.1.6', '2.4.2', '2.7.4', '2.8.0', '2.9.0', '2.10.3', '2.12.4', '2.14.0', '2.15.2'])(
    '%s: every key prepare requires is there',
    (version) => {
      const keys = flatKeys(yml(generate(variant('modern', [['version: "2.13.1"', `version: "${version}"`]])), 'harbor-1'));
      const minor = Number(version.split('.')[1]);
      const required = [...PREPARE_REQUIRED_2_X, ...(minor >= 8 ? PREPARE_REQUIRED_2_8 : []), ...(minor >= 9 ? PREPARE_REQUIRED_2_9 : [])];
      expect(required.filter((key) => !keys.includes(key))).toEqual([]);
    },
  );

  it('instances serve http on httpPort behind the balancer, which owns the external URL', () => {
    const doc = yml(modern, 'harbor-1');
    expect(doc.hostname).toBe('registry.corp.example');
    expect(doc.http).toEqual({ port: 8080 });
    expect(doc.external_url).toBe('https://registry.corp.example');
    expect(doc).not.toHaveProperty('https');
    expect(doc).not.toHaveProperty('database');
    expect(doc.data_volume).toBe('/srv/nfs/harbor/data');
    expect(doc._version).toBe('2.13.0');
  });

  it('the external database and Redis carry placeholders, never values', () => {
    const doc = yml(modern, 'harbor-2');
    expect(doc.harbor_admin_password).toBe('{{secret:env:HARBOR_ADMIN_PASSWORD}}');
    expect(doc.external_database.harbor).toEqual({
      host: '10.20.0.61',
      port: 5432,
      db_name: 'registry',
      username: 'harbor',
      password: '{{secret:env:HARBOR_DB_PASSWORD}}',
      ssl_mode: 'disable',
      max_idle_conns: 2,
      max_open_conns: 0,
    });
    expect(doc.external_redis).toMatchObject({ host: '10.20.0.62:6379', password: '{{secret:file:/run/secrets/harbor-redis}}' });
    expect(yml(edge, 'h1').external_redis.password).toBe('');
    expect(yml(edge, 'h1').external_database.harbor.password).toBe('{{secret:file:/etc/clusterspec/secrets/harbor-db}}');
  });

  it('each instance logs to log<N> on the shared storage, in instance order', () => {
    expect(['h1', 'h2', 'h3'].map((host) => yml(edge, host).log.local.location)).toEqual([
      '/mnt/glusterfs/harbor/log1',
      '/mnt/glusterfs/harbor/log2',
      '/mnt/glusterfs/harbor/log3',
    ]);
    expect(yml(modern, 'harbor-2').log.local.location).toBe('/srv/nfs/harbor/log2');
  });

  it('is written for PyYAML (YAML 1.1): strings that 1.1 would read as numbers or booleans are quoted', () => {
    const text = content(modern, 'hosts/harbor-1/opt/harbor/harbor.yml');
    expect(text.startsWith('# Generated by clusterspec')).toBe(true);
    expect(text).toMatch(/^harbor_admin_password: "\{\{secret:env:HARBOR_ADMIN_PASSWORD\}\}"$/m);
    expect(text).toMatch(/^_version: 2\.13\.0$/m);
  });
});

describe('every Harbor artifact', () => {
  const all = [SEED, MODERN, EDGE].flatMap(generate);

  it('holds no secret value: with the secrets in the environment, none appears', () => {
    const names = ['HARBOR_DB_PASSWORD', 'HARBOR_REDIS_PASSWORD', 'HARBOR_ADMIN_PASSWORD'];
    const saved = names.map((name) => process.env[name]);
    names.forEach((name, index) => (process.env[name] = `leak-${index}-Tr0ub4dor`));
    try {
      const again = [SEED, MODERN, EDGE].flatMap(generate);
      expect(again.filter((item) => item.content.includes('Tr0ub4dor')).map((item) => item.path)).toEqual([]);
      expect(again).toEqual(all);
    } finally {
      names.forEach((name, index) => (saved[index] === undefined ? delete process.env[name] : (process.env[name] = saved[index])));
    }
  });

  it('writes every password field as a placeholder, a prepare variable or empty', () => {
    const passwordValues = all.flatMap((item) =>
      lines(item.content)
        .filter((line) => !line.trimStart().startsWith('#'))
        .map((line) => /^\s*([A-Za-z_]*(?:password|PWD)[A-Za-z_]*)\s*[:=]\s*(.*)$/i.exec(line))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => match[2].replace(/^"(.*)"$/, '$1')),
    );
    expect(passwordValues.length).toBeGreaterThan(10);
    expect(passwordValues.filter((value) => !/^(\{\{secret:(env|file):[^}]+\}\}|\$[a-z_]+|)$/.test(value))).toEqual([]);
  });

  it('is the same on every run', () => {
    expect([SEED, MODERN, EDGE].flatMap(generate)).toEqual(all);
  });
});

describe('unsupported Harbor versions', () => {
  it.each(['1.5.0', '2.16.0'])('%s is refused at spec.harbor.version when the spec loads', (version) => {
    const load = () => variant('modern', [['version: "2.13.1"', `version: "${version}"`]]);
    expect(load).toThrow(/Harbor .* is not supported/);
    try {
      load();
    } catch (error) {
      expect((error as SpecError).problems[0]).toMatchObject({ field: 'spec.harbor.version', line: MODERN.locate(['spec', 'harbor', 'version']).line });
    }
  });

  it('a spec without Harbor gets no Harbor files', () => {
    const model = variant('modern', []);
    expect(generate({ ...model, harbor: undefined })).toEqual([]);
    expect(harborBalancer({ ...model, harbor: undefined })).toBeUndefined();
  });
});

describe('Harbor 2.x instances share what ./prepare draws at random (issue 14, goharbor/harbor#21060)', () => {
  it('writes shared-secrets.env (0600, placeholders of harbor.sharedSecrets, defaults HARBOR_*) and install-shared.sh (0755) on every 2.x instance, none for 1.x', () => {
    const files = generate(EDGE);
    for (const host of ['h1', 'h2', 'h3']) {
      const env = files.find((file) => file.path === `hosts/${host}/opt/harbor/shared-secrets.env`)!;
      expect(env.mode).toBe(0o600);
      expect(lines(env.content).filter((line) => !line.startsWith('#'))).toEqual([
        'CSRF_KEY={{secret:env:HARBOR_CSRF_KEY}}',
        'CORE_SECRET={{secret:env:HARBOR_CORE_SECRET}}',
        'JOBSERVICE_SECRET={{secret:env:HARBOR_JOBSERVICE_SECRET}}',
        '',
      ]);
      expect(files.find((file) => file.path === `hosts/${host}/opt/harbor/install-shared.sh`)!.mode).toBe(0o755);
    }
    expect(generate(SEED).some((file) => /shared-secrets|install-shared/.test(file.path))).toBe(false);
    const named = variant('edge', [['adminPassword:', 'sharedSecrets:\n      csrfKey: {fromFile: /run/secrets/harbor-csrf}\n    adminPassword:']]);
    expect(content(generate(named), 'hosts/h1/opt/harbor/shared-secrets.env')).toContain('CSRF_KEY={{secret:file:/run/secrets/harbor-csrf}}\n');
  });

  it('the balancer pins clients (ip_hash) for 1.1 only; 2.x instances get least_conn', () => {
    expect(harborBalancer(SEED)!.affinity).toBe('ip_hash');
    expect(renderHarborBalancer(harborBalancer(SEED)!)).toMatch(/^\s+ip_hash;$/m);
    for (const model of [EDGE, MODERN]) {
      expect(harborBalancer(model)!.affinity).toBe('least_conn');
      const section = renderHarborBalancer(harborBalancer(model)!);
      expect(section).toMatch(/^\s+least_conn;$/m);
      expect(section).not.toContain('ip_hash');
    }
  });

  describe('install-shared.sh, with stand-ins for ./prepare (random values, as the real one) and docker', () => {
    let directory: string;
    const script = content(generate(EDGE), 'hosts/h2/opt/harbor/install-shared.sh');
    const run = (secrets: string) => {
      fs.writeFileSync(join(directory, 'shared-secrets.env'), secrets);
      // ./prepare: the three env files as v2.13's templates write them, each with fresh random values.
      fs.writeFileSync(
        join(directory, 'prepare'),
        [
          '#!/bin/sh',
          'echo "prepare $*" >> calls',
          'mkdir -p common/config/core common/config/jobservice common/config/registryctl',
          'r() { head -c 12 /dev/urandom | od -An -tx1 | tr -d " \\n"; }',
          'printf "CONFIG_PATH=/etc/core/app.conf\\nCORE_SECRET=%s\\nJOBSERVICE_SECRET=%s\\nCSRF_KEY=%s\\nPORT=8080\\n" $(r) $(r) $(r) > common/config/core/env',
          'printf "CORE_SECRET=%s\\nREGISTRY_CONTROLLER_URL=http://registryctl:8080\\nJOBSERVICE_SECRET=%s\\n" $(r) $(r) > common/config/jobservice/env',
          'printf "CORE_SECRET=%s\\nJOBSERVICE_SECRET=%s\\n" $(r) $(r) > common/config/registryctl/env',
          'chmod 600 common/config/core/env',
        ].join('\n'),
      );
      fs.chmodSync(join(directory, 'prepare'), 0o755);
      fs.mkdirSync(join(directory, 'bin'), { recursive: true });
      fs.writeFileSync(join(directory, 'bin', 'docker'), '#!/bin/sh\necho "docker $*" >> calls\n');
      fs.chmodSync(join(directory, 'bin', 'docker'), 0o755);
      const local = join(directory, 'install-shared.sh');
      fs.writeFileSync(local, script.replace(/^cd \/opt\/harbor$/m, `cd ${directory}`));
      return spawnSync('sh', [local, '--with-trivy'], { encoding: 'utf8', cwd: directory, env: { PATH: `${join(directory, 'bin')}:/usr/bin:/bin` } });
    };
    const read = (path: string) => fs.readFileSync(join(directory, path), 'utf8');
    const SECRETS = `# comment\nCSRF_KEY=${'k'.repeat(29)}$'"\nCORE_SECRET=core $(touch pwned) secret\nJOBSERVICE_SECRET=job\\secret\n`;

    beforeEach(() => {
      directory = fs.mkdtempSync(join(tmpdir(), 'clusterspec-harbor-'));
    });
    afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

    it('writes the shared values over the random ones in core, jobservice and registryctl, leaves the rest, keeps the modes, then restarts as install.sh does', () => {
      const result = run(SECRETS);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(read('common/config/core/env')).toBe(
        `CONFIG_PATH=/etc/core/app.conf\nCORE_SECRET=core $(touch pwned) secret\nJOBSERVICE_SECRET=job\\secret\nCSRF_KEY=${'k'.repeat(29)}$'"\nPORT=8080\n`,
      );
      expect(read('common/config/jobservice/env')).toBe(
        'CORE_SECRET=core $(touch pwned) secret\nREGISTRY_CONTROLLER_URL=http://registryctl:8080\nJOBSERVICE_SECRET=job\\secret\n',
      );
      expect(read('common/config/registryctl/env')).toBe('CORE_SECRET=core $(touch pwned) secret\nJOBSERVICE_SECRET=job\\secret\n');
      expect(fs.statSync(join(directory, 'common/config/core/env')).mode & 0o777).toBe(0o600);
      expect(fs.existsSync(join(directory, 'pwned'))).toBe(false);
      // No harbor*.tar.gz here, so no docker load; `docker compose version` picks Compose v2.
      expect(read('calls')).toBe('prepare --with-trivy\ndocker compose version\ndocker compose down -v\ndocker compose up -d\n');
    });

    it('two runs (two instances) end with equal secrets, where ./prepare alone gives different ones', () => {
      run(SECRETS);
      const first = read('common/config/core/env');
      run(SECRETS);
      expect(read('common/config/core/env')).toBe(first);
      spawnSync('sh', ['./prepare'], { cwd: directory });
      expect(read('common/config/core/env')).not.toBe(first);
    });

    it('refuses, before ./prepare runs, a CSRF key that is not 32 characters or a missing key', () => {
      const short = run('CSRF_KEY=short\nCORE_SECRET=a\nJOBSERVICE_SECRET=b\n');
      expect(short.status).toBe(1);
      expect(short.stderr).toBe('install-shared: CSRF_KEY in ./shared-secrets.env must be exactly 32 characters\n');
      expect(fs.existsSync(join(directory, 'calls'))).toBe(false);
      const missing = run(`CSRF_KEY=${'k'.repeat(32)}\nCORE_SECRET=a\n`);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toBe('install-shared: JOBSERVICE_SECRET is not set in ./shared-secrets.env\n');
    });
  });
});
