import { dockerRegistryCas } from '@clusterspec/host';
import { HOST_FIELDS, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { COMPONENTS } from './components';
import { CLUSTER_OBJECTS, CONTROL_PLANE_GROUP, defineDeployFile, INSTALL_ACTION, PLAYBOOK_PATH, RENDER_STAMP_FILE, yamlFile } from './layout';

/** kubectl's credentials on a control-plane host, written by kubeadm init and join. */
const ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf';
import { SERVICES, serviceOf, type Service } from './services';

export const playbookFile = defineDeployFile(
  'playbook',
  PLAYBOOK_PATH,
  "the Ansible playbook: a pre-flight play (the rendered tree is this bundle's, every host reachable, who the inventory says, sudo, programs and accounts present) stopping everything on one failure; then each host's files in one call (owner, group, mode; each config checked by its program before it replaces the old one, the old one kept), services enabled and told once, control-plane hosts one at a time (`serial: 1`) with a health check stopping the run; `--check --diff` is the drift report",
  HOST_FIELDS,
);

/** Every play: installs as root through become (clusterspec_become), gathers no facts (nothing reads them). */
const COMMON_PLAY_KEYS = { become: '{{ clusterspec_become | bool }}', gather_facts: false } as const;

/** An Ansible task as data (module name → arguments, plus keywords). */
type Task = Record<string, unknown>;

const REAL = 'not (clusterspec_stub_services | bool)';
const STUB = 'clusterspec_stub_services | bool';
/** Every handler listens to this one topic; each acts only on what the install result says changed. */
const CHANGED_TOPIC = 'clusterspec files changed';
const CHANGED = 'clusterspec_changed';
/** Tasks every run needs whatever `--tags` asks for (Ansible's special tag). */
const ALWAYS = ['always'];
const TAGS = COMPONENTS.map((component) => component.tag);

/** The rendered tree is a tree render wrote for exactly this bundle; checked on the controller, once. */
function renderedTreeChecks(siteName: string): Task[] {
  const stamp = `clusterspec_rendered ~ '/${RENDER_STAMP_FILE}'`;
  const hint = `clusterspec render <spec> --all --to DIR; -e clusterspec_rendered=DIR/${siteName}`;
  return [
    {
      name: 'Check that clusterspec_rendered names a rendered tree',
      'ansible.builtin.assert': {
        that: ['clusterspec_rendered is defined', "(clusterspec_rendered ~ '/hosts') is directory", `(${stamp}) is file`],
        fail_msg: `clusterspec_rendered is no rendered tree (out/ never is): ${hint}`,
        quiet: true,
      },
      run_once: true,
    },
    {
      name: 'Check that the rendered tree is the one this bundle was generated with',
      'ansible.builtin.assert': {
        that: [`(lookup('ansible.builtin.file', ${stamp}) | from_json).bundle == clusterspec_bundle_digest`],
        fail_msg: `the rendered tree is not of this revision: ${hint}`,
        quiet: true,
      },
      run_once: true,
    },
  ];
}

/**
 * One command on each host says what is wrong with it: not the host the inventory names, the spec's address on
 * no interface, not root through become, a program or an account missing. Read-only, so it runs in check mode.
 */
const PROBE_SCRIPT = [
  'name="$1"; address="$2"; problems=""; missing=""',
  'actual="$(hostname)"',
  '[ "$actual" = "$name" ] || problems="$problems; its hostname is $actual, not $name"',
  '{ ip -o addr show 2>/dev/null || hostname -I; } | grep -qwF -- "$address" || problems="$problems; the address $address is on none of its interfaces"',
  '[ "$(id -u)" = 0 ] || problems="$problems; become does not make it root"',
  'for program in $3; do command -v "$program" >/dev/null 2>&1 || missing="$missing $program"; done',
  'for user in $4; do getent passwd "$user" >/dev/null || problems="$problems; no user $user"; done',
  'for group in $5; do getent group "$group" >/dev/null || problems="$problems; no group $group"; done',
  // Stubbed services (a test, or hosts that get their programs later): a missing program is not a problem.
  '[ "$6" = strict ] && [ -n "$missing" ] && problems="$problems; missing programs:$missing"',
  'echo "problems:${problems#; }"',
].join('\n');

const preflightTasks = (siteName: string): Task[] => [
  ...renderedTreeChecks(siteName),
  {
    name: 'Probe each host: name, address, sudo, programs, accounts',
    // raw: one shell over SSH, no Python module to ship and start (the pre-flight is the one task every host runs
    // first, in parallel); every word from the inventory quoted.
    'ansible.builtin.raw': "sh -c {{ clusterspec_probe_script | quote }} clusterspec-preflight {{ clusterspec_probe_words | map('quote') | join(' ') }}",
    register: 'clusterspec_probe',
    changed_when: false,
    check_mode: false,
  },
  {
    name: 'Stop on a host that is not what the inventory says',
    'ansible.builtin.assert': {
      that: ["(clusterspec_probe.stdout | trim) == 'problems:'"],
      fail_msg: '{{ inventory_hostname }}: {{ (clusterspec_probe.stdout | trim)[9:] }}',
      quiet: true,
    },
  },
  {
    name: 'Stop unless every host passed',
    'ansible.builtin.assert': {
      that: ['ansible_play_hosts_all | difference(ansible_play_hosts) | length == 0'],
      fail_msg: "unreachable or failed, nothing installed: {{ ansible_play_hosts_all | difference(ansible_play_hosts) | join(', ') }}",
      quiet: true,
    },
    run_once: true,
  },
];

/** Each host's files in one call: every file of hosts/<host>/ of the components asked for. */
const installTask: Task = {
  name: "Install this host's files (secret ones by path only)",
  [INSTALL_ACTION]: {
    tree: '{{ clusterspec_rendered }}',
    source: '{{ clusterspec_rendered }}/hosts/{{ inventory_hostname }}',
    root: '{{ clusterspec_root }}',
    backup_dir: '{{ clusterspec_target }}{{ clusterspec_backup_dir }}',
    files: '{{ clusterspec_files }}',
    run_tags: '{{ ansible_run_tags }}',
    skip_tags: '{{ ansible_skip_tags }}',
    // Every service of the host enabled (it starts again after a reboot), in the same call.
    enable: '{{ clusterspec_enable }}',
    // Stubbed services (a test, or hosts without them yet): a check whose program is absent is skipped, no unit enabled.
    stubbed: '{{ clusterspec_stub_services | bool }}',
  },
  register: 'clusterspec_installed',
  notify: CHANGED_TOPIC,
  tags: TAGS,
};

/**
 * Docker reads a registry's CA only from /etc/docker/certs.d/<host[:port]>/ca.crt (no daemon.json key), on every
 * connection, so no restart: the CA file the host already holds (harbor.caFile, what containerd's hosts.toml names)
 * is copied there. A missing CA file fails the host, naming the file.
 */
const REGISTRY_CAS = '{{ clusterspec_registry_cas | default([]) }}';
const registryCaTasks: Task[] = [
  {
    name: "Make Docker's certs.d folder of each site registry",
    'ansible.builtin.file': { path: '{{ clusterspec_target }}{{ item.to | dirname }}', state: 'directory', mode: '0755' },
    loop: REGISTRY_CAS,
    tags: ['host'],
  },
  {
    name: "Copy each site registry's CA where Docker reads it, from the file containerd's hosts.toml names",
    'ansible.builtin.copy': { src: '{{ clusterspec_target }}{{ item.from }}', dest: '{{ clusterspec_target }}{{ item.to }}', remote_src: true, mode: '0644' },
    loop: REGISTRY_CAS,
    tags: ['host'],
  },
];

const flushHandlers: Task = { name: 'Restart what changed on this host before its health check', 'ansible.builtin.meta': 'flush_handlers', tags: ALWAYS };

/**
 * After a control-plane host changed: its apiserver must answer, or the run stops before the next host. Not in
 * check mode, where nothing changed and a site not built yet has no apiserver.
 */
const healthCheck: Task = {
  name: 'Wait until the apiserver of this host is healthy',
  'ansible.builtin.uri': { url: '{{ clusterspec_health_url }}', validate_certs: false, status_code: 200 },
  register: 'clusterspec_health',
  until: 'clusterspec_health.status | default(0) == 200',
  retries: '{{ clusterspec_health_retries }}',
  delay: '{{ clusterspec_health_delay }}',
  when: '(clusterspec_health_check | bool) and not ansible_check_mode',
  tags: ALWAYS,
};

/** The units and commands by service, of the services this site has: what the handlers choose from. */
function serviceVars(used: readonly Service[]): Record<string, unknown> {
  const byKind = (kind: 'restart' | 'reload') =>
    Object.fromEntries(used.flatMap((service) => (service.apply.kind === kind ? [[service.id, service.apply.unit]] : [])));
  const commands = Object.fromEntries(
    used.flatMap((service) =>
      service.apply.kind === 'command'
        ? [[service.id, { argv: service.apply.argv, ...(service.apply.removes ? { removes: service.apply.removes } : {}) }]]
        : [],
    ),
  );
  const pick = (table: string) => `${table} | dict2items | selectattr('key', 'in', ${CHANGED}) | map(attribute='value') | list`;
  return {
    clusterspec_on_restart: byKind('restart'),
    clusterspec_on_reload: byKind('reload'),
    clusterspec_on_command: commands,
    [CHANGED]: '{{ clusterspec_installed.changed_services | default([]) }}',
    clusterspec_changed_units: '{{ clusterspec_installed.changed_units | default([]) }}',
    clusterspec_config_restarts: `{{ ${pick('clusterspec_on_restart')} }}`,
    clusterspec_config_reloads: `{{ ${pick('clusterspec_on_reload')} }}`,
    // A unit restarted because its unit file or its start-time configuration changed: once, whatever changed.
    clusterspec_restarts: '{{ (clusterspec_changed_units + clusterspec_config_restarts) | unique }}',
    // Reloaded only when not restarted anyway.
    clusterspec_reloads: "{{ clusterspec_config_reloads | reject('in', clusterspec_restarts) | list }}",
    clusterspec_commands: `{{ ${pick('clusterspec_on_command')} }}`,
  };
}

/** Each acts at most once per host and flush, on what the install result says changed; handlers run in this order. */
const HANDLERS: Task[] = [
  {
    name: 'Apply what changed outside a service (sysctl --system, resolvconf -u, the kubelet via its proxy)',
    'ansible.builtin.command': { argv: '{{ item.argv }}', removes: '{{ item.removes | default(omit) }}' },
    loop: '{{ clusterspec_commands }}',
    changed_when: true,
    listen: CHANGED_TOPIC,
    when: REAL,
  },
  {
    name: 'Reload systemd unit files',
    'ansible.builtin.systemd': { daemon_reload: true },
    listen: CHANGED_TOPIC,
    when: `${REAL} and (clusterspec_changed_units | length > 0)`,
  },
  {
    name: 'Restart the services whose unit or start-time configuration changed',
    'ansible.builtin.systemd': { name: '{{ item }}', state: 'restarted' },
    loop: '{{ clusterspec_restarts }}',
    listen: CHANGED_TOPIC,
    when: REAL,
  },
  {
    // A failing `nginx -t` fails the host before the reload, so the running nginx keeps its old configuration.
    name: 'Test the nginx configuration before its reload',
    'ansible.builtin.command': 'nginx -t',
    changed_when: false,
    listen: CHANGED_TOPIC,
    when: `${REAL} and ('nginx.service' in clusterspec_reloads)`,
  },
  {
    name: 'Reload the services that reread their configuration',
    'ansible.builtin.systemd': { name: '{{ item }}', state: 'reloaded' },
    loop: '{{ clusterspec_reloads }}',
    listen: CHANGED_TOPIC,
    when: REAL,
  },
  {
    name: 'Stub: say what would be restarted, reloaded and run',
    'ansible.builtin.debug': {
      msg: 'stubbed (clusterspec_stub_services): restart {{ clusterspec_restarts }}, reload {{ clusterspec_reloads }}, run {{ clusterspec_commands }}',
    },
    listen: CHANGED_TOPIC,
    when: STUB,
  },
];

/**
 * site.yml: a pre-flight play over every host, which stops everything on any failure (an unreachable host
 * included) before a file is touched; the control-plane hosts one at a time (serial: 1), any failure (a check,
 * a handler, the health check) stopping the whole run (any_errors_fatal, max_fail_percentage: 0); then every
 * other host; last, the cluster objects applied from the first control-plane host.
 */
/**
 * The cluster objects (CLUSTER_OBJECTS), applied from the first control-plane host after every node has its files:
 * each one that this run installed anew is applied with kubectl and what reads it restarted, once the cluster
 * exists (`removes`: admin.conf, which `kubeadm init` writes).
 */
function clusterObjectsPlay(model: ClusterModel, objects: readonly Artifact[]) {
  const applied = CLUSTER_OBJECTS.filter((object) => objects.some((item) => item.path === object.from));
  const kubectl = ['kubectl', '--kubeconfig', ADMIN_KUBECONFIG];
  // Each task names its file in `vars`, so its condition stays one short line (ansible-lint's 160 columns).
  const changed = 'clusterspec_object in (clusterspec_installed.changed_files | default([]))';
  const tasks = applied.flatMap((object) => [
    {
      name: `Apply ${object.from}`,
      'ansible.builtin.command': { argv: [...kubectl, 'apply', '-f', object.hostPath], removes: ADMIN_KUBECONFIG },
      changed_when: true,
      vars: { clusterspec_object: object.hostPath },
      when: `${REAL} and ${changed}`,
    },
    {
      name: `Restart what reads ${object.from}`,
      'ansible.builtin.command': { argv: [...kubectl, ...object.restart], removes: ADMIN_KUBECONFIG },
      changed_when: true,
      vars: { clusterspec_object: object.hostPath },
      when: `${REAL} and ${changed}`,
    },
    {
      name: `Stub: apply ${object.from}, restart what reads it`,
      'ansible.builtin.debug': { msg: `stubbed: kubectl apply -f {{ clusterspec_object }}; kubectl ${object.restart.join(' ')}` },
      vars: { clusterspec_object: object.hostPath },
      when: `${STUB} and ${changed}`,
    },
  ]);
  return {
    name: `Cluster objects of ${model.name}, from its first control-plane host, once every node has its files`,
    hosts: model.kubernetes.controlPlaneHosts[0].name,
    ...COMMON_PLAY_KEYS,
    tags: ['apiserver'],
    tasks,
  };
}

export function generatePlaybook(model: ClusterModel, artifacts: readonly Artifact[], objects: readonly Artifact[] = []): Artifact {
  const servicesUsed = new Set(artifacts.filter((item) => item.path.startsWith('hosts/')).map((item) => serviceOf(item.path.replace(/^hosts\/[^/]+/, ''))));
  const used = SERVICES.filter((service) => servicesUsed.has(service));

  const trustsRegistries = model.docker?.hosts.some((host) => dockerRegistryCas(model, host).length > 0) ?? false;
  const install = { vars: serviceVars(used), tasks: [installTask, ...(trustsRegistries ? registryCaTasks : [])], handlers: HANDLERS };
  const plays = [
    {
      name: `Pre-flight of ${model.name}: the rendered tree, then every host reachable and as the inventory says`,
      hosts: 'all',
      any_errors_fatal: true,
      ...COMMON_PLAY_KEYS,
      tags: ALWAYS,
      vars: {
        clusterspec_probe_script: PROBE_SCRIPT,
        // The script's arguments, each quoted on the shell line.
        clusterspec_probe_words: [
          '{{ inventory_hostname }}',
          '{{ clusterspec_address }}',
          "{{ clusterspec_programs | join(' ') }}",
          "{{ clusterspec_users | join(' ') }}",
          "{{ clusterspec_groups | join(' ') }}",
          "{{ 'stubbed' if (clusterspec_stub_services | bool) else 'strict' }}",
        ],
      },
      tasks: preflightTasks(model.name),
    },
    {
      name: `Control-plane hosts of ${model.name}, one at a time, each healthy before the next`,
      hosts: CONTROL_PLANE_GROUP,
      serial: 1,
      any_errors_fatal: true,
      max_fail_percentage: 0,
      ...COMMON_PLAY_KEYS,
      ...install,
      tasks: [...install.tasks, flushHandlers, healthCheck],
    },
    { name: `Every other host of ${model.name}`, hosts: `all:!${CONTROL_PLANE_GROUP}`, ...COMMON_PLAY_KEYS, ...install },
    ...(objects.length > 0 ? [clusterObjectsPlay(model, objects)] : []),
  ];
  return yamlFile(playbookFile, PLAYBOOK_PATH, plays, [
    `Installs ${model.name}'s files and tells the services that read them. Render the secrets first, then, from this folder:`,
    `  clusterspec render cluster.yaml --all --to /srv/rendered`,
    `  ansible-playbook -i inventory.yml -i /path/to/inventory.local.yml site.yml -e clusterspec_rendered=/srv/rendered/${model.name}`,
    'inventory.local.yml (yours, kept beside the spec, never in out/): ansible_user, keys, bastion, management addresses.',
    'Drift (every file that differs on every host, secret ones by path): add --check --diff.',
    `One component: --tags ${TAGS.join(',')}.`,
  ]);
}
