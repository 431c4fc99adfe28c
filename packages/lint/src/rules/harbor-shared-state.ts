import { INSTALL_DIR } from '@clusterspec/harbor';
import type { Artifact, ClusterModel, Host } from '@clusterspec/spec';
import { parse } from 'yaml';
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
    const yml = artifacts.get(`hosts/${host.name}${INSTALL_DIR}/harbor.yml`);
    if (yml) {
      const config = parse(yml.content) as { data_volume?: string; log?: { local?: { location?: string } } };
      return [{ host, artifact: yml.path, logFolder: config.log?.local?.location, dataFolder: config.data_volume, ownTokenKey: false, certificates: [] }];
    }
    const compose = artifacts.get(`hosts/${host.name}${INSTALL_DIR}/docker-compose.yml`);
    const cfg = artifacts.get(`hosts/${host.name}${INSTALL_DIR}/harbor.cfg`);
    if (!compose || !cfg) return [];
    const services = (parse(compose.content) as { services?: Record<string, { volumes?: string[] }> }).services ?? {};
    const logVolume = services.log?.volumes?.find((volume) => volume.includes(':/var/log/docker'));
    return [
      {
        host,
        artifact: cfg.path,
        logFolder: logVolume?.split(':')[0].replace(/\/$/, ''),
        dataFolder: /^secretkey_path\s*=\s*(\S+)/m.exec(cfg.content)?.[1],
        ownTokenKey: /^customize_crt\s*=\s*on/m.test(cfg.content),
        certificates: [...cfg.content.matchAll(/^ssl_cert(?:_key)?\s*=\s*(\S+)/gm)].map((match) => match[1]),
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
  reads: ['hosts/*/opt/harbor/harbor.yml', 'hosts/*/opt/harbor/harbor.cfg', 'hosts/*/opt/harbor/docker-compose.yml'],
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
