import {
  artifact,
  compileTemplate,
  defineArtifact,
  GENERATED_NOTICE,
  hostFile,
  secretPlaceholder,
  type Artifact,
  type ClusterModel,
  type HarborModel,
  type HarborRelease,
  type Host,
  type SpecPath,
} from '@clusterspec/spec';
import { join } from 'node:path';
import { INSTALL_DIR, logFolder, pythonYaml } from './common';
import type { CommentedYaml } from './v1';

export const harborYmlFile = defineArtifact<CommentedYaml<Record<string, unknown>>>({
  id: 'harbor/harbor-yml',
  pattern: `hosts/*${INSTALL_DIR}/harbor.yml`,
  description:
    "a Harbor 2.x instance's harbor.yml: `hostname`, `http.port`, `external_url`, `data_volume` on the shared storage, `log.local.location` per instance, `external_database`, `external_redis`; keys as in the release's `harbor.yml.tmpl`",
  where: 'harbor hosts, Harbor 2.x',
  reads: [
    'spec.harbor.version',
    'spec.harbor.externalURL',
    'spec.harbor.httpPort',
    'spec.harbor.storage.sharedPath',
    'spec.harbor.database',
    'spec.harbor.redis',
    'spec.harbor.adminPassword',
    'spec.hosts[].name',
    'spec.hosts[].roles',
  ],
  secretKeys: [
    'document.harbor_admin_password',
    'document.database.password',
    'document.external_database.harbor.password',
    'document.external_redis.password',
  ],
  consumer: "Harbor 2.x's ./prepare (PyYAML, YAML 1.1)",
  format: 'yaml',
  render: ({ comment, document }) => pythonYaml(comment, document),
});

/** What every instance must share, read by install-shared.sh. */
export const SHARED_SECRETS_FILE = `${INSTALL_DIR}/shared-secrets.env`;
/** install.sh's steps with the shared secrets written over ./prepare's random ones. */
export const INSTALL_SHARED_SCRIPT = `${INSTALL_DIR}/install-shared.sh`;

/**
 * The env keys ./prepare fills with a fresh random value on every run (2.0 to 2.15), which instances
 * behind one balancer must agree on: core checks CSRF tokens with CSRF_KEY, and core, jobservice and
 * registryctl authenticate each other with CORE_SECRET and JOBSERVICE_SECRET. Values are placeholders.
 */
export interface SharedSecrets {
  readonly CSRF_KEY: string;
  readonly CORE_SECRET: string;
  readonly JOBSERVICE_SECRET: string;
}

/** install-shared.sh's header: which instance of how many. */
export interface InstallShared {
  readonly version: string;
  readonly instance: number;
  readonly count: number;
  readonly hostName: string;
  readonly installDir: string;
}

const V2_SHARED_READS: readonly SpecPath[] = ['spec.harbor.version', 'spec.harbor.sharedSecrets', 'spec.hosts[].name', 'spec.hosts[].roles'];

/**
 * Harbor's core uses CSRF_KEY only when it is exactly 32 bytes (gorilla/csrf's key; goharbor/harbor
 * src/server/middleware/csrf/csrf.go draws a random one otherwise, and ./prepare draws 32 characters).
 */
const HARBOR_CSRF_KEY_BYTES = 32;

export const sharedSecretsFile = defineArtifact<SharedSecrets>({
  id: 'harbor/shared-secrets',
  pattern: `hosts/*${SHARED_SECRETS_FILE}`,
  description:
    'what every Harbor 2.x instance must share and `./prepare` would draw at random for each: `CSRF_KEY`, `CORE_SECRET`, `JOBSERVICE_SECRET` (placeholders of `harbor.sharedSecrets`, goharbor/harbor#21060)',
  where: 'harbor hosts, Harbor 2.x',
  reads: V2_SHARED_READS,
  secretKeys: ['CSRF_KEY', 'CORE_SECRET', 'JOBSERVICE_SECRET'],
  consumer: 'install-shared.sh (awk)',
  format: 'env',
  placeSecret: (value, key) =>
    key === 'CSRF_KEY' && Buffer.byteLength(value) !== HARBOR_CSRF_KEY_BYTES
      ? `is ${Buffer.byteLength(value)} bytes long, and Harbor's core takes a CSRF_KEY of exactly ${HARBOR_CSRF_KEY_BYTES} (any other length is replaced by a random key per instance, so instances behind one balancer disagree)`
      : undefined,
  render: (data) =>
    `# ${GENERATED_NOTICE}\n# What every Harbor instance of the site shares; install-shared.sh writes it over what ./prepare drew.\n${Object.entries(data)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')}\n`,
});

export const installSharedFile = defineArtifact<InstallShared>({
  id: 'harbor/install-shared',
  pattern: `hosts/*${INSTALL_SHARED_SCRIPT}`,
  description:
    "install.sh's steps for a Harbor 2.x instance, with the values of shared-secrets.env written over the random ones `./prepare` put in `common/config/{core,jobservice,registryctl}/env`",
  where: 'harbor hosts, Harbor 2.x',
  reads: V2_SHARED_READS,
  secretKeys: [],
  consumer: 'sh, run by the operator instead of ./install.sh',
  format: 'shell',
  mode: 0o755,
  render: compileTemplate<InstallShared>(join(__dirname, '../templates/v2/install-shared.sh.ejs')),
});

