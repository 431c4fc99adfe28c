import type { RegistryCaCopy } from '@clusterspec/host';
import { carriesSecret, HOST_FIELDS, type Artifact, type Host } from '@clusterspec/spec';
import { componentOf } from './components';
import { CLUSTER_OBJECTS, HOSTS_MERGE, defineDeployFile, DEPLOY_DIR, hostVarsPath, yamlFile } from './layout';
import { SERVICES, serviceOf, unitOf } from './services';

export const hostVarsFile = defineDeployFile(
  'host-vars',
  `${DEPLOY_DIR}/host_vars/*.yml`,
  "the files the playbook installs on one host (every file of `hosts/<host>/`, so made from the fields of each) with owner, group, mode, component tag, the service told when it changes and the consumer's check, secret-bearing ones marked (path shown, content never); the units to enable (its own and those of the services its files configure), the programs, users and groups the pre-flight play looks for; on a Docker host of an https Harbor, the CA file to copy to Docker's certs.d (`clusterspec_registry_cas`)",
  [...HOST_FIELDS, 'spec.harbor.externalURL', 'spec.harbor.caFile', 'spec.docker.hosts'],
);

/** One file the install task places on a host. */
export interface HostFile {
  readonly path: string;
  /** Octal, as a string: YAML 1.1 (Ansible's PyYAML) would read a bare 0644 as 420, YAML 1.2 as 644. */
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
  /** The service told when it changes (services.ts). */
  readonly service: string;
  /** The component it belongs to (`--tags`). */
  readonly tag: string;
  /** Its content is never shown, in a log or a diff: only its path. */
  readonly secret?: true;
  /** The consumer's check of the new file before it replaces the old, `%s` its temporary path (descriptor). */
  readonly check?: readonly string[];
  /** The file whose marked block it is (/etc/hosts for /etc/hosts.d/clusterspec). */
  readonly merge?: string;
  /** The systemd unit a unit file defines, restarted when it changes and enabled. */
  readonly unit?: string;
  /** Where the rendered tree holds it when not under hosts/<host>/ (a cluster/ file the first control-plane host applies). */
  readonly from?: string;
}

/**
 * Whether a file's content must never be shown: its descriptor declares secret keys, or its text holds a
 * placeholder, so a kind of file that forgot to declare its key is still hidden.
 */
export function secretBearing(item: Artifact): boolean {
  return item.descriptor.secretKeys.length > 0 || carriesSecret(item.content);
}

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

/** The file of a host as the install task takes it. */
export function hostFileEntry(item: Artifact, hostPath: string): HostFile {
  const unit = unitOf(hostPath);
  const merge = HOSTS_MERGE.fragment === hostPath ? HOSTS_MERGE.into : undefined;
  return {
    path: hostPath,
    mode: octal(item.mode),
    owner: item.owner,
    group: item.group,
    service: serviceOf(hostPath).id,
    tag: componentOf(item, hostPath),
    ...(secretBearing(item) ? { secret: true as const } : {}),
    ...(item.check ? { check: item.check } : {}),
    ...(merge ? { merge } : {}),
    ...(unit ? { unit } : {}),
  };
}

/** A cluster/ file on the host that applies it: at its CLUSTER_OBJECTS path, read from its place in the rendered tree. */
function clusterObjectEntry(item: Artifact): HostFile {
  const hostPath = CLUSTER_OBJECTS.find((object) => object.from === item.path)?.hostPath;
  if (!hostPath) throw new Error(`internal error: ${item.path} is not a cluster object the playbook applies`);
  return { ...hostFileEntry(item, hostPath), from: item.path };
}

/**
 * What the playbook installs on one host and what it looks for first: every file of hosts/<host>/ (unchecked
 * files first, so a check that names another new file finds it: keepalived's vrrp_script), the units to
 * enable, the programs the services need, the accounts that must own or read files.
 */
export function generateHostVars(
  host: Host,
  artifacts: readonly Artifact[],
  clusterObjects: readonly Artifact[] = [],
  registryCas: readonly RegistryCaCopy[] = [],
): Artifact {
  const prefix = `hosts/${host.name}/`;
  const files = [
    ...artifacts.filter((item) => item.path.startsWith(prefix)).map((item) => hostFileEntry(item, item.path.slice(prefix.length - 1))),
    ...clusterObjects.map((item) => clusterObjectEntry(item)),
  ];
  files.sort((a, b) => Number(a.check !== undefined) - Number(b.check !== undefined));
  const services = new Set(files.map((file) => file.service));
  const programs = new Set([
    ...SERVICES.filter((service) => services.has(service.id)).flatMap((service) => service.programs),
    ...files.flatMap((file) => (file.check ? [file.check[0]] : [])),
  ]);
  const serviceUnits = SERVICES.flatMap((service) =>
    services.has(service.id) && (service.apply.kind === 'restart' || service.apply.kind === 'reload') ? [service.apply.unit] : [],
  );
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
  return yamlFile(
    hostVarsFile,
    hostVarsPath(host.name),
    {
      clusterspec_files: files,
      clusterspec_enable: sorted([...files.flatMap((file) => (file.unit ? [file.unit] : [])), ...serviceUnits]),
      clusterspec_programs: sorted(programs),
      clusterspec_users: sorted(files.map((file) => file.owner)),
      clusterspec_groups: sorted(files.map((file) => file.group)),
      // Docker hosts of an https Harbor: the CA file the host holds, copied where Docker reads it (certs.d).
      ...(registryCas.length > 0 ? { clusterspec_registry_cas: registryCas } : {}),
    },
    [`The files site.yml installs on ${host.name}, from <clusterspec_rendered>/hosts/${host.name}/, and what it looks for first.`],
  );
}
