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
import { INSTALL_DIR, logFolder, pythonYaml, registryAuthority } from './common';

const templates = join(__dirname, '../templates/v1');
/** What every Harbor 1.x file of an instance names in its header. */
interface InstanceHeader {
  readonly version: string;
  /** From 1, in spec order. */
  readonly index: number;
  readonly count: number;
  readonly host: string;
}

/** harbor.cfg's settings that differ per site (the rest is the release's sample, kept as written). */
export interface HarborCfg extends InstanceHeader {
  readonly hostname: string;
  readonly protocol: string;
  readonly dbPassword: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly secretkeyPath: string;
  /** off: every instance signs tokens with the one key pair copied from common/templates (see harbor.cfg). */
  readonly customizeCrt: 'on' | 'off';
  readonly adminPassword: string;
}

export interface AdminserverEnv extends InstanceHeader {
  readonly database: { readonly host: string; readonly port: number; readonly user: string };
}

/**
 * `addr,poolsize,password,dbnum` of beego's redis session provider, which Harbor 1.1's ui reads from
 * _REDIS_URL to share sessions between instances; no password means no AUTH.
 */
export interface UiEnv extends InstanceHeader {
  readonly redisSession: { readonly address: string; readonly poolSize: number; readonly password: string; readonly database: number };
}

const V1_READS: readonly SpecPath[] = [
  'spec.harbor.version',
  'spec.harbor.externalURL',
  'spec.harbor.httpPort',
  'spec.harbor.storage.sharedPath',
  'spec.harbor.database',
  'spec.harbor.redis',
  'spec.harbor.adminPassword',
  'spec.hosts[].name',
  'spec.hosts[].roles',
];

export const harborCfgFile = defineArtifact<HarborCfg>({
  id: 'harbor/harbor-cfg',
  pattern: `hosts/*${INSTALL_DIR}/harbor.cfg`,
  description:
    "a Harbor 1.x instance's installer configuration as a two-instance HA site edits it (fixtures/seed-ha): hostname = the balancer's host:port, keys and data on the shared storage, TLS files, the external database's password",
  where: 'harbor hosts, Harbor 1.x',
  reads: V1_READS,
  secretKeys: ['dbPassword', 'adminPassword'],
  consumer: "Harbor 1.x's ./prepare (Python ConfigParser)",
  format: 'ini',
  render: compileTemplate<HarborCfg>(join(templates, 'harbor.cfg.ejs')),
});

export const adminserverEnvFile = defineArtifact<AdminserverEnv>({
  id: 'harbor/adminserver-env',
  pattern: `hosts/*${INSTALL_DIR}/common/templates/adminserver/env`,
  description: "Harbor 1.x adminserver's env template: the external MySQL (or the bundled one) with `RESET=true`",
  where: 'harbor hosts, Harbor 1.x',
  reads: V1_READS,
  secretKeys: [],
  consumer: "Harbor 1.x's ./prepare (Python string.Template), then docker-compose env_file",
  format: 'env',
  render: compileTemplate<AdminserverEnv>(join(templates, 'adminserver.env.ejs')),
});

export const uiEnvFile = defineArtifact<UiEnv>({
  id: 'harbor/ui-env',
  pattern: `hosts/*${INSTALL_DIR}/common/templates/ui/env`,
  description: "Harbor 1.x ui's env template: `_REDIS_URL` sessions shared between instances",
  where: 'harbor hosts, Harbor 1.x',
  reads: V1_READS,
  secretKeys: ['redisSession.password'],
  consumer: "Harbor 1.x's ./prepare (Python string.Template), then docker-compose env_file",
  format: 'env',
  // `_REDIS_URL` is address,pool size,password,database: a comma in the password would shift the fields.
  placeSecret: (value) => (value.includes(',') ? 'contains ",", which separates the fields of _REDIS_URL' : undefined),
  render: compileTemplate<UiEnv>(join(templates, 'ui.env.ejs')),
});

/** docker-compose.yml with the comment lines above it. */
export interface CommentedYaml<D> {
  readonly comment: readonly string[];
  readonly document: D;
}

export const dockerComposeFile = defineArtifact<CommentedYaml<Record<string, unknown>>>({
  id: 'harbor/docker-compose',
  pattern: `hosts/*${INSTALL_DIR}/docker-compose.yml`,
  description:
    "a Harbor 1.x instance's docker-compose.yml: volumes on the shared storage, a log folder per instance, the proxy on `httpPort:80`, no bundled database unless asked",
  where: 'harbor hosts, Harbor 1.x',
  reads: V1_READS,
  secretKeys: [],
  consumer: 'docker-compose (PyYAML, YAML 1.1)',
  format: 'yaml',
  render: ({ comment, document }) => pythonYaml(comment, document),
});

/** How adminserver reaches the bundled mysql service on the compose network. */
const BUNDLED_MYSQL = { host: 'mysql', port: 3306, user: 'root' };

const syslog = (tag: string) => ({ driver: 'syslog', options: { 'syslog-address': 'tcp://127.0.0.1:1514', tag } });

/**
 * The bundled mysql of make/docker-compose.tpl, its files on the shared storage: a second instance's mysql
 * then fails with `InnoDB: Unable to lock ./ibdata1` (harbor-shared-state refuses it; generated only on request).
 */
function bundledDatabase(harbor: HarborModel): Record<string, unknown> {
  return {
    mysql: {
      image: `vmware/harbor-db:v${harbor.version.text}`,
      container_name: 'harbor-db',
      restart: 'always',
      volumes: [`${harbor.storage.dataPath}/database:/var/lib/mysql:z`],
      networks: ['harbor'],
      env_file: ['./common/config/db/env'],
      depends_on: ['log'],
      logging: syslog('mysql'),
    },
  };
}

