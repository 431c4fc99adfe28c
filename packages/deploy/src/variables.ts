import { HOST_FIELDS, type Artifact, type ClusterModel } from '@clusterspec/spec';

import { defineDeployFile, GROUP_VARS_PATH, yamlFile } from './layout';

export const groupVarsFile = defineDeployFile(
  'group-vars',
  GROUP_VARS_PATH,
  "the playbook's variables and their defaults (`clusterspec_rendered`, `clusterspec_root`, `clusterspec_stub_services`, the backup folder, the health check's) and `clusterspec_bundle_digest`, the digest of the files it installs, which the rendered tree's stamp must carry",
  // The digest covers every file of hosts/, so every field that places a per-host file.
  ['metadata.name', ...HOST_FIELDS],
);

/**
 * The playbook's variables, with their defaults and what they are for: one table, written as
 * deploy/group_vars/all.yml (the lowest precedence an inventory or `-e` overrides) and read by docs/deploy.md.
 */
export const VARIABLES: readonly { readonly name: string; readonly default?: unknown; readonly why: string }[] = [
  {
    name: 'clusterspec_rendered',
    why: 'required: the folder `clusterspec render <spec> --all --to DIR` wrote, DIR/<cluster>; every file is copied from there, never from out/ (which holds placeholders)',
  },
  { name: 'clusterspec_root', default: '/', why: "where a host's file system starts; a test points it into a temporary folder" },
  {
    name: 'clusterspec_target',
    default: "{{ clusterspec_root | regex_replace('/+$', '') }}",
    why: 'clusterspec_root without its trailing slash, prefixed to every path',
  },
  { name: 'clusterspec_become', default: true, why: 'install as root through become' },
  {
    name: 'clusterspec_backup_dir',
    default: '/var/backups/clusterspec',
    why: "where each file an install replaced is kept (one generation, the file's path below it, folder mode 0700), outside the services' own folders",
  },
  { name: 'clusterspec_stub_services', default: false, why: 'true: handlers only print what they would do (tests, or a machine without the services)' },
  {
    name: 'clusterspec_health_check',
    default: true,
    why: "false before the first `kubeadm init`, when no apiserver answers yet; the URL is each control-plane host's clusterspec_health_url (inventory)",
  },
  { name: 'clusterspec_health_retries', default: 30, why: 'how many times a control-plane host is asked for /healthz before the run stops' },
  { name: 'clusterspec_health_delay', default: 2, why: 'seconds between those attempts' },
];

export function generateGroupVars(model: ClusterModel, digest: string): Artifact {
  const defaults = {
    ...Object.fromEntries(VARIABLES.filter((variable) => variable.default !== undefined).map((variable) => [variable.name, variable.default])),
    clusterspec_bundle_digest: digest,
  };
  const header = [
    `Defaults of ${model.name}'s playbook site.yml; override them in the inventory or with -e.`,
    ...VARIABLES.map((variable) => `${variable.name}: ${variable.why}`),
    'clusterspec_bundle_digest: the digest of the files of hosts/ this folder installs; `clusterspec render` writes the same into its stamp',
  ];
  return yamlFile(groupVarsFile, GROUP_VARS_PATH, defaults, header);
}
