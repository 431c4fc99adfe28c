import { artifact, defineArtifact, type Artifact } from '@clusterspec/spec';
import { parse } from 'yaml';
import { generatedSites } from '../../../tests/support/generated-sites';
import {
  bundleDigest,
  COMPONENTS,
  generateDeploy,
  GROUP_VARS_PATH,
  hostVarsPath,
  INSTALL_ACTION_PATH,
  INSTALL_MODULE_PATH,
  INVENTORY_PATH,
  PLAYBOOK_PATH,
  serviceOf,
  unitOf,
  type HostFile,
} from './index';

const site = (spec: string) => {
  const found = generatedSites().find((each) => each.spec === spec);
  if (!found) throw new Error(`${spec} is not among the generated sites`);
  return found;
};
const { model: seed, artifacts: seedArtifacts } = site('fixtures/seed-ha/cluster.yaml');
const { model: modern, artifacts: modernArtifacts } = site('fixtures/modern/cluster.yaml');

const files = (artifacts: readonly Artifact[]) => new Map(artifacts.map((item) => [item.path, item]));

type Task = Record<string, unknown> & { name: string };
type Play = {
  name: string;
  hosts: string;
  serial?: number;
  any_errors_fatal?: boolean;
  max_fail_percentage?: number;
  vars?: Record<string, unknown>;
  tasks: Task[];
  handlers?: Task[];
};

interface HostVars {
  clusterspec_files: HostFile[];
  clusterspec_enable: string[];
  clusterspec_programs: string[];
  clusterspec_users: string[];
  clusterspec_groups: string[];
}

