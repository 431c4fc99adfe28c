import { lintSite, rules, type Diagnostic } from '@clusterspec/lint';
import { installedPaths, issueCommands, shellQuote, planCertificates, planChanges, restartFor, type Reissue } from '@clusterspec/pki';
import { CONSUL_RELEASES, HARBOR_RELEASES, KUBERNETES_RELEASES, skewTracker, versionChange, type Artifact, type Host, type Version } from '@clusterspec/spec';
import { serviceOf } from '@clusterspec/deploy';
import { ansibleCommand, DEFAULT_RENDERED, tagsOf } from './ansible';
import { batches, defaultWorkerBatchSize } from './batches';
import { siteChanges, withRole, type SiteChanges } from './changes';
import { apiserverHealthy, drain, ETCDCTL, etcdHealthy, KUBECTL, nodeReady, peerURL, uncordon } from './commands';
import { PHASES, type Command, type EtcdAction, type Phase, type Plan, type PlanOptions, type PlanStep, type Revision } from './types';

/** A step before numbering. */
type Draft = Omit<PlanStep, 'number'>;
type Changed = ReturnType<SiteChanges['changed']>[number];

/** The rules judging the step between two revisions: the change-* family of the one rule list. */
export const CHANGE_RULES = rules.filter((rule) => rule.id.startsWith('change-'));

/** Files some step installs, so the last phase picks up only what no earlier step did. */
class Claims {
  private readonly taken = new Set<string>();
  /** Hosts whose certificate re-issues a step already carries. */
  readonly reissued = new Set<string>();
  take(files: readonly Changed[]): Changed[] {
    const fresh = files.filter((file) => !this.taken.has(file.path));
    fresh.forEach((file) => this.taken.add(file.path));
    return fresh;
  }
  has(file: Changed): boolean {
    return this.taken.has(file.path);
  }
}

interface Context {
  readonly c: SiteChanges;
  /** The first control-plane host both revisions have: where kubectl (admin.conf) and etcdctl run. */
  readonly anchor: string;
  readonly claims: Claims;
  readonly cluster: string;
  readonly rendered?: string;
  readonly batchSize: number;
  readonly reissues: readonly Reissue[];
  readonly upgrade: { readonly from: Version; readonly to: Version } | undefined;
}

const names = (hosts: readonly Host[]) => hosts.map((host) => host.name);
const at = (on: string, run: string): Command => ({ on, run });
const each = (run: string): Command => ({ on: 'each', run });
const operator = (run: string): Command => ({ on: 'operator', run });
/** kubectl with admin.conf runs on a control-plane host that stays (kubeadm writes admin.conf there only). */
const kube = (ctx: Context, run: string): Command => ({ on: ctx.anchor, run });

/** A step that installs files on hosts with the bundle, plus commands before and after. */
function installStep(
  ctx: Context,
  phase: Phase,
  title: string,
  hosts: readonly string[],
  files: readonly Changed[],
  parts: { before?: Command[]; after?: Command[]; gate: Command[]; why: string; etcd?: EtcdAction[]; extraVars?: string[] },
): Draft {
  const ansible = ansibleCommand(ctx.cluster, hosts, tagsOf(files), ctx.rendered, parts.extraVars);
  const reissue = ctx.reissues.filter((entry) => entry.host !== undefined && hosts.includes(entry.host) && !ctx.claims.reissued.has(entry.host));
  reissue.forEach((entry) => ctx.claims.reissued.add(entry.host as string));
  const reissueCommands = reissue.flatMap((entry) => [
    at(entry.host as string, `# ${entry.path}: ${entry.reasons.join('; ')}`),
    ...issueCommands(entry, ctx.cluster).map((command) => at(entry.host as string, command)),
  ]);
  const restarts = [
    ...new Map(
      reissue.flatMap((entry) => {
        const restart = restartFor(entry.path);
        return restart ? [[`${entry.host} ${restart.component}`, at(entry.host as string, restart.command)] as const] : [];
      }),
    ).values(),
  ];
  const tells = [...new Set(files.map((file) => serviceOf(file.hostPath).action).filter((action) => action !== 'nothing'))];
  return {
    phase,
    title,
    hosts,
    files: files.map((file) => file.path),
    ...(ansible && tells.length > 0 ? { tells } : {}),
    commands: [...(parts.before ?? []), ...(ansible ? [operator(ansible)] : []), ...reissueCommands, ...restarts, ...(parts.after ?? [])],
    ...(ansible ? { ansible } : {}),
    gate: parts.gate,
    why: parts.why,
    ...(parts.etcd ? { etcd: parts.etcd } : {}),
  };
}