/** The shared secrets of the site, as placeholders, in the order install-shared.sh checks them. */
export function sharedSecrets(harbor: HarborModel): SharedSecrets {
  const { csrfKey, coreSecret, jobserviceSecret } = harbor.sharedSecrets;
  return { CSRF_KEY: secretPlaceholder(csrfKey), CORE_SECRET: secretPlaceholder(coreSecret), JOBSERVICE_SECRET: secretPlaceholder(jobserviceSecret) };
}

/** The KEY=value lines of the shared secrets. */
export function sharedSecretLines(harbor: HarborModel): string[] {
  return Object.entries(sharedSecrets(harbor)).map(([key, value]) => `${key}=${value}`);
}

/** Harbor's own defaults for an external database (harbor.yml.tmpl's sample; prepare falls back to them too). */
const DB_MAX_IDLE_CONNS = 2;
const DB_MAX_OPEN_CONNS = 0;
/** Harbor's database on the external server; Harbor's bundled database uses the same name. */
const DB_NAME = 'registry';

function externalRedis(harbor: HarborModel, release: HarborRelease): Record<string, unknown> {
  const { host, port, password } = harbor.redis;
  const address = release.redisHostWithPort ? { host: `${host}:${port}` } : { host, port };
  return { ...address, password: password ? secretPlaceholder(password) : '', ...release.redisDbIndexes };
}

/** Harbor.yml.tmpl's defaults for the bundled database. */
const BUNDLED_DB_MAX_IDLE_CONNS = 100;
const BUNDLED_DB_MAX_OPEN_CONNS = 900;

/** external_database, or the bundled `database` whose files then live under data_volume, on the shared storage. */
function database(harbor: HarborModel): Record<string, unknown> {
  const db = harbor.database;
  if (db.embedded) {
    return { database: { password: secretPlaceholder(db.password), max_idle_conns: BUNDLED_DB_MAX_IDLE_CONNS, max_open_conns: BUNDLED_DB_MAX_OPEN_CONNS } };
  }
  const external = {
    host: db.host,
    port: db.port,
    db_name: DB_NAME,
    username: db.user,
    password: secretPlaceholder(db.password),
    ssl_mode: 'disable',
    max_idle_conns: DB_MAX_IDLE_CONNS,
    max_open_conns: DB_MAX_OPEN_CONNS,
  };
  return { external_database: { harbor: external } };
}

/**
 * harbor.yml of one instance, key for key in the order of that release's make/harbor.yml.tmpl. No
 * `https`: the balancer terminates TLS and instances serve http on httpPort (Harbor's nginx passes the
 * balancer's X-Forwarded-Proto on). `database` only when the spec asks for the bundled one.
 */
export function harborYml(harbor: HarborModel, release: HarborRelease, index: number): Record<string, unknown> {
  const optional = (key: string, value: unknown) => (value === undefined ? {} : { [key]: value });
  return {
    hostname: harbor.endpoint.host,
    http: { port: harbor.httpPort },
    external_url: harbor.externalURL,
    harbor_admin_password: secretPlaceholder(harbor.adminPassword),
    data_volume: harbor.storage.dataPath,
    ...optional('clair', release.clair),
    trivy: release.trivy,
    jobservice: release.jobservice,
    notification: release.notification,
    ...optional('chart', release.chart),
    log: { level: 'info', local: { rotate_count: 50, rotate_size: '200M', location: logFolder(harbor, index) } },
    _version: release.configVersion,
    ...database(harbor),
    external_redis: externalRedis(harbor, release),
    proxy: { http_proxy: null, https_proxy: null, no_proxy: null, components: release.proxyComponents },
    ...optional('upload_purging', release.uploadPurging),
    ...optional('cache', release.cache),
  };
}

function instanceFile(harbor: HarborModel, release: HarborRelease, host: Host, index: number): Artifact {
  const comment = [
    GENERATED_NOTICE,
    `Harbor ${harbor.version.text} harbor.yml, instance ${index + 1} of ${harbor.instances.length} (${host.name}), keys as in harbor.yml.tmpl of v${harbor.version.text}.`,
    `Mount ${harbor.storage.sharedPath} first, then run ./install-shared.sh (install.sh's steps, with the secrets of shared-secrets.env) in ${INSTALL_DIR}.`,
  ];
  return artifact(harborYmlFile, hostFile(host, `${INSTALL_DIR}/harbor.yml`), { comment, document: harborYml(harbor, release, index) });
}

/** Harbor 2.x: one harbor.yml per instance; ./prepare writes docker-compose.yml and common/config from it. */
export function generateHarborV2(model: ClusterModel): Artifact[] {
  const harbor = model.harbor;
  if (!harbor) return [];
  const release = harbor.release;
  if (release.layout !== 'yml') return [];
  return harbor.instances.flatMap((host, index) => [
    instanceFile(harbor, release, host, index),
    artifact(sharedSecretsFile, hostFile(host, SHARED_SECRETS_FILE), sharedSecrets(harbor)),
    artifact(installSharedFile, hostFile(host, INSTALL_SHARED_SCRIPT), {
      version: harbor.version.text,
      instance: index + 1,
      count: harbor.instances.length,
      hostName: host.name,
      installDir: INSTALL_DIR,
    }),
  ]);
}
