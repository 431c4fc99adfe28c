import { dockerComposeFile, harborCfgFile, harborYmlFile, INSTALL_DIR } from '@clusterspec/harbor';
import { dataOf, hostFile, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
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

const within = (path: string | undefined, folder: string) => path !== undefined && (path === folder || path.startsWith(`${folder}/`));

/** Harbor instances behind one balancer must be one Harbor: same data, database, sessions and keys. */
export const harborSharedState = defineRule({
  id: 'harbor-shared-state',
  description: 'Several Harbor instances share storage, an external database, Redis sessions and keys, and keep their logs apart.',
  severity: 'error',
  reads: [harborYmlFile.pattern, harborCfgFile.pattern, dockerComposeFile.pattern],
  check({ model, artifacts, report }) {
    const harbor = model.harbor;
    if (!harbor || harbor.instances.length < 2) return;
    const count = harbor.instances.length;
    if (harbor.database.embedded) {
      report({
        field: ['spec', 'harbor', 'database', 'embedded'],
        message: `${count} Harbor instances would each run the bundled database on ${harbor.storage.dataPath}/database: ${count} database servers on one set of files corrupt it; use one external database`,
      });
    }
    const sharedPath = harbor.storage.sharedPath;
    const byLog = new Map<string, Host>();
    for (const state of instanceStates(model, artifacts)) {
      if (state.logFolder) {
        const other = byLog.get(state.logFolder);
        if (other) report({ field: ['spec', 'harbor', 'storage', 'sharedPath'], artifact: state.artifact, message: `Harbor instances ${other.name} and ${state.host.name} both log to ${state.logFolder}; give each its own folder` });
        byLog.set(state.logFolder, state.host);
      }
      if (!within(state.dataFolder, sharedPath)) {
        report({ field: ['spec', 'harbor', 'storage', 'sharedPath'], artifact: state.artifact, host: state.host.name, message: `Harbor on ${state.host.name} keeps its secret key and data in ${state.dataFolder ?? 'its default folder'}, not on the shared storage ${sharedPath}: instances would encrypt and store with different keys` });
      }
      for (const certificate of state.certificates.filter((path) => !within(path, sharedPath))) {
        report({ field: ['spec', 'harbor', 'storage', 'sharedPath'], artifact: state.artifact, host: state.host.name, message: `Harbor on ${state.host.name} reads ${certificate}, off the shared storage ${sharedPath}: instances would serve different certificates` });
      }
      if (state.ownTokenKey) {
        report({ field: ['spec', 'harbor'], artifact: state.artifact, host: state.host.name, message: `Harbor on ${state.host.name} makes a token signing key of its own (customize_crt = on): tokens one instance issues fail on the others` });
      }
    }
  },
});