/** Backups before anything is touched: etcd when its members or Kubernetes change, Harbor's database before an upgrade. */
function prepare(ctx: Context): Draft[] {
  const { previous, current } = ctx.c;
  const cps = ctx.c.hosts;
  const steps: Draft[] = [];
  const oldCps = previous.model.kubernetes.controlPlaneHosts;
  const keptCp = oldCps.find((host) => current.model.kubernetes.controlPlaneHosts.some((other) => other.name === host.name && other.address === host.address));
  const membersChange = cps.added.some((host) => host.roles.includes('control-plane')) || cps.removed.some((host) => host.roles.includes('control-plane'));
  if (keptCp && (membersChange || ctx.upgrade)) {
    steps.push({
      phase: 'prepare',
      title: 'Back up etcd',
      hosts: [keptCp.name],
      files: [],
      commands: [at(keptCp.name, `${ETCDCTL} snapshot save /var/backups/etcd-${ctx.cluster}-before-plan.db`)],
      gate: [at(keptCp.name, `${ETCDCTL} snapshot status /var/backups/etcd-${ctx.cluster}-before-plan.db   # a revision and a hash`)],
      why: 'etcd holds every object of the cluster; a membership change or an upgrade that goes wrong is undone from this snapshot (etcd docs, "Disaster recovery")',
    });
  }
  const harborBefore = previous.model.harbor;
  const harborAfter = current.model.harbor;
  if (
    harborBefore &&
    harborAfter &&
    versionChange(HARBOR_RELEASES, harborBefore.version, harborAfter.version, (release) => release.upgradeMinorsBack).kind !== 'same'
  ) {
    const db = harborBefore.database;
    const dump = db.embedded
      ? `cp -a ${harborBefore.storage.dataPath}/database /var/backups/harbor-database-${harborBefore.version.text}   # the bundled database's files, every instance stopped`
      : harborBefore.release.layout === 'cfg'
        ? `mysqldump -h ${db.host} -P ${db.port} -u ${db.user} -p --databases registry > /var/backups/harbor-registry-${harborBefore.version.text}.sql`
        : `pg_dump -h ${db.host} -p ${db.port} -U ${db.user} -Fc registry > /var/backups/harbor-registry-${harborBefore.version.text}.dump`;
    const first = harborAfter.instances[0]?.name ?? harborBefore.instances[0]?.name;
    steps.push({
      phase: 'prepare',
      title: `Back up Harbor ${harborBefore.version.text}: its database and its installer folder`,
      hosts: first ? [first] : [],
      files: [],
      commands: [each(dump), each(`cp -a /opt/harbor /var/backups/harbor-${harborBefore.version.text}   # the old installer and harbor.yml, to roll back`)],
      gate: [each('ls -s /var/backups   # the dump is not empty; the copy holds harbor.yml (harbor.cfg for 1.x)')],
      why: 'Harbor\'s upgrade guide: back up the database before any migration, which alters its schema (goharbor.io/docs, "Upgrade Harbor and Migrate Data")',
    });
  }
  return steps;
}

type Skew = ReturnType<typeof skewTracker>;

/**
 * Kubernetes' packages at one version, as kubeadm's upgrade guide installs them: apt with the held packages
 * released (Debian), yum with the repository's exclusion lifted (rhel).
 */
function installPackages(osFamily: 'debian' | 'rhel', packages: readonly string[], version: string): string {
  return osFamily === 'rhel'
    ? `yum install -y ${packages.map((name) => `'${name}-${version}-*'`).join(' ')} --disableexcludes=kubernetes`
    : `apt-get install -y --allow-change-held-packages ${packages.map((name) => `'${name}=${version}-*'`).join(' ')}`;
}

/** Consul's files are the consul phase's (servers before clients), whatever else changes on a host. */
const notConsul = (file: Changed) => tagsOf([file])[0] !== 'consul';

const isNodeFile = (file: Changed) =>
  /^\/etc\/(containerd|docker|kubernetes\/kubelet|systemd\/system\/kubelet)/.test(file.hostPath) || file.hostPath === '/var/lib/kubelet/config.yaml';

/** Kept control-plane hosts whose files or certificates change, one at a time, without a version change. */
function controlPlane(ctx: Context): Draft[] {
  if (ctx.upgrade) return [];
  const kept = ctx.c.hosts.kept.filter((host) => host.roles.includes('control-plane'));
  const port = ctx.c.current.model.kubernetes.apiServer.bindPort;
  return kept.flatMap((host) => {
    const files = ctx.claims.take(ctx.c.changed(host.name).filter((file) => tagsOf([file])[0] !== 'lb' && notConsul(file)));
    const reissue = ctx.reissues.some((entry) => entry.host === host.name);
    if (files.length === 0 && !reissue) return [];
    return [
      installStep(ctx, 'control-plane', `Control plane ${host.name}: new files${reissue ? ' and certificates with new SANs' : ''}`, [host.name], files, {
        gate: [at(host.name, apiserverHealthy(host, port)), at(host.name, etcdHealthy), kube(ctx, nodeReady(host.name))],
        why: 'control-plane hosts one at a time, each healthy before the next, so etcd keeps its quorum and the balancers always have apiservers; certificates gain their new names before any client is moved to them',
      }),
    ];
  });
}

