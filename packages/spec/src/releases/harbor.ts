import { releaseTable } from './table';

/**
 * Everything about Harbor that changes what we write with its version, checked against goharbor/harbor
 * at the tags named in the rows (make/harbor.cfg, make/common/templates, make/docker-compose.tpl for 1.1;
 * make/harbor.yml.tmpl and make/photon/prepare/utils/configs.py for 2.x).
 */
export interface HarborRelease {
  /**
   * cfg: harbor.cfg + common/templates/<component>/env + docker-compose.yml, rendered by ./prepare (1.1);
   * yml: harbor.yml, from which ./prepare writes every other file, docker-compose.yml included (2.x).
   */
  readonly layout: 'cfg' | 'yml';
  /** 1.1: image tags of docker-compose.yml (the installer's Makefile pins registry and nginx). */
  readonly images?: { readonly registry: string; readonly nginx: string };
  /** 2.x: `_version` of that release's harbor.yml.tmpl (the migrator reads it). */
  readonly configVersion?: string;
  /** 2.0 gave external_redis a separate `port`; 2.1 on, `host` is host:port. */
  readonly redisHostWithPort?: boolean;
  /** external_redis database indexes, as the template lists them (core always uses 0). */
  readonly redisDbIndexes?: Readonly<Record<string, number>>;
  /** Uncommented sections of harbor.yml.tmpl whose values we keep as Harbor ships them, in template order. */
  readonly clair?: Readonly<Record<string, unknown>>;
  readonly trivy?: Readonly<Record<string, unknown>>;
  readonly jobservice?: Readonly<Record<string, unknown>>;
  readonly notification?: Readonly<Record<string, unknown>>;
  readonly chart?: Readonly<Record<string, unknown>>;
  readonly proxyComponents?: readonly string[];
  readonly uploadPurging?: Readonly<Record<string, unknown>>;
  readonly cache?: Readonly<Record<string, unknown>>;
  /**
   * How many minor releases back this release's upgrade guide migrates from (goharbor.io/docs/<version>/
   * administration/upgrade: "only covers migration from v2.(N-2).0 and later" from 2.6 on). Undefined: this
   * release's guide starts from a release clusterspec does not write (1.10.x for 2.0 and 2.1), or, for 1.1,
   * only patch releases of the same minor are upgrades clusterspec plans.
   */
  readonly upgradeMinorsBack?: number;
  /** The image whose `migrate` command rewrites harbor.yml for this release (2.x: goharbor/prepare:v<version>). */
  readonly migratorImage?: string;
}

const TRIVY_2_0 = { ignore_unfixed: false, skip_update: false, insecure: false };
const TRIVY_2_4_2 = { ignore_unfixed: false, skip_update: false, offline_scan: false, insecure: false };
const TRIVY_2_6_2 = { ignore_unfixed: false, skip_update: false, offline_scan: false, security_check: 'vuln', insecure: false };
const TRIVY_2_9_3 = { ignore_unfixed: false, skip_update: false, skip_java_db_update: false, offline_scan: false, security_check: 'vuln', insecure: false };
const TRIVY_2_11 = {
  ignore_unfixed: false,
  skip_update: false,
  skip_java_db_update: false,
  offline_scan: false,
  security_check: 'vuln',
  insecure: false,
  timeout: '5m0s',
};
const TRIVY_2_15 = {
  ignore_unfixed: false,
  skip_update: false,
  skip_java_db_update: false,
  db_repository: 'ghcr.io/aquasecurity/trivy-db',
  java_db_repository: 'ghcr.io/aquasecurity/trivy-java-db',
  offline_scan: false,
  security_check: 'vuln',
  insecure: false,
  timeout: '5m0s',
};

/**
 * Harbor's history: each row changes what the rows before it said, from the version it names on.
 * Versions outside the supported ranges are refused: their files were not checked.
 */
