/**
 * Which program must be told when a file of a host changes, and how: one row per service, in the order
 * their handlers run (Ansible runs handlers in the order they are defined, not notified:
 * https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_handlers.html). A file belongs to the
 * first row whose pattern matches its path on the host; files no row claims are installed and notify nothing.
 */

/** An Ansible task as data (module name → arguments, plus keywords). */
export type Task = Record<string, unknown>;

export interface Service {
  /** Key of the host's file lists (clusterspec_files.<id>) and part of the handler topic. */
  readonly id: string;
  /** The files it reads, by their path on the host. */
  readonly pattern: RegExp;
  /** What the task names call these files. */
  readonly label: string;
  /** What the handlers do, for the stub's message and the docs ("reload nginx after nginx -t"). */
  readonly action: string;
  /** The real handlers, in order; none for files that need no restart. */
  readonly handlers: readonly Task[];
}

/** The variable a unit file's task registers, so the restart handler restarts exactly the units that changed. */
export const registeredResult = (serviceId: string, secret: boolean) => `clusterspec_${serviceId.replace(/-/g, '_')}${secret ? '_secret' : ''}_installed`;

/** Both install tasks' results (the plain one's and the secret one's) of a service. */
const installResults = (serviceId: string) =>
  `{{ (${registeredResult(serviceId, false)}.results | default([])) + (${registeredResult(serviceId, true)}.results | default([])) }}`;

const systemd = (name: string, state: 'reloaded' | 'restarted'): Task => ({ 'ansible.builtin.systemd': { name, state } });

export const SERVICES: readonly Service[] = [
  {
    id: 'units',
    pattern: /^\/etc\/systemd\/system\/[^/]+\.service$/,
    label: 'systemd units',
    action: 'systemctl daemon-reload, then restart the units that changed',
    handlers: [
      { name: 'Reload systemd unit files', 'ansible.builtin.systemd': { daemon_reload: true } },
      {
        name: 'Restart the units that changed',
        ...systemd('{{ item }}', 'restarted'),
        loop: "{{ clusterspec_unit_results | selectattr('changed') | map(attribute='item.unit') | list }}",
        vars: { clusterspec_unit_results: installResults('units') },
      },
    ],
  },
  {
    id: 'consul',
    pattern: /^\/etc\/consul\.d\//,
    label: 'Consul agent configuration',
    action: 'consul reload',
    // Retried: right after a restart of consul.service (handler above) the agent may not answer yet.
    handlers: [
      {
        name: 'Reload the Consul agent',
        'ansible.builtin.command': 'consul reload',
        register: 'clusterspec_consul_reload',
        until: 'clusterspec_consul_reload.rc == 0',
        retries: 5,
        delay: 2,
        changed_when: true,
      },
    ],
  },
  {
    id: 'consul-template',
    pattern: /^\/etc\/consul-template\//,
    label: 'consul-template configuration and templates',
    action: 'restart consul-template (it renders nginx.conf and runs nginx -t before reloading nginx)',
    handlers: [{ name: 'Restart consul-template', ...systemd('consul-template', 'restarted') }],
  },
  {
    id: 'nginx',
    pattern: /^\/etc\/nginx\//,
    label: 'nginx configuration',
    action: 'nginx -t, then reload nginx',
    // A failing `nginx -t` fails the host before the reload, so the running nginx keeps its old configuration.
    handlers: [
      { name: 'Test the nginx configuration', 'ansible.builtin.command': 'nginx -t', changed_when: false },
      { name: 'Reload nginx', ...systemd('nginx', 'reloaded') },
    ],
  },
  {
    id: 'keepalived',
    pattern: /^\/etc\/keepalived\//,
    label: 'keepalived configuration',
    action: 'reload keepalived',
    handlers: [{ name: 'Reload keepalived', ...systemd('keepalived', 'reloaded') }],
  },
  {
    id: 'containerd',
    pattern: /^\/etc\/containerd\/config\.toml$/,
    label: 'containerd configuration',
    action: 'restart containerd',
    handlers: [{ name: 'Restart containerd', ...systemd('containerd', 'restarted') }],
  },
  {
    id: 'docker',
    pattern: /^\/etc\/docker\/daemon\.json$/,
    label: "Docker's daemon.json",
    action: 'restart Docker (dns and exec-opts are read at start only)',
    handlers: [{ name: 'Restart Docker', ...systemd('docker', 'restarted') }],
  },
  {
    id: 'kubelet',
    pattern: /^\/etc\/kubernetes\/kubelet\.conf$/,
    label: "the kubelet's kubeconfig",
    action: 'restart the kubelet',
    handlers: [{ name: 'Restart the kubelet', ...systemd('kubelet', 'restarted') }],
  },
  {
    // Static pod manifests: the kubelet watches the folder and recreates a pod whose manifest changed.
    // containerd's certs.d hosts.toml: read on every pull, no restart
    // (https://github.com/containerd/containerd/blob/main/docs/hosts.md).
    // kubeadm-config.yaml: read by `kubeadm init/join/upgrade`, which an operator runs, not by a daemon.
    // Harbor's installer files: take effect through `./prepare` and `docker compose up -d`, Harbor's
    // own installation step, left to the operator (it restarts the registry).
    // /etc/hosts.d, resolv.conf.d: read by the tools that assemble /etc/hosts and resolv.conf.
    id: 'files',
    pattern: /^\//,
    label: 'files no running service reads at start',
    action: 'nothing',
    handlers: [],
  },
];

/** The service whose handlers a file at this host path notifies. */
export function serviceOf(hostPath: string): Service {
  const found = SERVICES.find((service) => service.pattern.test(hostPath));
  if (!found) throw new Error(`internal error: ${hostPath} is not an absolute path`);
  return found;
}

/** The handler topic a service's install tasks notify (Ansible's `listen`). */
export const handlerTopic = (service: Service) => `clusterspec ${service.id} changed`;