/** Kubernetes' upgrade: kubeadm upgrade apply on the first control plane, upgrade node on the others, each one at a time. */
function kubernetesUpgrade(ctx: Context, skew: Skew | undefined): Draft[] {
  const upgrade = ctx.upgrade;
  if (!upgrade || !skew) return [];
  const model = ctx.c.current.model;
  const kubeadm = model.kubernetes.release.flow === 'kubeadm';
  const port = model.kubernetes.apiServer.bindPort;
  const target = upgrade.to.text;
  const kept = ctx.c.hosts.kept.filter((host) => host.roles.includes('control-plane'));
  return kept.map((host, index) => {
    const files = ctx.claims.take(ctx.c.changed(host.name).filter((file) => tagsOf([file])[0] !== 'lb' && !isNodeFile(file) && notConsul(file)));
    const gateSkew = skew.set('apiserver', [host.name], upgrade.to);
    const before = kubeadm
      ? [
          at(host.name, `${installPackages(model.osFamily, ['kubeadm'], target)}   # kubeadm first, the kubelet after every control plane`),
          ...(index === 0
            ? [at(host.name, `kubeadm upgrade plan v${target}`), at(host.name, `kubeadm upgrade apply v${target} --yes`)]
            : [at(host.name, 'kubeadm upgrade node')]),
        ]
      : [
          at(
            host.name,
            `# legacy flow: the new static-pod manifests (images ${target}) are the upgrade; the kubelet restarts each pod as its manifest changes`,
          ),
        ];
    return installStep(
      ctx,
      'kubernetes-upgrade',
      `Upgrade the control plane of ${host.name} to ${target}${index === 0 ? ' (the first control plane)' : ''}`,
      [host.name],
      files,
      {
        before,
        gate: [
          at(host.name, apiserverHealthy(host, port)),
          at(host.name, etcdHealthy),
          operator(
            `${KUBECTL} -n kube-system get pods -l tier=control-plane --field-selector spec.nodeName=${host.name} -o wide   # every pod Running at ${target}`,
          ),
          operator(`# ${gateSkew}`),
        ],
        why:
          index === 0
            ? 'kubeadm upgrades the cluster-wide configuration once, from the first control-plane host (`kubeadm upgrade apply`), one minor release at a time; kubelets wait until every apiserver is upgraded, since a kubelet may never be newer than an apiserver'
            : '`kubeadm upgrade node` on each further control-plane host, one at a time, so etcd and the apiservers stay available; apiservers differ by at most one minor meanwhile',
      },
    );
  });
}

/** Kubelets after every control plane: control-plane hosts one at a time, then workers in batches. */
function kubelets(ctx: Context, skew: Skew | undefined): Draft[] {
  const upgrade = ctx.upgrade;
  if (!upgrade || !skew) return [];
  const model = ctx.c.current.model;
  const kubeadm = model.kubernetes.release.flow === 'kubeadm';
  const target = upgrade.to.text;
  const kept = new Set(names(ctx.c.hosts.kept));
  const cps = model.kubernetes.controlPlaneHosts.filter((host) => kept.has(host.name));
  const workers = model.kubernetes.workerHosts.filter((host) => kept.has(host.name));
  const containerdBefore = ctx.c.previous.model.containerd?.series;
  const containerdAfter = model.containerd?.series;
  // The containerd release paired with the new Kubernetes release (its release table), when it moves with it: its
  // package goes on the drained node before the bundle installs (and checks, and restarts it with) its new config.
  const newContainerd =
    containerdAfter !== undefined && containerdAfter !== containerdBefore
      ? [
          `# install the containerd ${containerdAfter}.x package (paired with Kubernetes ${upgrade.to.major}.${upgrade.to.minor}); the bundle below installs its config and restarts it`,
        ]
      : [];
  const upgradeKubelet = [installPackages(model.osFamily, ['kubelet', 'kubectl'], target), 'systemctl daemon-reload && systemctl restart kubelet'];
  const group = (hosts: readonly Host[], worker: boolean): Draft => {
    const hostNames = names(hosts);
    const files = ctx.claims.take(hostNames.flatMap((name) => ctx.c.changed(name).filter((file) => (worker || isNodeFile(file)) && notConsul(file))));
    const gateSkew = skew.set('kubelet', hostNames, upgrade.to);
    return installStep(ctx, 'kubelets', `${worker ? 'Workers' : 'Control-plane node'} ${hostNames.join(', ')}: kubelet ${target}`, hostNames, files, {
      before: [...hostNames.map((name) => kube(ctx, drain(name))), ...(worker && kubeadm ? [each('kubeadm upgrade node')] : []), ...newContainerd.map(each)],
      after: [...upgradeKubelet.map(each), ...hostNames.map((name) => kube(ctx, uncordon(name)))],
      gate: [
        ...hostNames.map((name) => kube(ctx, nodeReady(name))),
        kube(ctx, `${KUBECTL} get nodes ${hostNames.join(' ')} -o wide   # VERSION ${target}`),
        operator(`# ${gateSkew}`),
      ],
      why: worker
        ? `workers after every control plane, ${ctx.batchSize} at a time (drained first, so their pods run elsewhere meanwhile)`
        : 'each control-plane kubelet after every apiserver is upgraded (a kubelet newer than an apiserver is unsupported), one host at a time, drained first',
    });
  };
  return [...cps.map((host) => group([host], false)), ...batches(workers, ctx.batchSize).map((batch) => group(batch, true))];
}

