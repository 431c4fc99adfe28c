/**
 * Which program must be told when a file of a host changes, and how: one row per service. A file belongs to
 * the first row whose pattern matches its path on the host; files no row claims are installed and tell nothing.
 * The playbook's handlers read the rows: restart or reload a systemd unit, or run a command, each at most once
 * per host and run, whatever number of its files changed (a unit that is restarted is not also reloaded).
 */

/** How a change takes effect. */
export type Apply =
  /** `systemctl restart <unit>`: the program reads these files at start only. */
  | { readonly kind: 'restart'; readonly unit: string }
  /** `systemctl reload <unit>`: the program rereads them on SIGHUP (its unit's ExecReload). */
  | { readonly kind: 'reload'; readonly unit: string }
  /**
   * A command that makes the installed files take effect (`sysctl --system`); with `removes`, only once that
   * file exists (Ansible's `removes`: a step that needs a joined node).
   */
  | { readonly kind: 'command'; readonly argv: readonly string[]; readonly removes?: string }
  /** Nothing runs: the files are read on every use, or by a step the operator runs. */
  | { readonly kind: 'none' };

export interface Service {
  /** The name the install result lists a changed service by (changed_services). */
  readonly id: string;
  /** The files it reads, by their path on the host. */
  readonly pattern: RegExp;
  /** What the docs call these files. */
  readonly label: string;
  /** What happens after a change, for the stub's message and the docs ("reload nginx after nginx -t"). */
  readonly action: string;
  readonly apply: Apply;
  /** The programs the host must have for these files to take effect (the pre-flight play looks for them). */
  readonly programs: readonly string[];
}

export const SERVICES: readonly Service[] = [
  {
    // A unit file that changed is restarted after `systemctl daemon-reload` (its own restart, below).
    id: 'units',
    pattern: /^\/etc\/systemd\/system\/[^/]+\.service$/,
    label: 'systemd units',
    action: 'systemctl daemon-reload, then restart the units that changed; every unit enabled',
    apply: { kind: 'none' },
    programs: ['systemctl'],
  },
  {
    id: 'consul',
    pattern: /^\/etc\/consul\.d\//,
    label: 'Consul agent configuration',
    // consul.service's ExecReload sends SIGHUP, which is what `consul reload` asks of the agent.
    action: 'reload consul',
    apply: { kind: 'reload', unit: 'consul.service' },
    programs: ['consul'],
  },
  {
    id: 'consul-template',
    pattern: /^\/etc\/consul-template\//,
    label: 'consul-template configuration and templates',
    action: 'restart consul-template (it renders nginx.conf and runs nginx -t before reloading nginx)',
    apply: { kind: 'restart', unit: 'consul-template.service' },
    programs: ['consul-template'],
  },
  {
    id: 'nginx',
    pattern: /^\/etc\/nginx\//,
    label: 'nginx configuration',
    // The file was checked with `nginx -t -c` before it replaced the old one; the reload runs `nginx -t` again.
    action: 'reload nginx',
    apply: { kind: 'reload', unit: 'nginx.service' },
    programs: ['nginx'],
  },
  {
    // Engine haproxy: checked with `haproxy -c` before it replaces the old file; a reload keeps open connections.
    id: 'haproxy',
    pattern: /^\/etc\/haproxy\//,
    label: 'haproxy configuration',
    action: 'reload haproxy',
    apply: { kind: 'reload', unit: 'haproxy.service' },
    programs: ['haproxy'],
  },
  {
    id: 'keepalived',
    pattern: /^\/etc\/keepalived\//,
    label: 'keepalived configuration',
    action: 'reload keepalived',
    apply: { kind: 'reload', unit: 'keepalived.service' },
    programs: ['keepalived'],
  },
  {
    id: 'containerd',
    pattern: /^\/etc\/containerd\/config\.toml$/,
    label: 'containerd configuration',
    action: 'restart containerd',
    apply: { kind: 'restart', unit: 'containerd.service' },
    programs: ['containerd'],
  },
  {
    id: 'docker',
    pattern: /^\/etc\/docker\/daemon\.json$/,
    label: "Docker's daemon.json",
    action: 'restart Docker (dns and exec-opts are read at start only)',
    apply: { kind: 'restart', unit: 'docker.service' },
    programs: ['dockerd'],
  },
  {
    id: 'kubelet',
    pattern: /^\/etc\/kubernetes\/kubelet\.conf$/,
    label: "the kubelet's kubeconfig",
    action: 'restart the kubelet',
    apply: { kind: 'restart', unit: 'kubelet.service' },
    programs: ['kubelet'],
  },
  {
    // A file of /etc/sysctl.d is read at boot by systemd-sysctl; `sysctl --system` applies every such file now
    // (the VIP's net.ipv4.ip_nonlocal_bind, without which the balancer cannot bind the VIP it does not hold).
    id: 'sysctl',
    pattern: /^\/etc\/sysctl\.d\//,
    label: 'kernel settings',
    action: 'sysctl --system',
    apply: { kind: 'command', argv: ['sysctl', '--system'] },
    programs: ['sysctl'],
  },
  {
    // resolvconf assembles /etc/resolv.conf from resolv.conf.d/ only when asked (resolvconf(8): -u).
    id: 'resolvconf',
    pattern: /^\/etc\/resolvconf\/resolv\.conf\.d\//,
    label: 'resolver configuration',
    action: 'resolvconf -u',
    apply: { kind: 'command', argv: ['resolvconf', '-u'] },
    programs: ['resolvconf'],
  },
  {
    // Per-node mode: the kubelet's kubeconfig re-pointed at the node's own proxy, which kubeadm join cannot do
    // (it takes the server from cluster-info); only on a node that has joined (its kubelet.conf exists).
    id: 'kubelet-via-proxy',
    pattern: /^\/etc\/kubernetes\/nginx-proxy\/kubelet-via-proxy\.sh$/,
    label: "the kubelet's switch to its node's apiserver proxy",
    action: 'sh kubelet-via-proxy.sh, once the node has joined',
    apply: { kind: 'command', argv: ['sh', '/etc/kubernetes/nginx-proxy/kubelet-via-proxy.sh'], removes: '/etc/kubernetes/kubelet.conf' },
    programs: ['sh', 'sed'],
  },
  {
    // Static pod manifests: the kubelet watches the folder and recreates a pod whose manifest changed.
    // containerd's certs.d hosts.toml: read on every pull, no restart
    // (https://github.com/containerd/containerd/blob/main/docs/hosts.md).
    // kubeadm-config.yaml: read by `kubeadm init/join/upgrade`, which an operator runs, not by a daemon.
    // Harbor's installer files: take effect through `./prepare` and `docker compose up -d`, Harbor's
    // own installation step, left to the operator (it restarts the registry).
    // /etc/hosts.d/clusterspec: merged into /etc/hosts by the install itself (a marked block).
    id: 'files',
    pattern: /^\//,
    label: 'files no running service reads at start',
    action: 'nothing',
    apply: { kind: 'none' },
    programs: [],
  },
];

/** The service a file at this host path belongs to. */
export function serviceOf(hostPath: string): Service {
  const found = SERVICES.find((service) => service.pattern.test(hostPath));
  if (!found) throw new Error(`internal error: ${hostPath} is not an absolute path`);
  return found;
}

/** The systemd unit a unit file at this host path defines, for its restart and enabling. */
export function unitOf(hostPath: string): string | undefined {
  return serviceOf(hostPath).id === 'units' ? hostPath.slice(hostPath.lastIndexOf('/') + 1) : undefined;
}
