import { NGINX_TEMPLATE_PATH, nginxTemplateFile } from '@clusterspec/consul';
import {
  dockerComposeFile,
  harborCfgFile,
  harborYmlFile,
  INSTALL_DIR,
  INSTALL_SHARED_SCRIPT,
  installSharedFile,
  SHARED_SECRETS_FILE,
  sharedSecretLines,
  sharedSecretsFile,
  type HarborBalancer,
} from '@clusterspec/harbor';
import { NGINX_CONF_PATH, nginxConfFile } from '@clusterspec/loadbalancer';
import { dataOf, hostFile, type Artifact, type ClusterModel, type HarborModel, type Host } from '@clusterspec/spec';
import { defineRule } from '../rule';

interface InstanceState {
  readonly host: Host;
  readonly artifact: string;
  readonly logFolder?: string;
  /** Where the instance keeps its secret key and data. */
  readonly dataFolder?: string;
  /** Harbor 1.x: whether prepare makes a token key pair of its own on this instance. */
  readonly ownTokenKey: boolean;
  /** Harbor 1.x: the TLS certificate and key every instance must serve alike. */
  readonly certificates: readonly string[];
}

/** What each instance's generated configuration says about its state, for Harbor 1.x and 2.x alike. */
function instanceStates(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): InstanceState[] {
  return (model.harbor?.instances ?? []).flatMap((host): InstanceState[] => {
    const ymlPath = hostFile(host, `${INSTALL_DIR}/harbor.yml`);
    const yml = dataOf(artifacts.get(ymlPath), harborYmlFile);
    if (yml) {
      const config = yml.document as { data_volume?: string; log?: { local?: { location?: string } } };
      return [{ host, artifact: ymlPath, logFolder: config.log?.local?.location, dataFolder: config.data_volume, ownTokenKey: false, certificates: [] }];
    }
    const compose = dataOf(artifacts.get(hostFile(host, `${INSTALL_DIR}/docker-compose.yml`)), dockerComposeFile);
    const cfgPath = hostFile(host, `${INSTALL_DIR}/harbor.cfg`);
    const cfg = dataOf(artifacts.get(cfgPath), harborCfgFile);
    if (!compose || !cfg) return [];
    const services = (compose.document as { services?: Record<string, { volumes?: string[] }> }).services ?? {};
    const logVolume = services.log?.volumes?.find((volume) => volume.includes(':/var/log/docker'));
    return [
      {
        host,
        artifact: cfgPath,
        logFolder: logVolume?.split(':')[0].replace(/\/$/, ''),
        dataFolder: cfg.secretkeyPath,
        ownTokenKey: cfg.customizeCrt === 'on',
        certificates: [cfg.certFile, cfg.keyFile],
      },
    ];
  });
}

/** The Harbor balancer of each balancer host, as its generated nginx config says (nginx.conf, or consul-template's template on an ingress host). */
function harborBalancers(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): HarborBalancer[] {
  return (model.harbor?.loadBalancer.hosts ?? []).flatMap((host) => {
    const balancer =
      dataOf(artifacts.get(hostFile(host, NGINX_CONF_PATH)), nginxConfFile)?.harbor ??
      dataOf(artifacts.get(hostFile(host, NGINX_TEMPLATE_PATH)), nginxTemplateFile)?.statics.harbor;
    return balancer ? [balancer] : [];
  });
}

/** Why a 2.x instance would not run with the site's shared secrets once installed; undefined when it would. */
function sharedSecretsProblem(harbor: HarborModel, artifacts: ReadonlyMap<string, Artifact>, host: Host): string | undefined {
  const env = dataOf(artifacts.get(hostFile(host, SHARED_SECRETS_FILE)), sharedSecretsFile);
  if (env === undefined) return `has no ${SHARED_SECRETS_FILE}`;
  if (!dataOf(artifacts.get(hostFile(host, INSTALL_SHARED_SCRIPT)), installSharedFile))
    return `has no ${INSTALL_SHARED_SCRIPT} to write ${SHARED_SECRETS_FILE} over ./prepare's output`;
  const lines = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  const missing = sharedSecretLines(harbor).filter((line) => !lines.includes(line));
  return missing.length > 0
    ? `has ${missing.map((line) => line.split('=')[0]).join(', ')} in ${SHARED_SECRETS_FILE} other than the spec's (harbor.sharedSecrets)`
    : undefined;
}

