import { componentOf, COMPONENTS, DEPLOY_DIR, INVENTORY_PATH, PLAYBOOK_PATH } from '@clusterspec/deploy';
import { shellQuote } from '@clusterspec/pki';
import type { Artifact } from '@clusterspec/spec';

/** The rendered tree a command names when the operator gave none: render's own example folder. */
export const DEFAULT_RENDERED = '/srv/rendered';

const file = (path: string) => path.slice(DEPLOY_DIR.length + 1);

/** The deploy components (site.yml's tags) of changed files, in the playbook's order of components. */
export function tagsOf(files: readonly { hostPath: string; item: Artifact }[]): string[] {
  const tags = new Set(files.map(({ item, hostPath }) => componentOf(item, hostPath)));
  return COMPONENTS.map((component) => component.tag).filter((tag) => tags.has(tag));
}

/**
 * The bundle's command for a step: site.yml of the new revision limited to the step's hosts and components,
 * run from out/<cluster>/deploy with the operator's own inventory beside it (see site.yml's header). The
 * playbook's pre-flight play, its one-at-a-time control-plane play and its apiserver health check run as in a
 * full deploy, so a step keeps the bundle's gates.
 */
export function ansibleCommand(
  cluster: string,
  hosts: readonly string[],
  tags: readonly string[],
  rendered = DEFAULT_RENDERED,
  extraVars: readonly string[] = [],
): string | undefined {
  if (hosts.length === 0 || tags.length === 0) return undefined;
  return [
    `(cd out/${cluster}/${DEPLOY_DIR} &&`,
    `ansible-playbook -i ${file(INVENTORY_PATH)} -i inventory.local.yml ${file(PLAYBOOK_PATH)}`,
    `-e clusterspec_rendered=${shellQuote(`${rendered}/${cluster}`)}`,
    ...extraVars.map((variable) => `-e ${variable}`),
    `--limit ${hosts.join(',')} --tags ${tags.join(',')})`,
  ].join(' ');
}
