import { carriesSecret, HOST_FIELDS, type Artifact, type Host } from '@clusterspec/spec';
import { defineDeployFile, DEPLOY_DIR, hostVarsPath, yamlFile } from './layout';

export const hostVarsFile = defineDeployFile(
  'host-vars',
  `${DEPLOY_DIR}/host_vars/*.yml`,
  'the files the playbook installs on one host (every file of `hosts/<host>/`, so made from the fields of each), grouped by the service told when they change, secret-bearing ones apart (no log, no diff)',
  HOST_FIELDS,
);
import { serviceOf } from './services';

/** The key of a service's list in clusterspec_files / clusterspec_secret_files (a Jinja-friendly name). */
export const filesKey = (serviceId: string) => serviceId.replace(/-/g, '_');

export interface HostFile {
  readonly path: string;
  /** Octal, as a string: YAML 1.1 (Ansible's PyYAML) would read a bare 0644 as 420, YAML 1.2 as 644. */
  readonly mode: string;
  /** The systemd unit a unit file defines, for the restart of exactly the changed units. */
  readonly unit?: string;
}

/**
 * Whether a file's task must hide its values and diffs: its descriptor declares secret keys, or its text
 * holds a placeholder (the test render uses for filling and mode 0600), so a kind of file that forgot to
 * declare its key is still hidden.
 */
export function secretBearing(item: Artifact): boolean {
  let found = secretBearingSeen.get(item);
  if (found === undefined) secretBearingSeen.set(item, (found = item.descriptor.secretKeys.length > 0 || carriesSecret(item.content)));
  return found;
}

/** The playbook and the host's variables both ask of every file: its text is searched once (5,000 hosts are 75,000 files). */
const secretBearingSeen = new WeakMap<Artifact, boolean>();

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

/**
 * What the playbook installs on one host: every file of hosts/<host>/ by the service that must be told
 * when it changes, those that carry a secret apart (their task hides values and diffs).
 */
export function generateHostVars(host: Host, artifacts: readonly Artifact[]): Artifact {
  const prefix = `hosts/${host.name}/`;
  const files: Record<string, HostFile[]> = {};
  const secretFiles: Record<string, HostFile[]> = {};
  for (const item of artifacts) {
    if (!item.path.startsWith(prefix)) continue;
    const path = item.path.slice(prefix.length - 1);
    const service = serviceOf(path);
    const entry: HostFile = { path, mode: octal(item.mode), ...(service.id === 'units' ? { unit: path.slice(path.lastIndexOf('/') + 1) } : {}) };
    const lists = secretBearing(item) ? secretFiles : files;
    (lists[filesKey(service.id)] ??= []).push(entry);
  }
  return yamlFile(hostVarsFile, hostVarsPath(host.name), { clusterspec_files: files, clusterspec_secret_files: secretFiles }, [
    `The files site.yml installs on ${host.name}, from <clusterspec_rendered>/hosts/${host.name}/.`,
  ]);
}
