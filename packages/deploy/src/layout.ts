import { HOSTS_FRAGMENT_PATH } from '@clusterspec/host';
import { KUBE_PROXY_CONFIGMAP_PATH } from '@clusterspec/kubernetes';
import { artifact, defineArtifact, GENERATED_NOTICE, type Artifact, type ArtifactDescriptor, type SpecPath } from '@clusterspec/spec';
import { stringify } from 'yaml';

/** The deploy folder inside out/<cluster>/ and its files. */
export const DEPLOY_DIR = 'deploy';
export const INVENTORY_PATH = `${DEPLOY_DIR}/inventory.yml`;
export const PLAYBOOK_PATH = `${DEPLOY_DIR}/site.yml`;
export const GROUP_VARS_PATH = `${DEPLOY_DIR}/group_vars/all.yml`;
/** Read by ansible-playbook from the current folder: `cd deploy` first (Ansible ignores it in a world-writable folder). */
export const ANSIBLE_CFG_PATH = `${DEPLOY_DIR}/ansible.cfg`;
/**
 * The install task's plugin as a collection beside the playbook (Ansible loads `collections/` next to the
 * playbook), so the task names it by its full name, `clusterspec.deploy.install`, as ansible-lint's
 * production profile asks (fqcn).
 */
export const COLLECTION_DIR = `${DEPLOY_DIR}/collections/ansible_collections/clusterspec/deploy`;
export const INSTALL_MODULE_PATH = `${COLLECTION_DIR}/plugins/modules/install.py`;
export const INSTALL_ACTION_PATH = `${COLLECTION_DIR}/plugins/action/install.py`;
export const INSTALL_ACTION = 'clusterspec.deploy.install';
/**
 * The stamp `clusterspec render` writes into DIR/<cluster>/: the digest of the files it rendered (as generate
 * made them, placeholders unfilled) and when. The playbook refuses a tree whose digest is not its own.
 */
export const RENDER_STAMP_FILE = '.clusterspec-render.json';
/**
 * Files of cluster/ the playbook applies with kubectl from the first control-plane host, once every node has its
 * files (kube-proxy's ConfigMap: in per-node mode it points every kube-proxy at its node's proxy, which must run
 * first). Each is installed there at `hostPath`, and applied (then `restart`ed) when it changed, once the cluster
 * exists (admin.conf). `kubectl apply` merges: the keys kubeadm wrote that the file does not name stay.
 */
export const CLUSTER_OBJECTS: readonly { readonly from: string; readonly hostPath: string; readonly restart: readonly string[] }[] = [
  {
    from: KUBE_PROXY_CONFIGMAP_PATH,
    hostPath: '/etc/kubernetes/clusterspec/kube-proxy-configmap.yaml',
    restart: ['-n', 'kube-system', 'rollout', 'restart', 'daemonset/kube-proxy'],
  },
];

/** The fragment of /etc/hosts the install merges into /etc/hosts as a marked block (re-merged when it changes). */
export const HOSTS_MERGE = { fragment: HOSTS_FRAGMENT_PATH, into: '/etc/hosts' } as const;
/** Per host: the files to install, beside the playbook (Ansible loads host_vars/ next to the playbook). */
export const hostVarsPath = (hostName: string) => `${DEPLOY_DIR}/host_vars/${hostName}.yml`;

/** The group of hosts with a role: Ansible group names are Python identifiers, so `-` becomes `_`. */
export const roleGroup = (role: string) => role.replace(/-/g, '_');
export const CONTROL_PLANE_GROUP = roleGroup('control-plane');

/** A YAML file of the deploy folder as data: its comment lines (the notice first) and the document. */
export interface AnsibleYaml {
  readonly comments: readonly string[];
  readonly document: unknown;
}

/** As ansible-lint's yamllint settings want it: `---`, the comments, the document, no line folding. */
export function renderAnsibleYaml(data: AnsibleYaml): string {
  const comments = data.comments.map((line) => (line ? `# ${line}` : '#')).join('\n');
  return `---\n${comments}\n${stringify(data.document, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** Declares one kind of file of the deploy folder: YAML, read by ansible-playbook, no secret ever. */
export function defineDeployFile(id: string, pattern: string, description: string, reads: readonly SpecPath[]): ArtifactDescriptor<AnsibleYaml> {
  return defineArtifact<AnsibleYaml>({
    id: `deploy/${id}`,
    pattern,
    description,
    where: 'the cluster',
    reads,
    secretKeys: [],
    consumer: 'ansible-playbook',
    format: 'yaml',
    render: renderAnsibleYaml,
  });
}

/** The artifact of a deploy descriptor: the notice and the header lines as comments above the document. */
export function yamlFile(descriptor: ArtifactDescriptor<AnsibleYaml>, path: string, document: unknown, header: readonly string[] = []): Artifact<AnsibleYaml> {
  return artifact(descriptor, path, { comments: [GENERATED_NOTICE, ...header], document });
}
