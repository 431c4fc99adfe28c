import { defineChangeRule } from '../change-rule';

/**
 * Harbor keeps its projects, users and artifact metadata in one database (harbor.database): a revision that
 * removes the spec host at its address removes the only copy. Harbor's upgrade guide backs it up before any
 * change; moving it is a restore elsewhere first (goharbor.io/docs, "Upgrade Harbor and Migrate Data").
 */
export const changeHarborDatabase = defineChangeRule({
  id: 'change-harbor-database',
  description: "A revision does not remove the host holding Harbor's only database.",
  messages: {
    removed:
      "{{host}} ({{address}}) leaves the site but holds Harbor's only database (harbor.database.host); restore a backup on another server and point harbor.database.host at it in one revision, remove {{host}} in the next",
  },
  severity: 'error',
  check({ model, previous, report }) {
    const database = previous.model.harbor?.database;
    if (!database || database.embedded) return;
    const holder = previous.model.hosts.find((host) => host.address === database.host || host.name === database.host);
    if (!holder || model.hosts.some((host) => host.name === holder.name && host.address === holder.address)) return;
    const current = model.harbor?.database;
    // The database moved in this same revision: Harbor reads the new one (restored there beforehand).
    if (current && !current.embedded && current.host !== database.host) return;
    report({ messageId: 'removed', field: ['spec', 'hosts'], data: { host: holder.name, address: holder.address } });
  },
});
