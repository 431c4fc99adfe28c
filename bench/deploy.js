'use strict';
// npm run bench:deploy [-- --runs 5 --site modern --write] (also the last part of npm run bench, unless --no-deploy)
// The deploy bundle's speed over SSH: the generated playbook of a fixture run against namespace hosts with their
// own sshd (tests/support/ssh-hosts.ts, as in tests/acceptance/deploy-hosts.test.ts), services stubbed. Timed:
// `ansible all -m ping` over the same hosts (the floor: one module round trip per host), a run that changes
// nothing (the target: within 3× of the floor), and a first run. Each figure is the median of several runs, the
// SSH connections warm for both (ControlPersist), from the deploy folder (its ansible.cfg). Needs root; says why
// and does nothing otherwise.
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');
const ts = require('typescript');
const { parse, stringify } = require('yaml');

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'packages/cli/bin/clusterspec.js');
const HARNESS = join(ROOT, 'tests/support/ssh-hosts.ts');
const RESULTS = join(__dirname, 'RESULTS.md');
const HEALTH_PORT = 18_443;
/** The heading of this bench's section of RESULTS.md, which it rewrites and bench/run.js keeps. */
const SECTION = '## Deploy over SSH';
/** Secrets the fixtures name (values are irrelevant to the timing, but render needs every one). */
const SECRETS = {
  HARBOR_DB_PASSWORD: 'bench-db',
  HARBOR_REDIS_PASSWORD: 'bench-redis',
  HARBOR_ADMIN_PASSWORD: 'bench-admin',
  CONSUL_GOSSIP_KEY: 'YmVuY2hiZW5jaGJlbmNoYmVuY2hiZW5jaGJlbmNoMTI=',
  KUBEADM_BOOTSTRAP_TOKEN: 'abcdef.0123456789abcdef',
  KUBEADM_CERTIFICATE_KEY: 'benchcertkey',
  KUBEADM_CA_CERT_HASH: 'sha256:bench',
  HARBOR_CSRF_KEY: 'benchbenchbenchbenchbenchbench12',
  HARBOR_CORE_SECRET: 'bench-core',
  HARBOR_JOBSERVICE_SECRET: 'bench-job',
  KEEPALIVED_AUTH_PASS: 'bench123',
};

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

/** The harness is TypeScript for the tests; the bench loads it transpiled (typescript is a dev dependency). */
function requireTypeScript(file) {
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const loaded = new Module(file, module);
  loaded.filename = file;
  loaded.paths = Module._nodeModulePaths(dirname(file));
  loaded._compile(outputText, file);
  return loaded.exports;
}

function run(argv, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 600_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20, ...options });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0)
    throw new Error(`${argv.join(' ')} failed (${result.error?.message ?? result.status}): ${`${result.stdout}${result.stderr}`.slice(-3000)}`);
  return { seconds, stdout: result.stdout };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs the deploy bench; returns its report section, or undefined (with the reason printed) where it cannot run. */