const within = (path: string | undefined, folder: string) => path !== undefined && (path === folder || path.startsWith(`${folder}/`));

/** Harbor instances behind one balancer must be one Harbor: same data, database, sessions and keys. */
export const harborSharedState = defineRule({
  id: 'harbor-shared-state',
  description:
    'Several Harbor instances share storage, an external database, Redis sessions, keys and (2.x) the secrets ./prepare draws, or the balancer pins clients; they keep their logs apart.',
  severity: 'error',
  messages: {
    bundledDatabase: `{{count}} Harbor instances would each run the bundled database on {{dataPath}}/database: {{count}} database servers on one set of files corrupt it; use one external database`,
    sharedLogFolder: `Harbor instances {{other}} and {{host}} both log to {{logFolder}}; give each its own folder`,
    dataOffSharedStorage: `Harbor on {{host}} keeps its secret key and data in {{dataFolder}}, not on the shared storage {{sharedPath}}: instances would encrypt and store with different keys`,
    certificateOffSharedStorage: `Harbor on {{host}} reads {{certificate}}, off the shared storage {{sharedPath}}: instances would serve different certificates`,
    unsharedSecrets: `Harbor on {{host}} {{unshared}}, so its ./prepare keeps a CSRF key and core and jobservice secrets of its own, while the balancer sends clients to any instance: requests fail with "CSRF token invalid" (goharbor/harbor#21060); install every instance with the shared secrets, or pin clients to one instance (ip_hash)`,
    ownTokenKey: `Harbor on {{host}} makes a token signing key of its own (customize_crt = on): tokens one instance issues fail on the others`,
  },
  reads: [
    harborYmlFile.pattern,
    harborCfgFile.pattern,
    dockerComposeFile.pattern,
    sharedSecretsFile.pattern,
    installSharedFile.pattern,
    nginxConfFile.pattern,
    nginxTemplateFile.pattern,
  ],
  check({ model, artifacts, report }) {
    const harbor = model.harbor;
    if (!harbor || harbor.instances.length < 2) return;
    const count = harbor.instances.length;
    if (harbor.database.embedded) {
      report({
        field: ['spec', 'harbor', 'database', 'embedded'],
        messageId: 'bundledDatabase',
        data: { count, dataPath: harbor.storage.dataPath },
      });
    }
    const sharedPath = harbor.storage.sharedPath;
    const balancers = harborBalancers(model, artifacts);
    const byLog = new Map<string, Host>();
    for (const state of instanceStates(model, artifacts)) {
      if (state.logFolder) {
        const other = byLog.get(state.logFolder);
        if (other)
          report({
            field: ['spec', 'harbor', 'storage', 'sharedPath'],
            artifact: state.artifact,
            messageId: 'sharedLogFolder',
            data: { other: other.name, host: state.host.name, logFolder: state.logFolder },
          });
        byLog.set(state.logFolder, state.host);
      }
      if (!within(state.dataFolder, sharedPath)) {
        report({
          field: ['spec', 'harbor', 'storage', 'sharedPath'],
          artifact: state.artifact,
          host: state.host.name,
          messageId: 'dataOffSharedStorage',
          data: { host: state.host.name, dataFolder: state.dataFolder ?? 'its default folder', sharedPath },
        });
      }
      for (const certificate of state.certificates.filter((path) => !within(path, sharedPath))) {
        report({
          field: ['spec', 'harbor', 'storage', 'sharedPath'],
          artifact: state.artifact,
          host: state.host.name,
          messageId: 'certificateOffSharedStorage',
          data: { host: state.host.name, certificate, sharedPath },
        });
      }
      const unshared = state.artifact.endsWith('/harbor.yml') ? sharedSecretsProblem(harbor, artifacts, state.host) : undefined;
      if (unshared && !balancers.every((balancer) => balancer.affinity === 'ip_hash')) {
        report({
          field: ['spec', 'harbor', 'sharedSecrets'],
          artifact: state.artifact,
          host: state.host.name,
          messageId: 'unsharedSecrets',
          data: { host: state.host.name, unshared },
        });
      }
      if (state.ownTokenKey) {
        report({
          field: ['spec', 'harbor'],
          artifact: state.artifact,
          host: state.host.name,
          messageId: 'ownTokenKey',
          data: { host: state.host.name },
        });
      }
    }
  },
});