/**
 * Harbor 1.1's docker-compose.yml (make/docker-compose.tpl of v1.1.x) as an HA site on shared storage edits it:
 * every /data volume on the shared storage, the log folder per instance, the proxy on httpPort and no
 * mysql service unless the spec asks for the bundled database. Only port 80 of the proxy is published: instances serve
 * plain http behind the balancer, and 443/4443 would only hold host ports.
 */
function dockerCompose(harbor: HarborModel, release: HarborRelease, index: number): Record<string, unknown> {
  const data = harbor.storage.dataPath;
  const tag = `v${harbor.version.text}`;
  const images = release.images!;
  return {
    version: '2',
    services: {
      log: {
        image: `vmware/harbor-log:${tag}`,
        container_name: 'harbor-log',
        restart: 'always',
        volumes: [`${logFolder(harbor, index)}/:/var/log/docker/:z`],
        ports: ['127.0.0.1:1514:514'],
        networks: ['harbor'],
      },
      registry: {
        image: images.registry,
        container_name: 'registry',
        restart: 'always',
        volumes: [`${data}/registry:/storage:z`, './common/config/registry/:/etc/registry/:z'],
        networks: ['harbor'],
        environment: ['GODEBUG=netdns=cgo'],
        command: ['serve', '/etc/registry/config.yml'],
        depends_on: ['log'],
        logging: syslog('registry'),
      },
      adminserver: {
        image: `vmware/harbor-adminserver:${tag}`,
        container_name: 'harbor-adminserver',
        env_file: ['./common/config/adminserver/env'],
        restart: 'always',
        volumes: [`${data}/config/:/etc/adminserver/config/:z`, `${data}/secretkey:/etc/adminserver/key:z`, `${data}/:/data/:z`],
        networks: ['harbor'],
        depends_on: ['log'],
        logging: syslog('adminserver'),
      },
      ui: {
        image: `vmware/harbor-ui:${tag}`,
        container_name: 'harbor-ui',
        env_file: ['./common/config/ui/env'],
        restart: 'always',
        volumes: [
          './common/config/ui/app.conf:/etc/ui/app.conf:z',
          './common/config/ui/private_key.pem:/etc/ui/private_key.pem:z',
          `${data}/secretkey:/etc/ui/key:z`,
          `${data}/ca_download/:/etc/ui/ca/:z`,
        ],
        networks: ['harbor'],
        depends_on: ['log', 'adminserver', 'registry'],
        logging: syslog('ui'),
      },
      jobservice: {
        image: `vmware/harbor-jobservice:${tag}`,
        container_name: 'harbor-jobservice',
        env_file: ['./common/config/jobservice/env'],
        restart: 'always',
        volumes: [
          `${data}/job_logs:/var/log/jobs:z`,
          './common/config/jobservice/app.conf:/etc/jobservice/app.conf:z',
          `${data}/secretkey:/etc/jobservice/key:z`,
        ],
        networks: ['harbor'],
        depends_on: ['ui', 'adminserver'],
        logging: syslog('jobservice'),
      },
      proxy: {
        image: images.nginx,
        container_name: 'nginx',
        restart: 'always',
        volumes: ['./common/config/nginx:/etc/nginx:z'],
        networks: ['harbor'],
        ports: [`${harbor.httpPort}:80`],
        depends_on: ['registry', 'ui', 'log'],
        logging: syslog('proxy'),
      },
      ...(harbor.database.embedded ? bundledDatabase(harbor) : {}),
    },
    networks: { harbor: { external: false } },
  };
}

function instanceFiles(harbor: HarborModel, release: HarborRelease, host: Host, index: number): Artifact[] {
  const common = { version: harbor.version.text, index: index + 1, count: harbor.instances.length, host: host.name };
  const file = (path: string) => hostFile(host, `${INSTALL_DIR}/${path}`);
  const harborCfg: HarborCfg = {
    ...common,
    hostname: registryAuthority(harbor),
    protocol: harbor.protocol,
    dbPassword: secretPlaceholder(harbor.database.password),
    certFile: harbor.storage.certFile,
    keyFile: harbor.storage.keyFile,
    secretkeyPath: harbor.storage.dataPath,
    customizeCrt: 'off',
    adminPassword: secretPlaceholder(harbor.adminPassword),
  };
  const compose = {
    comment: [
      GENERATED_NOTICE,
      `Harbor ${harbor.version.text} docker-compose.yml, instance ${index + 1} of ${harbor.instances.length} (${host.name}); data on ${harbor.storage.dataPath}.`,
    ],
    document: dockerCompose(harbor, release, index),
  };
  const redisSession = {
    address: `${harbor.redis.host}:${harbor.redis.port}`,
    poolSize: 100,
    password: harbor.redis.password ? secretPlaceholder(harbor.redis.password) : '',
    database: 0,
  };
  return [
    artifact(harborCfgFile, file('harbor.cfg'), harborCfg),
    artifact(adminserverEnvFile, file('common/templates/adminserver/env'), {
      ...common,
      database: harbor.database.embedded ? BUNDLED_MYSQL : { host: harbor.database.host, port: harbor.database.port, user: harbor.database.user },
    }),
    artifact(uiEnvFile, file('common/templates/ui/env'), { ...common, redisSession }),
    artifact(dockerComposeFile, file('docker-compose.yml'), compose),
  ];
}

/** Harbor 1.1 (the seed site's registry, fixtures/seed-ha): per instance, harbor.cfg, the two env templates and docker-compose.yml. */
export function generateHarborV1(model: ClusterModel): Artifact[] {
  const harbor = model.harbor;
  if (!harbor) return [];
  const release = harbor.release;
  if (release.layout !== 'cfg') return [];
  return harbor.instances.flatMap((host, index) => instanceFiles(harbor, release, host, index));
}
