import type { Artifact, ArtifactDescriptor, ClusterModel } from '@clusterspec/spec';
import { bundleDigest, clusterObjects } from './bundle-digest';
import { generateHostVars, hostVarsFile } from './host-vars';
import { generateInventory, inventoryFile } from './inventory';
import { generatePlaybook, playbookFile } from './playbook';
import { ansibleCfgFile, generatePlugins, installActionFile, installModuleFile } from './plugins';
import { generateGroupVars, groupVarsFile } from './variables';

export { bundleDigest } from './bundle-digest';
export { COMPONENTS, componentOf } from './components';
export {
  ANSIBLE_CFG_PATH,
  CONTROL_PLANE_GROUP,
  DEPLOY_DIR,
  GROUP_VARS_PATH,
  hostVarsPath,
  INSTALL_ACTION_PATH,
  INSTALL_MODULE_PATH,
  INVENTORY_PATH,
  PLAYBOOK_PATH,
  RENDER_STAMP_FILE,
  roleGroup,
} from './layout';
export { generateHostVars, hostFileEntry, hostVarsFile, secretBearing, type HostFile } from './host-vars';
export { generateInventory, inventoryFile } from './inventory';
export { generatePlaybook, playbookFile } from './playbook';
export { ansibleCfgFile, installActionFile, installModuleFile } from './plugins';
export { serviceOf, SERVICES, unitOf, type Service } from './services';
export { generateGroupVars, groupVarsFile, VARIABLES } from './variables';
export type { AnsibleYaml } from './layout';

/** The kinds of file of the deploy folder, for explain, the artifact table (docs/artifacts.md) and render. */
export const deployArtifacts: readonly ArtifactDescriptor[] = [
  inventoryFile,
  playbookFile,
  groupVarsFile,
  hostVarsFile,
  ansibleCfgFile,
  installModuleFile,
  installActionFile,
];

/**
 * out/<cluster>/deploy/: the Ansible inventory, the playbook, its variables' defaults, per host the files it
 * installs, the install plugin and ansible.cfg. Pure: from the model and every other artifact of the site
 * (the hosts/ files).
 */
export function generateDeploy(model: ClusterModel, artifacts: readonly Artifact[]): Artifact[] {
  const byHost = filesByHost(artifacts);
  const objects = clusterObjects(model, artifacts);
  const applier = objects.length > 0 ? model.kubernetes.controlPlaneHosts[0] : undefined;
  return [
    generateInventory(model),
    generatePlaybook(model, artifacts, objects),
    generateGroupVars(model, bundleDigest(model, artifacts)),
    // Each host's own files, grouped once: every host scanning every artifact made 5,000 hosts a minute's work.
    ...model.hosts.map((host) => generateHostVars(host, byHost.get(host.name) ?? [], host === applier ? objects : [])),
    ...generatePlugins(),
  ];
}

/** The artifacts under hosts/<name>/, by host name. */
function filesByHost(artifacts: readonly Artifact[]): Map<string, Artifact[]> {
  const byHost = new Map<string, Artifact[]>();
  for (const item of artifacts) {
    if (!item.path.startsWith('hosts/')) continue;
    const name = item.path.slice('hosts/'.length, item.path.indexOf('/', 'hosts/'.length));
    const files = byHost.get(name);
    if (files) files.push(item);
    else byHost.set(name, [item]);
  }
  return byHost;
}