async function benchDeploy({ site = option('site', 'modern'), runs = Number(option('runs', '5')) } = {}) {
  const { sshHostsMissing, startSshHosts } = requireTypeScript(HARNESS);
  const missing = sshHostsMissing() ?? (spawnSync('ansible-playbook', ['--version']).status === 0 ? undefined : 'ansible-playbook is not installed');
  if (missing) {
    process.stdout.write(`deploy bench skipped: ${missing}\n`);
    return undefined;
  }
  const work = mkdtempSync(join(tmpdir(), 'clusterspec-bench-deploy-'));
  let hosts;
  try {
    // The fixture with its secret files moved into the scratch folder (modern reads one from /run/secrets).
    const spec = join(work, 'spec', site, 'cluster.yaml');
    cpSync(join(ROOT, 'fixtures', site), dirname(spec), { recursive: true });
    writeFileSync(spec, readFileSync(spec, 'utf8').replaceAll('/run/secrets/', `${work}/secrets/`));
    mkdirSync(join(work, 'secrets'));
    writeFileSync(join(work, 'secrets', 'harbor-redis'), 'bench-redis-file', { mode: 0o600 });
    run([process.execPath, CLI, 'generate', '--quiet', spec, '--out', join(work, 'out')]);
    run([process.execPath, CLI, 'render', spec, '--all', '--to', join(work, 'rendered')], { env: { ...process.env, ...SECRETS } });
    const deploy = join(work, 'out', site, 'deploy');
    const inventory = parse(readFileSync(join(deploy, 'inventory.yml'), 'utf8'));
    const specs = Object.entries(inventory.all.hosts).map(([name, vars]) => {
      const hostVars = parse(readFileSync(join(deploy, 'host_vars', `${name}.yml`), 'utf8'));
      // keepalived --config-test refuses an interface the host does not have: the host gets the one its config names.
      const keepalived = join(work, 'out', site, 'hosts', name, 'etc/keepalived/keepalived.conf');
      const nic = existsSync(keepalived) ? /^\s*interface\s+(\S+)/m.exec(readFileSync(keepalived, 'utf8'))?.[1] : undefined;
      return { name, address: vars.ansible_host, users: hostVars.clusterspec_groups.filter((group) => group !== 'root'), interface: nic };
    });
    hosts = await startSshHosts(specs, { prefix: 'csb' });
    // The operator's inventory: the harness's connection settings, and each control-plane host's /healthz served
    // on the host itself (the playbook's health check runs there).
    const layered = parse(hosts.inventory());
    for (const name of Object.keys(inventory.all.children.control_plane?.hosts ?? {})) {
      await hosts.serveHealth(name, HEALTH_PORT, true);
      layered.all.hosts[name].clusterspec_health_url = `http://127.0.0.1:${HEALTH_PORT}/healthz`;
    }
    const local = join(work, 'inventory.local.yml');
    writeFileSync(local, stringify(layered));
    // --profile: Ansible's profile_tasks callback times each task of the last no-op run, printed at the end.
    const profile = process.argv.includes('--profile');
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ...(profile ? { ANSIBLE_CALLBACKS_ENABLED: 'ansible.posix.profile_tasks' } : {}) };
    let lastOutput = '';
    const common = ['-i', 'inventory.yml', '-i', local];
    const ping = () => run(['ansible', ...common, 'all', '-m', 'ansible.builtin.ping'], { cwd: deploy, env }).seconds;
    const playbook = () => {
      const done = run(
        ['ansible-playbook', ...common, 'site.yml', '-e', `clusterspec_rendered=${join(work, 'rendered', site)}`, '-e', 'clusterspec_stub_services=true'],
        {
          cwd: deploy,
          env,
        },
      );
      lastOutput = done.stdout;
      return done.seconds;
    };
    ping();
    const first = playbook();
    const pings = [];
    const noops = [];
    for (let index = 0; index < runs; index += 1) {
      pings.push(ping());
      noops.push(playbook());
    }
    const floor = median(pings);
    const noop = median(noops);
    const ratio = noop / floor;
    const lines = [
      SECTION,
      '',
      `${site}: ${specs.length} namespace hosts with their own sshd, services stubbed, the control plane's /healthz answered on each host, median of ${runs} runs (each no-op run right after a ping), connections warm.`,
      '',
      '| run | wall s |',
      '| --- | ---: |',
      `| ansible all -m ping (floor) | ${floor.toFixed(2)} |`,
      `| ansible-playbook site.yml, nothing to change | ${noop.toFixed(2)} |`,
      `| ansible-playbook site.yml, first run (every file new) | ${first.toFixed(2)} |`,
      '',
      `- ${ratio <= 3 ? 'met' : 'NOT met'}: a no-op run of ${site} within 3× of ansible -m ping over the same hosts: ${ratio.toFixed(2)}× (${noop.toFixed(2)} s vs ${floor.toFixed(2)} s)`,
      '',
    ];
    if (profile) process.stderr.write(lastOutput.slice(lastOutput.lastIndexOf('PLAY RECAP')));
    return lines.join('\n');
  } finally {
    await hosts?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * RESULTS.md with this bench's section replaced by section (or kept as it is, section undefined); the sections
 * after it (figures other tools measured, such as the VIP fault harness's) stay.
 */
function withSection(text, section) {
  if (section === undefined) return text;
  const start = text.indexOf(`\n${SECTION}\n`);
  if (start < 0) return `${text.replace(/\n*$/, '\n')}\n${section}`;
  const next = text.indexOf('\n## ', start + SECTION.length + 1);
  return `${text.slice(0, start + 1)}${section}${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
}

/** The deploy section of the RESULTS.md text, for bench/run.js to keep when it rewrites the rest. */
function sectionOf(text) {
  const start = text.indexOf(`\n${SECTION}\n`);
  return start >= 0 ? text.slice(start + 1) : undefined;
}

module.exports = { benchDeploy, withSection, sectionOf, SECTION };

if (require.main === module) {
  benchDeploy()
    .then((section) => {
      if (section === undefined) return;
      process.stdout.write(section);
      if (process.argv.includes('--write')) writeFileSync(RESULTS, withSection(readFileSync(RESULTS, 'utf8'), section));
    })
    .catch((error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}
