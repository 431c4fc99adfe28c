import { artifact, defineArtifact, GENERATED_NOTICE, type Artifact } from '@clusterspec/spec';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANSIBLE_CFG_PATH, INSTALL_ACTION_PATH, INSTALL_MODULE_PATH } from './layout';

/** A Python file of the install plugin, kept verbatim in templates/ and read when first rendered. */
function pythonFile(name: string) {
  let text: string | undefined;
  return () => {
    text ??= readFileSync(join(__dirname, '../templates', name), 'utf8');
    // After a shebang line, if any: the notice is the file's first comment.
    return text.startsWith('#!') ? text.replace('\n', `\n# ${GENERATED_NOTICE}\n`) : `# ${GENERATED_NOTICE}\n${text}`;
  };
}

export const installModuleFile = defineArtifact<null>({
  id: 'deploy/install-module',
  pattern: INSTALL_MODULE_PATH,
  description:
    'the module `clusterspec.deploy.install` runs on each host: every file of the host in one call, compared by content, owner, group and mode; what differs is staged beside the real file, checked by its program (`nginx -t -c`, `keepalived --config-test`, `consul validate`, `containerd config dump`), and only when every check passed the old files are kept under the backup folder and the new ones renamed in place; `/etc/hosts.d/clusterspec` merged into `/etc/hosts` as a marked block; in check mode, what would change, secret files by path only',
  where: 'the cluster',
  // The same file on every site: only its folder, out/<metadata.name>, depends on the spec.
  reads: ['metadata.name'],
  secretKeys: [],
  consumer: 'ansible-playbook (on the hosts: Python 3)',
  format: 'python',
  render: pythonFile('install_module.py'),
});

export const installActionFile = defineArtifact<null>({
  id: 'deploy/install-action',
  pattern: INSTALL_ACTION_PATH,
  description:
    "the controller side of `clusterspec.deploy.install`: reads a host's files from the rendered tree (no link followed, size-bounded, refused while a secret placeholder is left), keeps those of the components `--tags` asks for, and sends them in one module call whose arguments never reach a log",
  where: 'the cluster',
  reads: ['metadata.name'],
  secretKeys: [],
  consumer: 'ansible-playbook (on the controller)',
  format: 'python',
  render: pythonFile('install_action.py'),
});

export const ansibleCfgFile = defineArtifact<null>({
  id: 'deploy/ansible-cfg',
  pattern: ANSIBLE_CFG_PATH,
  description:
    "Ansible's settings for this folder (read when ansible-playbook runs from it): the inventory, SSH pipelining and connection reuse (one round trip per module), forks, no fact gathering, no retry files",
  where: 'the cluster',
  reads: ['metadata.name'],
  secretKeys: [],
  consumer: 'ansible-playbook, run from out/<cluster>/deploy',
  format: 'ini',
  render: () =>
    [
      `# ${GENERATED_NOTICE}`,
      '# Read by ansible-playbook when run from this folder. Your own settings (ansible_user, keys, a bastion, management',
      '# addresses) go in an inventory of yours beside the spec, given as a second -i: -i inventory.yml -i inventory.local.yml',
      '[defaults]',
      'inventory = inventory.yml',
      'forks = 25',
      'gathering = explicit',
      'retry_files_enabled = False',
      'interpreter_python = auto_silent',
      '',
      '[ssh_connection]',
      '# The module runs through the SSH session itself instead of a copied file: one round trip per task and host',
      '# (sudo must not require a tty, as on Debian and RHEL today).',
      'pipelining = True',
      'ssh_args = -o ControlMaster=auto -o ControlPersist=120s',
      '',
    ].join('\n'),
});

export function generatePlugins(): Artifact[] {
  return [
    artifact(installModuleFile, INSTALL_MODULE_PATH, null),
    artifact(installActionFile, INSTALL_ACTION_PATH, null),
    artifact(ansibleCfgFile, ANSIBLE_CFG_PATH, null),
  ];
}
