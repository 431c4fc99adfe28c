import type { HarborModel, SiteCheck } from '@clusterspec/spec';
import { stringify } from 'yaml';

/** The installer folder on every instance: the offline installer is unpacked here. */
export const INSTALL_DIR = '/opt/harbor';

/**
 * What Harbor's own installer would refuse before any `prepare`, checked in the one validation phase.
 * Harbor 1.1 (the harbor.cfg layout) derives its token realm from ui_url_protocol and, with https, makes
 * every instance serve TLS itself, so it cannot sit behind a load balancer that terminates TLS.
 */
export const harborChecks: SiteCheck = (model, report) => {
  const harbor = model.harbor;
  if (harbor?.release.layout === 'cfg' && harbor.protocol === 'https') {
    report({
      field: ['spec', 'harbor', 'externalURL'],
      message: `Harbor ${harbor.version.text} cannot sit behind a load balancer that terminates TLS`,
      hint: 'Harbor 1.1 derives its token realm from ui_url_protocol and, with https, makes every instance serve TLS itself; use an http externalURL or Harbor 2.x',
    });
  }
};

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