/** Control-plane hosts added: etcd learns the member before it starts (kubeadm join --control-plane does both). */
function joins(ctx: Context): Draft[] {
  const model = ctx.c.current.model;
  const kubeadm = model.kubernetes.release.flow === 'kubeadm';
  const port = model.kubernetes.apiServer.bindPort;
  const endpoint = `${model.kubernetes.controlPlaneEndpoint.host}:${model.kubernetes.controlPlaneEndpoint.port}`;
  const added = ctx.c.hosts.added.filter((host) => host.roles.includes('control-plane'));
  const anchor = ctx.c.hosts.kept.find((host) => host.roles.includes('control-plane'))?.name ?? model.kubernetes.controlPlaneHosts[0].name;
  return added.map((host) => {
    const files = ctx.claims.take(ctx.c.changed(host.name).filter((file) => tagsOf([file])[0] !== 'lb'));
    const etcd: EtcdAction[] = [
      { op: 'member-add', member: host.name, peerURL: peerURL(host) },
      { op: 'start', member: host.name },
    ];
    const before = kubeadm
      ? [
          at(anchor, 'kubeadm token create --print-join-command'),
          at(anchor, 'kubeadm init phase upload-certs --upload-certs   # prints the certificate key for the join'),
        ]
      : [
          at(anchor, `${ETCDCTL} member add ${host.name} --peer-urls=${peerURL(host)}`),
          // The generated manifest bootstraps a new cluster; a member joining a running one starts as `existing`,
          // so the rendered copy is changed before the bundle installs it (the kubelet starts it on arrival).
          operator(
            `sed -i 's/--initial-cluster-state=new/--initial-cluster-state=existing/' ${shellQuote(`${ctx.rendered ?? DEFAULT_RENDERED}/${ctx.cluster}/hosts/${host.name}/etc/kubernetes/manifests/etcd.yaml`)}`,
          ),
        ];
    const after = kubeadm
      ? [
          at(
            host.name,
            `kubeadm join ${endpoint} --control-plane --token TOKEN --discovery-token-ca-cert-hash sha256:HASH --certificate-key KEY   # adds ${host.name}'s etcd member, then starts it`,
          ),
        ]
      : [];
    return installStep(ctx, 'control-plane-join', `Add control plane ${host.name}`, [host.name], files, {
      before,
      after,
      gate: [
        at(anchor, etcdHealthy),
        at(anchor, `${ETCDCTL} member list   # ${host.name} started`),
        at(host.name, apiserverHealthy(host, port)),
        kube(ctx, nodeReady(host.name)),
      ],
      // The playbook's apiserver health check would wait for an apiserver that only the join starts.
      extraVars: ['clusterspec_health_check=false'],
      why: 'etcd is told of the new member before it starts (etcd docs, "Runtime reconfiguration": add, then start), one member at a time so a failed join costs no quorum; it joins before the balancers send it traffic and before any old member leaves',
      etcd,
    });
  });
}

/** Balancers one at a time: new ones first, retired ones next, then the others, the VIP's preferred holder last. */
function balancers(ctx: Context): Draft[] {
  const { previous, current } = ctx.c;
  const vip = current.model.kubernetes.loadBalancer.virtualIP?.address ?? previous.model.kubernetes.loadBalancer.virtualIP?.address;
  const lbPort = current.model.kubernetes.loadBalancer.port;
  const preferred = previous.model.kubernetes.loadBalancer.virtualIP?.holders[0]?.name;
  const addedNames = new Set(names(ctx.c.hosts.added));
  // On a central balancer the ingress nginx may carry the apiserver stream too (fixtures/modern): its files go with the balancer's.
  // A new balancer gets every file of its host at once (its /etc/hosts and resolv.conf before its services start).
  const lbFiles = (name: string) => {
    const central = current.model.hosts.find((host) => host.name === name)?.roles.includes('apiserver-lb');
    const changed = ctx.c.changed(name);
    if (!changed.some((file) => tagsOf([file])[0] === 'lb')) return [];
    return addedNames.has(name) ? changed : changed.filter((file) => tagsOf([file])[0] === 'lb' || (central && tagsOf([file])[0] === 'ingress'));
  };
  const central = withRole(current.model, 'apiserver-lb');
  const candidates = current.model.hosts.filter((host) => lbFiles(host.name).length > 0);
  const order = (host: Host) => (addedNames.has(host.name) ? 0 : host.name === preferred ? 2 : 1);
  const ordered = [...candidates].sort((a, b) => order(a) - order(b));
  const gate = [
    ...(vip ? [at(ctx.anchor, `curl -fsk https://${vip}:${lbPort}/readyz   # the virtual address answers`)] : []),
    at(
      ctx.anchor,
      `curl -fsk https://${current.model.kubernetes.controlPlaneEndpoint.host}:${current.model.kubernetes.controlPlaneEndpoint.port}/readyz   # the endpoint answers`,
    ),
  ];
  const retired = ctx.c.hosts.removed.filter((host) => host.roles.includes('apiserver-lb') && !current.model.hosts.some((other) => other.name === host.name));
  const steps: Draft[] = [];
  const perHost = (host: Host) =>
    installStep(
      ctx,
      'balancers',
      `Balancer ${host.name}${central.includes(host) ? '' : ' (its own apiserver proxy)'}`,
      [host.name],
      ctx.claims.take(lbFiles(host.name)),
      {
        gate,
        why: 'balancers one at a time, so the virtual address and the endpoint always have a holder; upstreams change here, after new control planes joined and before retired ones stop; the preferred VIP holder last, so the address moves once',
      },
    );
  ordered.filter((host) => order(host) === 0).forEach((host) => steps.push(perHost(host)));
  retired.forEach((host) =>
    steps.push({
      phase: 'balancers',
      title: `Retire balancer ${host.name}`,
      hosts: [host.name],
      files: [],
      commands: [at(host.name, `systemctl disable --now keepalived ${previous.model.kubernetes.loadBalancer.engine}   # the VIP moves to another holder`)],
      gate,
      why: 'a retired balancer stops before its peers forget it, so no two hosts claim the address and the VIP moves to a remaining holder at once',
    }),
  );
  ordered.filter((host) => order(host) > 0).forEach((host) => steps.push(perHost(host)));
  return steps;
}