export const HARBOR_RELEASES = releaseTable<HarborRelease>({
  program: 'Harbor',
  rows: [
    {
      since: [1, 1, 0],
      why: 'v1.1.0: harbor.cfg read by ./prepare, which renders common/templates/*/env with string.Template; adminserver loads its env when RESET=true',
      layout: 'cfg',
      images: { registry: 'vmware/registry:photon-2.6.0', nginx: 'vmware/nginx:1.11.5-patched' },
    },
    {
      since: [1, 1, 2],
      why: 'v1.1.2: registry image vmware/registry:2.6.1-photon',
      images: { registry: 'vmware/registry:2.6.1-photon', nginx: 'vmware/nginx:1.11.5-patched' },
    },
    {
      since: [2, 0, 0],
      why: 'v2.0.0: harbor.yml with external_database and external_redis (host and port apart); Clair and ChartMuseum optional',
      layout: 'yml',
      images: undefined,
      configVersion: '2.0.0',
      redisHostWithPort: false,
      redisDbIndexes: { registry_db_index: 1, jobservice_db_index: 2, chartmuseum_db_index: 3, clair_db_index: 4, trivy_db_index: 5, idle_timeout_seconds: 30 },
      clair: { updaters_interval: 12 },
      trivy: TRIVY_2_0,
      jobservice: { max_job_workers: 10 },
      notification: { webhook_job_max_retry: 10 },
      chart: { absolute_url: 'disabled' },
      proxyComponents: ['core', 'jobservice', 'clair', 'trivy'],
      migratorImage: 'goharbor/prepare',
    },
    { since: [2, 1, 0], why: 'v2.1.0: external_redis.host is host:port (redis+sentinel support); _version stays 2.0.0', redisHostWithPort: true },
    {
      since: [2, 2, 0],
      why: "v2.2.0: Clair removed (clair section, clair_db_index, proxy component); upgrades to 2.2–2.5 planned one minor at a time (their guides' starting releases not checked)",
      upgradeMinorsBack: 1,
      configVersion: '2.2.0',
      clair: undefined,
      redisDbIndexes: { registry_db_index: 1, jobservice_db_index: 2, chartmuseum_db_index: 3, trivy_db_index: 5, idle_timeout_seconds: 30 },
      proxyComponents: ['core', 'jobservice', 'trivy'],
    },
    { since: [2, 3, 0], why: 'v2.3.0: template version only', configVersion: '2.3.0' },
    { since: [2, 4, 0], why: 'v2.4.0: template version only', configVersion: '2.4.0' },
    { since: [2, 4, 2], why: 'v2.4.2: trivy.offline_scan', trivy: TRIVY_2_4_2 },
    { since: [2, 5, 0], why: 'v2.5.0: upload_purging', configVersion: '2.5.0', uploadPurging: { enabled: true, age: '168h', interval: '24h', dryrun: false } },
    {
      since: [2, 6, 0],
      why: 'v2.6.0: cache layer section (must be alike on every instance); the upgrade guide migrates from v2.4.0 on, two minors back (goharbor.io/docs/2.6.0/administration/upgrade, alike for 2.8, 2.10, 2.12)',
      configVersion: '2.6.0',
      cache: { enabled: false, expire_hours: 24 },
      upgradeMinorsBack: 2,
    },
    { since: [2, 6, 2], why: 'v2.6.2: trivy.security_check', trivy: TRIVY_2_6_2 },
    { since: [2, 7, 0], why: 'v2.7.0: template version only (database.conn_max_* concern the bundled database)', configVersion: '2.7.0' },
    {
      since: [2, 8, 0],
      why: 'v2.8.0: ChartMuseum removed (chart section, chartmuseum_db_index); prepare requires jobservice.logger_sweeper_duration and notification.webhook_job_http_client_timeout',
      configVersion: '2.8.0',
      chart: undefined,
      redisDbIndexes: { registry_db_index: 1, jobservice_db_index: 2, trivy_db_index: 5, idle_timeout_seconds: 30 },
      jobservice: { max_job_workers: 10, logger_sweeper_duration: 1 },
      notification: { webhook_job_max_retry: 3, webhook_job_http_client_timeout: 3 },
    },
    {
      since: [2, 9, 0],
      why: 'v2.9.0: prepare requires jobservice.job_loggers; Notary removed',
      configVersion: '2.9.0',
      jobservice: { max_job_workers: 10, job_loggers: ['STD_OUTPUT', 'FILE'], logger_sweeper_duration: 1 },
    },
    { since: [2, 9, 3], why: 'v2.9.3: trivy.skip_java_db_update', trivy: TRIVY_2_9_3 },
    { since: [2, 10, 0], why: 'v2.10.0: trivy.skip_java_db_update missing from the template again', configVersion: '2.10.0', trivy: TRIVY_2_6_2 },
    { since: [2, 10, 1], why: 'v2.10.1: trivy.skip_java_db_update back', trivy: TRIVY_2_9_3 },
    { since: [2, 11, 0], why: 'v2.11.0: trivy.skip_java_db_update, trivy.timeout', configVersion: '2.11.0', trivy: TRIVY_2_11 },
    { since: [2, 12, 0], why: 'v2.12.0: template version only', configVersion: '2.12.0' },
    {
      since: [2, 13, 0],
      why: 'v2.13.0: jobservice.max_job_duration_hours',
      configVersion: '2.13.0',
      jobservice: { max_job_workers: 10, max_job_duration_hours: 24, job_loggers: ['STD_OUTPUT', 'FILE'], logger_sweeper_duration: 1 },
    },
    { since: [2, 14, 0], why: 'v2.14.0: template version only', configVersion: '2.14.0' },
    { since: [2, 15, 0], why: 'v2.15.0: trivy.db_repository, trivy.java_db_repository', configVersion: '2.15.0', trivy: TRIVY_2_15 },
  ],
  supported: [
    { from: [1, 1], to: [1, 1] },
    { from: [2, 0], to: [2, 15] },
  ],
  unsupported: (version, supportedText) => ({
    message: `Harbor ${version.text} is not supported`,
    hint: `use Harbor ${supportedText}: only their configuration files were checked`,
  }),
});
