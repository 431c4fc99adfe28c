import { formatFieldPath, SpecError, type ClusterModel, type FieldPath, type HarborModel } from '@clusterspec/spec';
import { stringify } from 'yaml';
import { harborRelease, SUPPORTED_TEXT, type HarborRelease } from './versions';

/** The installer folder on every instance: the offline installer is unpacked here. */
export const INSTALL_DIR = '/opt/harbor';

function refuse(model: ClusterModel, path: FieldPath, message: string, hint: string): never {
  throw new SpecError([{ ...model.locate(path), field: formatFieldPath(path), message, hint }]);
}

/** The release of the spec's Harbor; refuses (as a spec error, with its position) what was not checked. */
export function requireRelease(model: ClusterModel, harbor: HarborModel): HarborRelease {
  const release = harborRelease(harbor.version);
  if (!release) {
    refuse(model, ['spec', 'harbor', 'version'], `Harbor ${harbor.version.text} is not supported`, `use Harbor ${SUPPORTED_TEXT}: only their configuration files were checked`);
  }
  if (release.layout === 'cfg' && harbor.protocol === 'https') {
    refuse(
      model,
      ['spec', 'harbor', 'externalURL'],
      `Harbor ${harbor.version.text} cannot sit behind a load balancer that terminates TLS`,
      'Harbor 1.1 derives its token realm from ui_url_protocol and, with https, makes every instance serve TLS itself; use an http externalURL or Harbor 2.x',
    );
  }
  return release;
}

/** Refuses, as a spec error, a Harbor whose configuration files were not checked; `validate` calls it too. */
export function checkHarborSupported(model: ClusterModel): void {
  if (model.harbor) requireRelease(model, model.harbor);
}

/** Where instance N (from 1, in spec order) keeps its logs: a folder of its own on the shared storage. */
export function logFolder(harbor: HarborModel, index: number): string {
  return `${harbor.storage.sharedPath}/log${index + 1}`;
}

/** host[:port] clients push to: the load balancer's endpoint, the port left out when it is the protocol's default. */
export function registryAuthority(harbor: HarborModel): string {
  const defaultPort = harbor.protocol === 'https' ? 443 : 80;
  return harbor.endpoint.port === defaultPort ? harbor.endpoint.host : `${harbor.endpoint.host}:${harbor.endpoint.port}`;
}

/**
 * YAML for Harbor's Python tools (docker-compose, prepare): PyYAML reads YAML 1.1, so strings such as
 * `on` or `22:22` are quoted where 1.1 would turn them into booleans or numbers.
 */
export function pythonYaml(comment: readonly string[], document: unknown): string {
  const body = stringify(document, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false, nullStr: '' });
  return `${comment.map((line) => `# ${line}`.trimEnd()).join('\n')}\n${body}`;
}