/** Control-plane hosts removed, one at a time, after the balancers stopped sending them traffic. */
function leaves(ctx: Context): Draft[] {
  const model = ctx.c.current.model;
  const kubeadm = ctx.c.previous.model.kubernetes.release.flow === 'kubeadm';
  const anchor = ctx.c.hosts.kept.find((host) => host.roles.includes('control-plane'))?.name ?? model.kubernetes.controlPlaneHosts[0].name;
  const removed = ctx.c.hosts.removed.filter((host) => host.roles.includes('control-plane'));
  return removed.map((host) => ({
    phase: 'control-plane-leave',
    title: `Remove control plane ${host.name}`,
    hosts: [host.name],
    files: [],
    commands: [
      at(anchor, drain(host.name)),
      ...(kubeadm
        ? [
            at(host.name, 'kubeadm reset --force   # removes its etcd member from the cluster, then stops its static pods'),
            at(anchor, `${ETCDCTL} member list | grep -w ${host.name} && ${ETCDCTL} member remove ID   # only if reset could not remove it`),
          ]
        : [
            at(anchor, `${ETCDCTL} member remove $(${ETCDCTL} member list | awk -F', ' '$3 == "${host.name}" {print $1}')`),
            at(host.name, 'mkdir -p /root/retired && mv /etc/kubernetes/manifests/*.yaml /root/retired/   # stops etcd and the control plane'),
          ]),
      at(anchor, `${KUBECTL} delete node ${host.name}`),
    ],
    gate: [at(anchor, etcdHealthy), at(anchor, `${ETCDCTL} member list   # ${host.name} gone`)],
    why: 'after the balancers dropped it (it takes no traffic), after any new member joined (the quorum never shrinks below the old majority), one at a time; the member is removed from etcd before its process stops, so it never counts as a failed voter',
    etcd: [
      { op: 'member-remove', member: host.name },
      { op: 'stop', member: host.name },
    ],
  }));
}

/** Workers joining, changing (in batches, drained when the node's runtime or kubelet files change) and leaving. */
function workers(ctx: Context): Draft[] {
  const model = ctx.c.current.model;
  const endpoint = `${model.kubernetes.controlPlaneEndpoint.host}:${model.kubernetes.controlPlaneEndpoint.port}`;
  const isWorker = (host: Host) => host.roles.includes('worker');
  const added = ctx.c.hosts.added.filter(isWorker);
  const kept = ctx.c.hosts.kept.filter((host) => isWorker(host) && ctx.c.changed(host.name).some(notConsul));
  const removed = ctx.c.hosts.removed.filter((host) => isWorker(host) && !model.hosts.some((other) => other.name === host.name));
  const steps: Draft[] = [];
  const first = model.kubernetes.controlPlaneHosts[0].name;
  for (const batch of batches(added, ctx.batchSize)) {
    const hostNames = names(batch);
    steps.push(
      installStep(ctx, 'workers', `Add workers ${hostNames.join(', ')}`, hostNames, ctx.claims.take(hostNames.flatMap((name) => ctx.c.changed(name))), {
        before: [at(first, 'kubeadm token create --print-join-command')],
        after: [each(`kubeadm join ${endpoint} --token TOKEN --discovery-token-ca-cert-hash sha256:HASH`)],
        gate: hostNames.map((name) => kube(ctx, nodeReady(name))),
        why: `new workers before any is drained, so there is room for the pods moved; ${ctx.batchSize} at a time`,
      }),
    );
  }
  for (const batch of batches(kept, ctx.batchSize)) {
    const hostNames = names(batch);
    const files = ctx.claims.take(hostNames.flatMap((name) => ctx.c.changed(name).filter(notConsul)));
    if (files.length === 0) continue;
    const disruptive = files.some(isNodeFile);
    steps.push(
      installStep(ctx, 'workers', `Workers ${hostNames.join(', ')}: new files`, hostNames, files, {
        before: disruptive ? hostNames.map((name) => kube(ctx, drain(name))) : [],
        after: disruptive ? hostNames.map((name) => kube(ctx, uncordon(name))) : [],
        gate: hostNames.map((name) => kube(ctx, nodeReady(name))),
        why: `workers in batches of ${ctx.batchSize}${disruptive ? ', drained first: their container runtime or kubelet restarts' : ''}`,
      }),
    );
  }
  for (const batch of batches(removed, ctx.batchSize)) {
    const hostNames = names(batch);
    steps.push({
      phase: 'workers',
      title: `Remove workers ${hostNames.join(', ')}`,
      hosts: hostNames,
      files: [],
      commands: [
        ...hostNames.map((name) => kube(ctx, drain(name))),
        each('kubeadm reset --force'),
        ...hostNames.map((name) => kube(ctx, `${KUBECTL} delete node ${name}`)),
      ],
      gate: [kube(ctx, `${KUBECTL} get nodes   # ${hostNames.join(', ')} gone, every other node Ready`)],
      why: 'workers leave last among the nodes, drained first so their pods move to the others',
    });
  }
  return steps;
}

