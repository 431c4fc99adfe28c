/**
 * Who can read what once deployed, over every file of every acceptance site: a file that holds a secret once
 * rendered grants nothing to other accounts (0600), and its group only when a service that does not run as
 * root must read it (0640, that service's group); every other file stays readable by the services that need
 * it (0644 or 0755). A world-readable kubeadm-config.yaml hands any local user the bootstrap token; a consul.hcl
 * the agent's account cannot read keeps the agent from starting (Permission denied).
 * The real hosts prove the same with real accounts in tests/acceptance/deploy-hosts.test.ts.
 */
import { carriesSecret } from '@clusterspec/spec';
import { generatedSites } from '../support/generated-sites';

const sites = generatedSites();
const files = sites.flatMap((site) => site.artifacts.map((item) => ({ site: site.spec, item })));
const secretBearing = files.filter(({ item }) => item.descriptor.secretKeys.length > 0 || carriesSecret(item.content));

describe('file access once deployed', () => {
  it('finds the secret-bearing kinds of file it is about', () => {
    const kinds = new Set(secretBearing.map(({ item }) => item.descriptor.id));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'consul/agent-config',
        'harbor/harbor-yml',
        'harbor/shared-secrets',
        'kubernetes/kubeadm-config',
        'loadbalancer/keepalived-conf',
      ]),
    );
  });

  it('a file with a secret: no access for other accounts; group access only for a service group', () => {
    for (const { site, item } of secretBearing) {
      const shown = { site, path: item.path, mode: item.mode.toString(8), group: item.group };
      expect({ ...shown, others: item.mode & 0o007 }).toEqual({ ...shown, others: 0 });
      if (item.group === 'root') expect({ ...shown, groupBits: item.mode & 0o070 }).toEqual({ ...shown, groupBits: 0 });
      expect({ ...shown, owner: item.owner }).toEqual({ ...shown, owner: 'root' });
    }
  });

  it("a service that does not run as root can read its configuration: its unit's User= is the file's group, with read access", () => {
    let seen = 0;
    for (const site of sites) {
      for (const unit of site.artifacts.filter((item) => /\/etc\/systemd\/system\/[^/]+\.service$/.test(item.path))) {
        const user = /^User=(.+)$/m.exec(unit.content)?.[1];
        if (!user || user === 'root') continue;
        const host = unit.path.split('/')[1];
        // The files of its -config-dir / -config on that host.
        const configDir = /-config-dir=(\S+?)\/?$/m.exec(unit.content)?.[1];
        if (!configDir) continue;
        const configs = site.artifacts.filter((item) => item.path.startsWith(`hosts/${host}${configDir}/`));
        expect(configs.length).toBeGreaterThan(0);
        for (const config of configs) {
          const readable = config.mode & 0o004 || (config.group === user && config.mode & 0o040);
          expect({ path: config.path, user, readable: Boolean(readable) }).toEqual({ path: config.path, user, readable: true });
          seen += 1;
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('every other file is readable by every account (programs that read it need not run as root)', () => {
    const secretPaths = new Set(secretBearing.map(({ site, item }) => `${site}:${item.path}`));
    for (const { site, item } of files.filter(({ site, item }) => !secretPaths.has(`${site}:${item.path}`))) {
      expect({ site, path: item.path, readable: (item.mode & 0o004) !== 0 }).toEqual({ site, path: item.path, readable: true });
    }
  });
});
