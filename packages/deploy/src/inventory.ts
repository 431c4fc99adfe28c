import { HOST_FIELDS, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { defineDeployFile, INVENTORY_PATH, roleGroup, yamlFile } from './layout';

export const inventoryFile = defineDeployFile(
  'inventory',
  INVENTORY_PATH,
  "the Ansible inventory: every host with its address (`ansible_host`, and `clusterspec_address`, which the pre-flight play looks for on the host) under `all`, a group per role (`control_plane`, `apiserver_lb`, …), and on each control-plane host `clusterspec_health_url`, its apiserver's `/healthz`",
  [...HOST_FIELDS, 'spec.kubernetes.apiServer.bindPort'],
);

/**
 * The inventory: every host with its address (`ansible_host`, and `clusterspec_address`, which the pre-flight play looks for on the host) under `all`, and a group per role
 * (`control_plane`, `apiserver_lb`, …) in the order the roles first appear in the spec. Control-plane
 * hosts also get the URL of their own apiserver's /healthz, which the playbook waits for after changing one.
 */
export function generateInventory(model: ClusterModel): Artifact {
  const hosts: Record<string, Record<string, unknown>> = {};
  const groups = new Map<string, Record<string, null>>();
  for (const host of model.hosts) {
    // clusterspec_address stays the spec's when an operator's inventory points ansible_host elsewhere (a management network).
    hosts[host.name] = { ansible_host: host.address, clusterspec_address: host.address };
    if (host.roles.includes('control-plane')) {
      hosts[host.name].clusterspec_health_url = `https://${host.address}:${model.kubernetes.apiServer.bindPort}/healthz`;
    }
    for (const role of host.roles) {
      const group = groups.get(roleGroup(role)) ?? {};
      group[host.name] = null;
      groups.set(roleGroup(role), group);
    }
  }
  const children = Object.fromEntries([...groups].map(([name, members]) => [name, { hosts: members }]));
  return yamlFile(inventoryFile, INVENTORY_PATH, { all: { hosts, children } }, [`The hosts of ${model.name}, a group per role. Use with site.yml beside it.`]);
}