/** Consul servers one at a time (new ones first, the leader last, retired ones after), then the clients in batches. */
function consul(ctx: Context): Draft[] {
  const before = ctx.c.previous.model.consul;
  const after = ctx.c.current.model.consul;
  if (!before || !after) return [];
  const change = versionChange(CONSUL_RELEASES, before.version, after.version, () => Number.MAX_SAFE_INTEGER);
  const versionMoves = change.kind !== 'same';
  const install = versionMoves ? [each(`# install Consul ${after.version.text} (the same binary on every agent)`)] : [];
  const restart = versionMoves ? [each('systemctl restart consul')] : [];
  const peers = 'consul operator raft list-peers';
  const serverGate = (count: number) => [each(`${peers}   # ${count} voters, one leader`), each('consul members   # every agent alive')];
  const keptNames = new Set(names(ctx.c.hosts.kept));
  const added = after.servers.filter((host) => !keptNames.has(host.name) || !before.servers.some((other) => other.name === host.name));
  const kept = after.servers.filter((host) => !added.includes(host));
  const removed = before.servers.filter((host) => !after.servers.some((other) => other.name === host.name && other.address === host.address));
  const steps: Draft[] = [];
  let voters = before.servers.length;
  for (const host of added) {
    voters += 1;
    steps.push(
      installStep(ctx, 'consul', `Add Consul server ${host.name}`, [host.name], ctx.claims.take(ctx.c.changed(host.name)), {
        before: install,
        gate: serverGate(voters),
        why: 'a new server joins (retry_join) and becomes a voter before any server leaves, so the servers keep their quorum',
      }),
    );
  }
  const changedKept = kept.filter((host) => versionMoves || ctx.c.changed(host.name).some((file) => file.hostPath.startsWith('/etc/consul.d/')));
  changedKept.forEach((host, index) => {
    const last = index === changedKept.length - 1;
    const files = ctx.claims.take(ctx.c.changed(host.name));
    steps.push(
      installStep(ctx, 'consul', `Consul server ${host.name}${last ? ' (the leader goes last)' : ''}`, [host.name], files, {
        before: [
          ...(last
            ? []
            : [
                each(
                  `test "$(${peers} | awk '$1 == "${host.name}" {print $4}')" != leader   # the leader goes last: if this fails, do the next server first and come back to ${host.name}`,
                ),
              ]),
          ...install,
        ],
        after: files.length === 0 ? restart : [],
        gate: serverGate(voters),
        why: "Consul's upgrade guide: one server at a time, each back as a voter before the next, the leader last so leadership moves once",
      }),
    );
  });
  for (const host of removed) {
    voters -= 1;
    steps.push({
      phase: 'consul',
      title: `Remove Consul server ${host.name}`,
      hosts: [host.name],
      files: [],
      commands: [each('consul leave   # leaves the raft peers gracefully'), each('systemctl disable --now consul')],
      gate: serverGate(voters),
      why: 'a server leaves only after its replacement is a voter, one at a time, with `consul leave` so the peers shrink the quorum instead of counting it failed',
    });
  }
  const clients = after.clients.filter(
    (host) => keptNames.has(host.name) && (versionMoves || ctx.c.changed(host.name).some((file) => file.hostPath.startsWith('/etc/consul.d/'))),
  );
  for (const batch of batches(clients, ctx.batchSize)) {
    const hostNames = names(batch);
    const files = ctx.claims.take(hostNames.flatMap((name) => ctx.c.changed(name).filter((file) => file.hostPath.startsWith('/etc/consul.d/'))));
    steps.push(
      installStep(ctx, 'consul', `Consul clients ${hostNames.join(', ')}`, hostNames, files, {
        before: install,
        after: files.length === 0 ? restart : [],
        gate: [each('consul members   # every agent alive')],
        why: `clients after the servers (an agent may not be newer than its servers), ${ctx.batchSize} at a time`,
      }),
    );
  }
  return steps;
}

