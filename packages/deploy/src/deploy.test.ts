import { artifact, defineArtifact, type Artifact } from '@clusterspec/spec';
import { parse } from 'yaml';
import { generatedSites } from '../../../tests/support/generated-sites';
import { generateDeploy, hostVarsPath, INVENTORY_PATH, PLAYBOOK_PATH, serviceOf } from './index';

const seedSite = generatedSites().find((site) => site.spec === 'fixtures/seed-ha/cluster.yaml');
if (!seedSite) throw new Error('fixtures/seed-ha/cluster.yaml is not among the generated sites');
const { model: seed, artifacts: seedArtifacts } = seedSite;
/** A kind of file no generator writes yet (keepalived arrives with another issue), for the playbook's table. */
const keepalivedFile = defineArtifact<string>({
  id: 'test/keepalived',
  pattern: 'hosts/*/etc/keepalived/keepalived.conf',
  description: 'test',
  where: 'test',
  reads: [],
  secretKeys: [],
  consumer: 'keepalived',
  format: 'nginx',
  render: (text) => text,
});
const files = (artifacts: readonly Artifact[]) => new Map(artifacts.map((item) => [item.path, item]));
type Play = {
  name: string;
  hosts: string;
  serial?: number;
  any_errors_fatal?: boolean;
  max_fail_percentage?: number;
  tasks: Record<string, unknown>[];
  handlers: Record<string, unknown>[];
};

describe('deploy/', () => {
  const deploy = files(generateDeploy(seed, seedArtifacts));

  it('inventory: every host with its address, a group per role, a health URL on each control-plane host', () => {
    const inventory = parse(deploy.get(INVENTORY_PATH)?.content ?? '');
    expect(Object.keys(inventory.all.hosts)).toEqual(seed.hosts.map((host) => host.name));
    for (const host of seed.hosts) expect(inventory.all.hosts[host.name].ansible_host).toBe(host.address);
    expect(Object.keys(inventory.all.children.control_plane.hosts)).toEqual(['shaolin', 'wudang', 'emei']);
    expect(Object.keys(inventory.all.children.apiserver_lb.hosts)).toEqual(['emei']);
    expect(inventory.all.hosts.emei.clusterspec_health_url).toBe('https://10.27.52.72:6443/healthz');
    expect(inventory.all.hosts.node1.clusterspec_health_url).toBeUndefined();
  });

  it('playbook: the control plane one host at a time, a failure fatal, a health check after the handlers; then the rest', () => {
    const plays = parse(deploy.get(PLAYBOOK_PATH)?.content ?? '') as Play[];
    expect(plays.map((play) => play.hosts)).toEqual(['control_plane', 'all:!control_plane']);
    expect(plays[0]).toMatchObject({ serial: 1, any_errors_fatal: true, max_fail_percentage: 0 });
    const names = plays[0].tasks.map((task) => task.name as string);
    expect(names.slice(-2)).toEqual(['Restart what changed on this host before its health check', 'Wait until the apiserver of this host is healthy']);
    expect(plays[1].serial).toBeUndefined();
  });

  it('playbook: files with a secret are copied with no log and no diff; no task copies from out/', () => {
    const plays = parse(deploy.get(PLAYBOOK_PATH)?.content ?? '') as Play[];
    const copies = plays[0].tasks.filter((task) => 'ansible.builtin.copy' in task);
    const secret = copies.filter((task) => String(task.loop).includes('clusterspec_secret_files'));
    expect(secret.length).toBeGreaterThan(0);
    for (const task of secret) expect(task).toMatchObject({ no_log: true, diff: false });
    for (const task of copies) expect((task['ansible.builtin.copy'] as { src: string }).src).toMatch(/^\{\{ clusterspec_rendered \}\}\/hosts\//);
  });

  it('host vars: every file of hosts/<host>/ once, by service, secret-bearing ones apart, modes as octal strings', () => {
    const vars = parse(deploy.get(hostVarsPath('consul-1'))?.content ?? '');
    const listed = [...Object.values(vars.clusterspec_files), ...Object.values(vars.clusterspec_secret_files)].flat() as { path: string; mode: string }[];
    const own = seedArtifacts.filter((item) => item.path.startsWith('hosts/consul-1/')).map((item) => item.path.slice('hosts/consul-1'.length));
    expect(listed.map((file) => file.path).sort()).toEqual(own.sort());
    expect(vars.clusterspec_secret_files.consul).toEqual([{ path: '/etc/consul.d/consul.hcl', mode: '0640' }]);
    expect(vars.clusterspec_files.units.map((file: { unit: string }) => file.unit).sort()).toEqual([
      'consul-template.service',
      'consul.service',
      'registrator.service',
    ]);
    expect(deploy.get(hostVarsPath('consul-1'))?.content).toContain('mode: "0644"');
  });

  it('handlers: each change reaches exactly its service', () => {
    expect(serviceOf('/etc/nginx/nginx.conf').id).toBe('nginx');
    expect(serviceOf('/etc/systemd/system/consul.service').id).toBe('units');
    expect(serviceOf('/etc/consul.d/consul.hcl').id).toBe('consul');
    expect(serviceOf('/etc/consul-template/config.hcl').id).toBe('consul-template');
    expect(serviceOf('/etc/keepalived/keepalived.conf').id).toBe('keepalived');
    expect(serviceOf('/etc/containerd/config.toml').id).toBe('containerd');
    expect(serviceOf('/etc/containerd/certs.d/harbor.corp:443/hosts.toml').id).toBe('files');
    expect(serviceOf('/etc/docker/daemon.json').id).toBe('docker');
    expect(serviceOf('/etc/kubernetes/kubelet.conf').id).toBe('kubelet');
    expect(serviceOf('/etc/kubernetes/manifests/kube-apiserver.yaml').id).toBe('files');
  });

  it('plays only the services the site has: no keepalived task without a keepalived file, one with it', () => {
    const without = deploy.get(PLAYBOOK_PATH)?.content ?? '';
    expect(without).not.toContain('keepalived');
    const withKeepalived = files(
      generateDeploy(seed, [...seedArtifacts, artifact(keepalivedFile, 'hosts/emei/etc/keepalived/keepalived.conf', 'vrrp_instance VI_1 {}\n')]),
    );
    const plays = parse(withKeepalived.get(PLAYBOOK_PATH)?.content ?? '') as Play[];
    expect(plays[0].handlers.map((handler) => handler.name)).toContain('Reload keepalived');
    expect(parse(withKeepalived.get(hostVarsPath('emei'))?.content ?? '').clusterspec_files.keepalived).toEqual([
      { path: '/etc/keepalived/keepalived.conf', mode: '0644' },
    ]);
  });
});