describe('deploy/', () => {
  const deploy = files(generateDeploy(seed, seedArtifacts));
  const plays = () => parse(deploy.get(PLAYBOOK_PATH)?.content ?? '') as Play[];
  const hostVars = (name: string, from = deploy) => parse(from.get(hostVarsPath(name))?.content ?? '') as HostVars;

  it('inventory: every host with its address (twice: ansible_host an operator may override, clusterspec_address the pre-flight looks for)', () => {
    const inventory = parse(deploy.get(INVENTORY_PATH)?.content ?? '');
    expect(Object.keys(inventory.all.hosts)).toEqual(seed.hosts.map((host) => host.name));
    for (const host of seed.hosts) expect(inventory.all.hosts[host.name]).toMatchObject({ ansible_host: host.address, clusterspec_address: host.address });
    expect(Object.keys(inventory.all.children.control_plane.hosts)).toEqual(['shaolin', 'wudang', 'emei']);
    expect(Object.keys(inventory.all.children.apiserver_lb.hosts)).toEqual(['emei']);
    expect(inventory.all.hosts.emei.clusterspec_health_url).toBe('https://10.27.52.72:6443/healthz');
    expect(inventory.all.hosts.node1.clusterspec_health_url).toBeUndefined();
  });

  it('playbook: a pre-flight play over every host first, fatal, its probes running in check mode too', () => {
    const [preflight] = plays();
    expect(preflight).toMatchObject({ hosts: 'all', any_errors_fatal: true });
    const names = preflight.tasks.map((task) => task.name);
    expect(names).toEqual([
      'Check that clusterspec_rendered names a rendered tree',
      'Check that the rendered tree is the one this bundle was generated with',
      'Probe each host: name, address, sudo, programs, accounts',
      'Stop on a host that is not what the inventory says',
      'Stop unless every host passed',
    ]);
    const probe = preflight.tasks[2];
    expect(probe).toMatchObject({ check_mode: false, changed_when: false, register: 'clusterspec_probe' });
    // One shell line, every word from the inventory quoted (an inventory is input too).
    expect(probe['ansible.builtin.raw']).toBe(
      "sh -c {{ clusterspec_probe_script | quote }} clusterspec-preflight {{ clusterspec_probe_words | map('quote') | join(' ') }}",
    );
    // The last check is the one an unreachable host cannot skip: it runs once, over the hosts left.
    expect(preflight.tasks[4]).toMatchObject({ run_once: true });
    expect(JSON.stringify(preflight.tasks[4])).toContain('ansible_play_hosts_all | difference(ansible_play_hosts)');
  });

  it('playbook: the control plane one host at a time, a failure fatal, a health check after the handlers (not in check mode); then the rest', () => {
    const [, controlPlane, rest] = plays();
    expect(controlPlane).toMatchObject({ hosts: 'control_plane', serial: 1, any_errors_fatal: true, max_fail_percentage: 0 });
    const names = controlPlane.tasks.map((task) => task.name);
    expect(names.slice(-2)).toEqual(['Restart what changed on this host before its health check', 'Wait until the apiserver of this host is healthy']);
    expect(controlPlane.tasks.at(-1)?.when).toContain('not ansible_check_mode');
    expect(controlPlane.tasks.at(-1)?.until).toBe('clusterspec_health.status | default(0) == 200');
    expect(rest.hosts).toBe('all:!control_plane');
    expect(rest.serial).toBeUndefined();
  });

  it('playbook: one install task per host, from the rendered tree, with every component tag; nothing copies from out/', () => {
    const [, controlPlane, rest] = plays();
    for (const play of [controlPlane, rest]) {
      const installs = play.tasks.filter((task) => 'clusterspec.deploy.install' in task);
      expect(installs).toHaveLength(1);
      expect(installs[0]['clusterspec.deploy.install']).toMatchObject({
        source: '{{ clusterspec_rendered }}/hosts/{{ inventory_hostname }}',
        files: '{{ clusterspec_files }}',
      });
      expect(installs[0].tags).toEqual(COMPONENTS.map((component) => component.tag));
      expect(play.tasks.some((task) => 'ansible.builtin.copy' in task)).toBe(false);
    }
  });

  it('handlers: one topic, each acting once on what the install result says changed; a restarted unit is not also reloaded', () => {
    const [, controlPlane] = plays();
    const handlers = controlPlane.handlers ?? [];
    expect(new Set(handlers.map((handler) => handler.listen))).toEqual(new Set(['clusterspec files changed']));
    expect(handlers.map((handler) => handler.name)).toEqual([
      'Apply what changed outside a service (sysctl --system, resolvconf -u, the kubelet via its proxy)',
      'Reload systemd unit files',
      'Restart the services whose unit or start-time configuration changed',
      'Test the nginx configuration before its reload',
      'Reload the services that reread their configuration',
      'Stub: say what would be restarted, reloaded and run',
    ]);
    expect(controlPlane.vars?.clusterspec_reloads).toContain("reject('in', clusterspec_restarts)");
  });

  it('plays only the services the site has: keepalived among the reloads of modern, not of seed-ha', () => {
    expect(plays()[1].vars?.clusterspec_on_reload).not.toHaveProperty('keepalived');
    const modernPlays = parse(files(generateDeploy(modern, modernArtifacts)).get(PLAYBOOK_PATH)?.content ?? '') as Play[];
    expect(modernPlays[1].vars?.clusterspec_on_reload).toMatchObject({ keepalived: 'keepalived.service' });
    expect(modernPlays[1].vars?.clusterspec_on_command).toMatchObject({ sysctl: { argv: ['sysctl', '--system'] } });
  });

  it('host vars: every file of hosts/<host>/ once, with owner, group, mode, tag and service; consul.hcl root:consul 0640, by path only', () => {
    const vars = hostVars('consul-1');
    const own = seedArtifacts.filter((item) => item.path.startsWith('hosts/consul-1/')).map((item) => item.path.slice('hosts/consul-1'.length));
    expect(vars.clusterspec_files.map((file) => file.path).sort()).toEqual(own.sort());
    expect(vars.clusterspec_files.find((file) => file.path === '/etc/consul.d/consul.hcl')).toEqual({
      path: '/etc/consul.d/consul.hcl',
      mode: '0640',
      owner: 'root',
      group: 'consul',
      service: 'consul',
      tag: 'consul',
      secret: true,
      check: ['consul', 'validate', '%s'],
    });
    expect(vars.clusterspec_files.find((file) => file.path === '/etc/hosts.d/clusterspec')).toMatchObject({ merge: '/etc/hosts', tag: 'host', mode: '0644' });
    expect(deploy.get(hostVarsPath('consul-1'))?.content).toContain('mode: "0644"');
    expect(vars.clusterspec_users).toEqual(['root']);
    expect(vars.clusterspec_groups).toEqual(['consul', 'root']);
    expect(vars.clusterspec_programs).toEqual(expect.arrayContaining(['consul', 'consul-template', 'dockerd', 'systemctl', 'resolvconf']));
    expect(vars.clusterspec_enable).toEqual(['consul-template.service', 'consul.service', 'docker.service', 'registrator.service']);
  });

  it('host vars: files a program checks come after the others (keepalived.conf after the vrrp_script it names)', () => {
    const modernDeploy = files(generateDeploy(modern, modernArtifacts));
    const lb = hostVars('lb-1', modernDeploy).clusterspec_files;
    const checked = lb.filter((file) => file.check).map((file) => file.path);
    expect(checked).toEqual(expect.arrayContaining(['/etc/keepalived/keepalived.conf']));
    const firstChecked = lb.findIndex((file) => file.check);
    expect(lb.slice(firstChecked).every((file) => file.check)).toBe(true);
    expect(lb.findIndex((file) => file.path === '/etc/keepalived/check_apiserver.sh')).toBeLessThan(firstChecked);
    expect(lb.find((file) => file.path === '/etc/keepalived/keepalived.conf')).toMatchObject({ mode: '0600', secret: true, tag: 'lb', service: 'keepalived' });
    expect(hostVars('cp-1', modernDeploy).clusterspec_files.find((file) => file.path === '/etc/kubernetes/kubeadm-config.yaml')).toMatchObject({
      mode: '0600',
      owner: 'root',
      group: 'root',
      secret: true,
      tag: 'apiserver',
      // Kubernetes 1.34's kubeadm has `kubeadm config validate`; 1.24's (edge) has not: no check there.
      check: ['kubeadm', 'config', 'validate', '--config', '%s'],
    });
    const edge = site('fixtures/edge/cluster.yaml');
    const edgeKubeadm = files(generateDeploy(edge.model, edge.artifacts));
    const edgeHost = edge.artifacts.find((item) => item.path.endsWith('/etc/kubernetes/kubeadm-config.yaml'))?.path.split('/')[1] ?? '';
    expect(hostVars(edgeHost, edgeKubeadm).clusterspec_files.find((file) => file.path === '/etc/kubernetes/kubeadm-config.yaml')?.check).toBeUndefined();
    expect(hostVars('shaolin').clusterspec_files.find((file) => file.path === '/etc/kubernetes/manifests/etcd.yaml')?.tag).toBe('etcd');
  });

  it('group vars: the digest of exactly the files installed, which a change of one byte or one mode changes', () => {
    const vars = parse(deploy.get(GROUP_VARS_PATH)?.content ?? '');
    expect(vars.clusterspec_bundle_digest).toBe(bundleDigest(seed, seedArtifacts));
    expect(vars.clusterspec_bundle_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // seed-ha is the legacy flow: its cluster objects are applied by hand, so hosts/ alone is installed.
    const hostsOnly = seedArtifacts.filter((item) => item.path.startsWith('hosts/'));
    expect(bundleDigest(seed, hostsOnly)).toBe(vars.clusterspec_bundle_digest);
    const [first, ...others] = hostsOnly;
    expect(bundleDigest(seed, [{ ...first, content: `${first.content}#` }, ...others])).not.toBe(vars.clusterspec_bundle_digest);
    expect(bundleDigest(seed, [{ ...first, mode: 0o600 }, ...others])).not.toBe(vars.clusterspec_bundle_digest);
    // modern (kubeadm) installs kube-proxy's ConfigMap on its first control-plane host: a change of it counts.
    const configMap = modernArtifacts.findIndex((item) => item.path === 'cluster/kube-proxy-configmap.yaml');
    const changedConfigMap = modernArtifacts.map((item, index) => (index === configMap ? { ...item, content: `${item.content}#` } : item));
    expect(bundleDigest(modern, changedConfigMap)).not.toBe(bundleDigest(modern, modernArtifacts));
  });

  it("cluster objects: kube-proxy's ConfigMap installed on the first control-plane host and applied by a last play, once the cluster exists (kubeadm flow only)", () => {
    const modernDeploy = files(generateDeploy(modern, modernArtifacts));
    expect(hostVars('cp-1', modernDeploy).clusterspec_files.find((file) => file.from === 'cluster/kube-proxy-configmap.yaml')).toMatchObject({
      path: '/etc/kubernetes/clusterspec/kube-proxy-configmap.yaml',
      tag: 'apiserver',
    });
    expect(hostVars('cp-2', modernDeploy).clusterspec_files.some((file) => file.from)).toBe(false);
    const modernPlays = parse(modernDeploy.get(PLAYBOOK_PATH)?.content ?? '') as Play[];
    const last = modernPlays.at(-1) as Play;
    expect(last).toMatchObject({ hosts: 'cp-1', tags: ['apiserver'] });
    expect(last.tasks.map((task) => task.name)).toEqual([
      'Apply cluster/kube-proxy-configmap.yaml',
      'Restart what reads cluster/kube-proxy-configmap.yaml',
      'Stub: apply cluster/kube-proxy-configmap.yaml, restart what reads it',
    ]);
    expect(last.tasks[0]['ansible.builtin.command']).toEqual({
      argv: ['kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', 'apply', '-f', '/etc/kubernetes/clusterspec/kube-proxy-configmap.yaml'],
      removes: '/etc/kubernetes/admin.conf',
    });
    expect(last.tasks[1]).toMatchObject({ vars: { clusterspec_object: '/etc/kubernetes/clusterspec/kube-proxy-configmap.yaml' } });
    expect(last.tasks[1].when).toContain('clusterspec_object in (clusterspec_installed.changed_files');
    // The legacy flow (seed-ha) has no such play.
    expect(plays().map((play) => play.hosts)).toEqual(['all', 'control_plane', 'all:!control_plane']);
  });

  it('the install plugin: a module and its action, each with the notice on top', () => {
    expect(deploy.get(INSTALL_MODULE_PATH)?.content).toMatch(/^#!\/usr\/bin\/python3\n# Generated by clusterspec/);
    expect(deploy.get(INSTALL_ACTION_PATH)?.content).toMatch(/^# Generated by clusterspec/);
    expect(deploy.get(INSTALL_ACTION_PATH)?.content).toContain("outcome.pop('invocation', None)");
  });

  it('per-node mode: a changed kubelet-via-proxy.sh is run by a handler, once the node has joined (removes: kubelet.conf)', () => {
    const vipPernode = site('fixtures/vip-pernode/cluster.yaml');
    const plays = parse(files(generateDeploy(vipPernode.model, vipPernode.artifacts)).get(PLAYBOOK_PATH)?.content ?? '') as Play[];
    expect(plays[2].vars?.clusterspec_on_command).toMatchObject({
      'kubelet-via-proxy': { argv: ['sh', '/etc/kubernetes/nginx-proxy/kubelet-via-proxy.sh'], removes: '/etc/kubernetes/kubelet.conf' },
    });
    expect(serviceOf('/etc/kubernetes/nginx-proxy/kubelet-via-proxy.sh').id).toBe('kubelet-via-proxy');
    // The proxy's own nginx.conf needs no handler: its pod carries the conf's digest, so the kubelet recreates it.
    expect(serviceOf('/etc/kubernetes/nginx-proxy/nginx.conf').id).toBe('files');
  });

  it('services: each change reaches exactly its service; a unit file names its unit', () => {
    expect(serviceOf('/etc/nginx/nginx.conf').id).toBe('nginx');
    expect(serviceOf('/etc/systemd/system/consul.service').id).toBe('units');
    expect(unitOf('/etc/systemd/system/consul.service')).toBe('consul.service');
    expect(unitOf('/etc/consul.d/consul.hcl')).toBeUndefined();
    expect(serviceOf('/etc/consul.d/consul.hcl').apply).toEqual({ kind: 'reload', unit: 'consul.service' });
    expect(serviceOf('/etc/consul-template/config.hcl').apply).toEqual({ kind: 'restart', unit: 'consul-template.service' });
    expect(serviceOf('/etc/keepalived/keepalived.conf').id).toBe('keepalived');
    expect(serviceOf('/etc/haproxy/haproxy.cfg').apply).toEqual({ kind: 'reload', unit: 'haproxy.service' });
    expect(serviceOf('/etc/sysctl.d/90-clusterspec-apiserver-vip.conf').apply).toEqual({ kind: 'command', argv: ['sysctl', '--system'] });
    expect(serviceOf('/etc/resolvconf/resolv.conf.d/base').apply).toEqual({ kind: 'command', argv: ['resolvconf', '-u'] });
    expect(serviceOf('/etc/containerd/config.toml').id).toBe('containerd');
    expect(serviceOf('/etc/containerd/certs.d/harbor.corp:443/hosts.toml').id).toBe('files');
    expect(serviceOf('/etc/docker/daemon.json').id).toBe('docker');
    expect(serviceOf('/etc/kubernetes/kubelet.conf').id).toBe('kubelet');
    expect(serviceOf('/etc/kubernetes/manifests/kube-apiserver.yaml').id).toBe('files');
  });

  it('a kind of file no component claims by name lands in host', () => {
    const other = defineArtifact<string>({
      id: 'test/other',
      pattern: 'hosts/*/etc/other.conf',
      description: 'test',
      where: 'test',
      reads: [],
      secretKeys: [],
      consumer: 'test',
      format: 'ini',
      render: (text) => text,
    });
    const withOther = files(generateDeploy(seed, [...seedArtifacts, artifact(other, 'hosts/emei/etc/other.conf', 'x\n')]));
    expect(hostVars('emei', withOther).clusterspec_files.find((file) => file.path === '/etc/other.conf')).toMatchObject({ tag: 'host', service: 'files' });
  });
});