/** Harbor: an upgrade stops every instance, migrates on the first, then starts the others; other changes one instance at a time. */
function harbor(ctx: Context): Draft[] {
  const before = ctx.c.previous.model.harbor;
  const after = ctx.c.current.model.harbor;
  if (!after) return [];
  const instances = after.instances.filter((host) => ctx.c.hosts.kept.some((other) => other.name === host.name));
  const change = before ? versionChange(HARBOR_RELEASES, before.version, after.version, (release) => release.upgradeMinorsBack) : { kind: 'same' as const };
  const ping = (host: Host) =>
    operator(`curl -fs http://${host.address}:${after.httpPort}/api/${after.release.layout === 'yml' ? 'v2.0/ping' : 'systeminfo'}   # answers`);
  const steps: Draft[] = [];
  const files = (host: Host) =>
    ctx.claims.take(ctx.c.changed(host.name).filter((file) => file.hostPath.startsWith('/opt/harbor/') || tagsOf([file])[0] === 'harbor'));
  if (before && change.kind !== 'same') {
    steps.push({
      phase: 'harbor',
      title: `Stop every Harbor instance (${names(instances).join(', ')})`,
      hosts: names(instances),
      files: [],
      commands: [each('cd /opt/harbor && docker compose down   # docker-compose down before Compose v2')],
      gate: [each('docker ps --filter name=harbor --quiet   # prints nothing')],
      why: "the instances share one database: its schema changes once, with no old instance writing to it (Harbor's upgrade guide stops Harbor first)",
    });
    instances.forEach((host, index) => {
      const migrate =
        index === 0 && after.release.migratorImage
          ? [
              each(
                `docker run --rm -v /:/hostfs ${after.release.migratorImage}:v${after.version.text} migrate -i /hostfs/opt/harbor/harbor.yml   # Harbor's migrator; a no-op on the generated file, already at _version ${after.release.configVersion ?? after.version.text}`,
              ),
            ]
          : [];
      steps.push(
        installStep(ctx, 'harbor', `Harbor ${after.version.text} on ${host.name}${index === 0 ? ' (migrates the database)' : ''}`, [host.name], files(host), {
          before: [each(`# unpack the Harbor ${after.version.text} offline installer into /opt/harbor`)],
          after: [...migrate, each('cd /opt/harbor && ./install.sh   # runs ./prepare, then starts Harbor; the first start migrates the database schema')],
          gate: [ping(host)],
          why:
            index === 0
              ? 'one instance migrates the database at its first start, alone'
              : 'the other instances start once the database is migrated, one at a time',
        }),
      );
    });
    return steps;
  }
  for (const host of instances) {
    const own = files(host);
    if (own.length === 0) continue;
    steps.push(
      installStep(ctx, 'harbor', `Harbor on ${host.name}: new files`, [host.name], own, {
        gate: [ping(host)],
        why: 'one Harbor instance at a time, so the balancers always have one to send pushes and pulls to',
      }),
    );
  }
  return steps;
}

/** Whatever no earlier step installed: per host, in spec order and in batches, the ingress hosts one at a time. */
function otherHosts(ctx: Context): Draft[] {
  const model = ctx.c.current.model;
  const pending = model.hosts
    .map((host) => ({ host, files: ctx.c.changed(host.name) }))
    .filter(({ files }) => files.length > 0)
    .map(({ host, files }) => ({
      host,
      files: files.filter((file) => !ctx.claims.has(file) && (notConsul(file) || ctx.c.hosts.added.some((other) => other.name === host.name))),
    }))
    .filter(({ files }) => files.length > 0);
  const single = pending.filter(({ host }) => host.roles.includes('ingress'));
  const grouped = pending.filter(({ host }) => !host.roles.includes('ingress'));
  const step = (entries: typeof pending): Draft => {
    const hostNames = entries.map(({ host }) => host.name);
    const files = ctx.claims.take(entries.flatMap(({ files }) => files));
    const disruptive = files.some(isNodeFile) && entries.every(({ host }) => host.roles.includes('worker') || host.roles.includes('control-plane'));
    return installStep(ctx, 'hosts', `${hostNames.join(', ')}: new files`, hostNames, files, {
      before: disruptive ? hostNames.map((name) => kube(ctx, drain(name))) : [],
      after: disruptive ? hostNames.map((name) => kube(ctx, uncordon(name))) : [],
      gate: entries.some(({ host }) => host.roles.includes('ingress'))
        ? [each('curl -fsI http://127.0.0.1/   # the ingress nginx answers')]
        : [each('systemctl --failed   # lists nothing')],
      why: entries.some(({ host }) => host.roles.includes('ingress'))
        ? 'ingress hosts one at a time, so published services always have one'
        : `the rest after the control plane, balancers and servers, ${ctx.batchSize} hosts at a time`,
    });
  };
  return [...single.map((entry) => step([entry])), ...batches(grouped, ctx.batchSize).map(step)];
}

