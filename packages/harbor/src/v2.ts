import { artifact, defineArtifact, GENERATED_NOTICE, hostFile, secretPlaceholder, type Artifact, type ClusterModel, type HarborModel, type HarborRelease, type Host } from '@clusterspec/spec';
import { INSTALL_DIR, logFolder, pythonYaml } from './common';
import type { CommentedYaml } from './v1';

export const harborYmlFile = defineArtifact<CommentedYaml<Record<string, unknown>>>({
  id: 'harbor/harbor-yml',
  pattern: `hosts/*${INSTALL_DIR}/harbor.yml`,
  description: 'a Harbor 2.x instance\'s harbor.yml: `hostname`, `http.port`, `external_url`, `data_volume` on the shared storage, `log.local.location` per instance, `external_database`, `external_redis`; keys as in the release\'s `harbor.yml.tmpl`',
  where: 'harbor hosts, Harbor 2.x',
  reads: ['spec.harbor.version', 'spec.harbor.externalURL', 'spec.harbor.httpPort', 'spec.harbor.storage.sharedPath', 'spec.harbor.database', 'spec.harbor.redis', 'spec.harbor.adminPassword', 'spec.hosts[].name', 'spec.hosts[].roles'],
  secretKeys: ['document.harbor_admin_password', 'document.database.password', 'document.external_database.harbor.password', 'document.external_redis.password'],
  consumer: "Harbor 2.x's ./prepare (PyYAML, YAML 1.1)",
  format: 'yaml',
  render: ({ comment, document }) => pythonYaml(comment, document),
});

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
  const external = { host: db.host, port: db.port, db_name: DB_NAME, username: db.user, password: secretPlaceholder(db.password), ssl_mode: 'disable', max_idle_conns: DB_MAX_IDLE_CONNS, max_open_conns: DB_MAX_OPEN_CONNS };
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
    `Mount ${harbor.storage.sharedPath} first, then run ./install.sh (it runs ./prepare) in ${INSTALL_DIR}.`,
  ];
  return artifact(harborYmlFile, hostFile(host, `${INSTALL_DIR}/harbor.yml`), { comment, document: harborYml(harbor, release, index) });
}

/** Harbor 2.x: one harbor.yml per instance; ./prepare writes docker-compose.yml and common/config from it. */
export function generateHarborV2(model: ClusterModel): Artifact[] {
  const harbor = model.harbor;
  if (!harbor) return [];
  const release = harbor.release;
  if (release.layout !== 'yml') return [];
  return harbor.instances.map((host, index) => instanceFile(harbor, release, host, index));
}
