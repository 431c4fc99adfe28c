import { HOST_FIELDS, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { filesKey, secretBearing } from './host-vars';
import { CONTROL_PLANE_GROUP, defineDeployFile, PLAYBOOK_PATH, yamlFile } from './layout';
import { handlerTopic, registeredResult, serviceOf, SERVICES, type Service, type Task } from './services';

export const playbookFile = defineDeployFile(
  'playbook',
  PLAYBOOK_PATH,
  'the Ansible playbook: installs every file of `hosts/<host>/` at its path with its mode from the rendered tree (`clusterspec_rendered`), restarts what changed through handlers, control-plane hosts one at a time (`serial: 1`) with a health check stopping the run; `--check --diff` is the drift report',
  HOST_FIELDS,
);

const REAL = 'not (clusterspec_stub_services | bool)';
const STUB = 'clusterspec_stub_services | bool';

/** Refuses to start without a rendered tree, or with out/<cluster> (placeholders, not secrets) in its place. */
const checkRenderedTree: Task = {
  name: 'Check that the files come from a rendered tree',
  'ansible.builtin.assert': {
    that: [
      'clusterspec_rendered is defined',
      "(clusterspec_rendered ~ '/hosts') is directory",
      '(clusterspec_rendered | realpath) != (playbook_dir | dirname | realpath)',
    ],
    fail_msg: 'clusterspec_rendered: DIR/<cluster> of `clusterspec render <spec> --all --to DIR`, never out/ (placeholders)',
    quiet: true,
  },
};

/** The copy of a service's files on the host; secret-bearing ones with values and diffs hidden. */
function installTask(service: Service, secret: boolean): Task {
  const list = secret ? 'clusterspec_secret_files' : 'clusterspec_files';
  return {
    name: `Install ${service.label}${secret ? ' (files with secrets: no log, no diff)' : ''}`,
    'ansible.builtin.copy': {
      src: '{{ clusterspec_rendered }}/hosts/{{ inventory_hostname }}{{ item.path }}',
      // The folder with a trailing slash: copy then makes it when missing (directory_mode 0755, as packages
      // make /etc's), keeping existing folders' modes, and names the file as its source (the same name).
      // https://docs.ansible.com/ansible/latest/collections/ansible/builtin/copy_module.html (dest)
      dest: '{{ clusterspec_target }}{{ item.path | dirname }}/',
      mode: '{{ item.mode }}',
      directory_mode: '0755',
    },
    loop: `{{ ${list}.${filesKey(service.id)} | default([]) }}`,
    loop_control: { label: '{{ item.path }}' },
    register: registeredResult(service.id, secret),
    ...(service.handlers.length > 0 ? { notify: handlerTopic(service) } : {}),
    ...(secret ? { no_log: true, diff: false } : {}),
  };
}

/** A service's handlers, each listening on its topic and skipped when stubbed, then the stub that only says what they would do. */
function handlers(service: Service): Task[] {
  if (service.handlers.length === 0) return [];
  const real = service.handlers.map((handler) => ({ ...handler, listen: handlerTopic(service), when: REAL }));
  const stub = {
    name: `Stub: ${service.action}`,
    'ansible.builtin.debug': { msg: `stubbed (clusterspec_stub_services): ${service.action}` },
    listen: handlerTopic(service),
    when: STUB,
  };
  return [...real, stub];
}

const flushHandlers: Task = { name: 'Restart what changed on this host before its health check', 'ansible.builtin.meta': 'flush_handlers' };

/** After a control-plane host changed: its apiserver must answer, or the run stops before the next host. */
const healthCheck: Task = {
  name: 'Wait until the apiserver of this host is healthy',
  'ansible.builtin.uri': { url: '{{ clusterspec_health_url }}', validate_certs: false, status_code: 200 },
  register: 'clusterspec_health',
  until: 'clusterspec_health.status == 200',
  retries: '{{ clusterspec_health_retries }}',
  delay: '{{ clusterspec_health_delay }}',
  when: 'clusterspec_health_check | bool',
};

/**
 * site.yml: the control-plane hosts one at a time (serial: 1), any failure (a handler, the health check)
 * stopping the whole run (any_errors_fatal, max_fail_percentage: 0); then every other host. Both plays
 * install the same way; only the services some host of the site needs get a task and handlers.
 */
export function generatePlaybook(model: ClusterModel, artifacts: readonly Artifact[]): Artifact {
  const hostFiles = artifacts
    .filter((item) => item.path.startsWith('hosts/'))
    .map((item) => ({ service: serviceOf(item.path.replace(/^hosts\/[^/]+/, '')), secret: secretBearing(item) }));
  const used = SERVICES.filter((service) => hostFiles.some((file) => file.service === service));
  const withSecrets = new Set(hostFiles.filter((file) => file.secret).map((file) => file.service));
  const installs = used.flatMap((service) =>
    withSecrets.has(service) ? [installTask(service, false), installTask(service, true)] : [installTask(service, false)],
  );
  const install = [checkRenderedTree, ...installs];
  const allHandlers = used.flatMap(handlers);
  const common = { become: '{{ clusterspec_become | bool }}', gather_facts: false };
  const plays = [
    {
      name: `Control-plane hosts of ${model.name}, one at a time, each healthy before the next`,
      hosts: CONTROL_PLANE_GROUP,
      serial: 1,
      any_errors_fatal: true,
      max_fail_percentage: 0,
      ...common,
      tasks: [...install, flushHandlers, healthCheck],
      handlers: allHandlers,
    },
    {
      name: `Every other host of ${model.name}`,
      hosts: `all:!${CONTROL_PLANE_GROUP}`,
      ...common,
      tasks: install,
      handlers: allHandlers,
    },
  ];
  return yamlFile(playbookFile, PLAYBOOK_PATH, plays, [
    `Installs ${model.name}'s files and restarts what changed. Render the secrets first, then:`,
    `  clusterspec render cluster.yaml --all --to /srv/rendered`,
    `  ansible-playbook -i inventory.yml site.yml -e clusterspec_rendered=/srv/rendered/${model.name}`,
    'Drift (every file that differs on every host): add --check --diff.',
  ]);
}