/** Files of the cluster (users' kubeconfigs, objects applied with kubectl) last: every host serves what they name by then. */
function cluster(ctx: Context): Draft[] {
  const before = new Map(ctx.c.previous.artifacts.filter((item) => item.path.startsWith('cluster/')).map((item) => [item.path, item.content]));
  const changed = ctx.c.current.artifacts.filter((item) => item.path.startsWith('cluster/') && before.get(item.path) !== item.content);
  const removed = [...before.keys()].filter((path) => !ctx.c.current.artifacts.some((item) => item.path === path));
  if (changed.length === 0 && removed.length === 0) return [];
  const kubeconfigs = changed.filter((item) => item.path.startsWith('cluster/kubeconfig/') && item.path.endsWith('.conf'));
  const objects = changed.filter((item) => !kubeconfigs.includes(item));
  const first = ctx.c.current.model.kubernetes.controlPlaneHosts[0].name;
  const ansible = objects.length > 0 ? ansibleCommand(ctx.cluster, [first], ['apiserver'], ctx.rendered) : undefined;
  return [
    {
      phase: 'cluster',
      title: 'Cluster objects and users’ kubeconfigs',
      hosts: objects.length > 0 ? [first] : [],
      files: [...changed.map((item: Artifact) => item.path), ...removed],
      commands: [
        ...(ansible ? [operator(ansible)] : []),
        ...kubeconfigs.map((item) => operator(`# give out/${ctx.cluster}/${item.path} to its user, with the user's certificate beside it`)),
      ],
      ...(ansible ? { ansible } : {}),
      gate:
        kubeconfigs.length > 0
          ? [operator(`kubectl --kubeconfig out/${ctx.cluster}/${kubeconfigs[0].path} get --raw /readyz   # ok, with a new kubeconfig`)]
          : [kube(ctx, `${KUBECTL} get nodes`)],
      why: "users' kubeconfigs last: what they dial is served by every balancer and named in every certificate by now",
    },
  ];
}

/** The order of a site's change from one revision to the next, or the change-* findings refusing it. */
export function planChange(previous: Revision, current: Revision, options: PlanOptions = {}): Plan {
  const previousSite = { model: previous.model, artifacts: new Map(previous.artifacts.map((item) => [item.path, item])) };
  const findings: Diagnostic[] = lintSite(current.model, current.artifacts, CHANGE_RULES, undefined, previousSite);
  const refusals = findings.filter((finding) => finding.severity === 'error');
  const base = {
    cluster: current.model.name,
    from: previous.model.file,
    to: current.model.file,
    refusals,
    notes: findings.filter((finding) => finding.severity !== 'error'),
  };
  if (refusals.length > 0) return { ...base, steps: [] };
  const c = siteChanges(previous, current);
  const kubernetes = versionChange(
    KUBERNETES_RELEASES,
    previous.model.kubernetes.version,
    current.model.kubernetes.version,
    (release) => release.upgradeMinors,
  );
  const upgrade =
    kubernetes.kind === 'upgrade' || kubernetes.kind === 'patch'
      ? { from: previous.model.kubernetes.version, to: current.model.kubernetes.version }
      : undefined;
  const reissues = planChanges(planCertificates(previous.model), planCertificates(current.model), installedPaths).filter(
    (entry) => entry.sansChange && entry.host !== undefined && c.hosts.kept.some((host) => host.name === entry.host),
  );
  const workerCount = current.model.kubernetes.workerHosts.length;
  const ctx: Context = {
    c,
    anchor: c.hosts.kept.find((host) => host.roles.includes('control-plane'))?.name ?? current.model.kubernetes.controlPlaneHosts[0].name,
    claims: new Claims(),
    cluster: current.model.name,
    ...(options.rendered ? { rendered: options.rendered } : {}),
    batchSize: options.workerBatchSize ?? current.model.kubernetes.workerBatchSize ?? defaultWorkerBatchSize(workerCount),
    reissues,
    upgrade,
  };
  const skew = upgrade
    ? skewTracker(
        names(previous.model.kubernetes.controlPlaneHosts),
        names(previous.model.kubernetes.nodes.filter((host) => current.model.hosts.some((other) => other.name === host.name))),
        upgrade.from,
      )
    : undefined;
  const drafts: Draft[] = [
    ...prepare(ctx),
    ...controlPlane(ctx),
    ...kubernetesUpgrade(ctx, skew),
    ...joins(ctx),
    ...balancers(ctx),
    ...leaves(ctx),
    ...kubelets(ctx, skew),
    ...workers(ctx),
    ...consul(ctx),
    ...harbor(ctx),
    ...otherHosts(ctx),
    ...cluster(ctx),
  ];
  const ordered = drafts
    .map((draft, index) => ({ draft, index }))
    .sort((a, b) => PHASES.indexOf(a.draft.phase) - PHASES.indexOf(b.draft.phase) || a.index - b.index);
  return { ...base, steps: ordered.map(({ draft }, index) => ({ number: index + 1, ...draft })) };
}
