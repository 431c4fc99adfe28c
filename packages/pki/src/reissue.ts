import { usesKubeadm } from '@clusterspec/spec';
import type { ClusterModel } from '@clusterspec/spec';
import type { DeployedCertificate } from './deployed';
import { sanDifference } from './deployed';
import { clipped, shellComment, shellQuote, visible } from './inert-text';
import { APISERVER_ETCD_CLIENT, CA_FILES, ETCD_PKI_DIR, KUBEADM_CERTIFICATES, PKI_DIR, type CertificatePlan } from './plan';

/** One certificate to issue again, where it is installed, and every reason found. */
export interface Reissue {
  /** The host it is installed on; undefined for a user's certificate. */
  readonly host?: string;
  /** Its path on the host, or cluster/kubeconfig/<user>.crt. */
  readonly path: string;
  /** Its plan, when clusterspec plans it. */
  readonly plan?: CertificatePlan;
  /** kubeadm's name for it (`kubeadm certs renew NAME`), when kubeadm issues it. */
  readonly kubeadmName?: string;
  /** Whether a SAN changes: kubeadm then issues it anew from a regenerated config rather than renewing it. */
  readonly sansChange: boolean;
  readonly reasons: readonly string[];
}

/**
 * What changed in the plan since an earlier pki/plan.json (`certs plan --since REF`): each certificate whose
 * SANs differ, or that is new, at each of its install places.
 */
export function planChanges(
  previous: readonly CertificatePlan[],
  current: readonly CertificatePlan[],
  installed: (plan: CertificatePlan) => { host?: string; path: string }[],
): Reissue[] {
  return current.flatMap((plan) => {
    const before = previous.find((candidate) => candidate.id === plan.id);
    let reason: string | undefined;
    if (!before) reason = 'new in pki/plan.json';
    else {
      const { added, removed } = sanDifference(plan, before);
      const parts = [...(added.length > 0 ? [`adds ${added.join(', ')}`] : []), ...(removed.length > 0 ? [`removes ${removed.join(', ')}`] : [])];
      if (parts.length > 0) reason = `pki/plan.json ${parts.join(' and ')}`;
    }
    return reason === undefined ? [] : installed(plan).map(({ host, path }) => ({ host, path, plan, sansChange: Boolean(before), reasons: [reason] }));
  });
}

/** Merges the reasons of entries about the same certificate at the same place, keeping the first's order. */
export function mergeReissues(entries: readonly Reissue[]): Reissue[] {
  const merged = new Map<string, Reissue>();
  for (const entry of entries) {
    const key = `${entry.host ?? ''}\u0000${entry.path}`;
    const known = merged.get(key);
    merged.set(
      key,
      known
        ? {
            ...known,
            plan: known.plan ?? entry.plan,
            kubeadmName: known.kubeadmName ?? entry.kubeadmName,
            sansChange: known.sansChange || entry.sansChange,
            reasons: [...known.reasons, ...entry.reasons.filter((reason) => !known.reasons.includes(reason))],
          }
        : entry,
    );
  }
  return [...merged.values()];
}

const MANIFESTS = '/etc/kubernetes/manifests';

/**
 * A static pod restarts when its manifest leaves the manifests folder and comes back: the kubelet checks the
 * folder every 20 s (kubeadm docs, "Certificate Management with kubeadm": dynamic certificate reload is not
 * supported for every component).
 */
const restartStaticPod = (component: string) => `mv ${MANIFESTS}/${component}.yaml /root/ && sleep 20 && mv /root/${component}.yaml ${MANIFESTS}/`;

/** Which process reads a certificate, so the runbook restarts it. */
export function restartFor(path: string): { component: string; command: string } | undefined {
  if (path.startsWith(`${ETCD_PKI_DIR}/`) && !path.endsWith('/healthcheck-client.crt')) return { component: 'etcd', command: restartStaticPod('etcd') };
  if (/\/apiserver[^/]*\.crt$/.test(path) || path === `${APISERVER_ETCD_CLIENT}.crt` || path === `${PKI_DIR}/front-proxy-client.crt`)
    return { component: 'kube-apiserver', command: restartStaticPod('kube-apiserver') };
  if (path === `${PKI_DIR}/controller-manager.crt`) return { component: 'kube-controller-manager', command: restartStaticPod('kube-controller-manager') };
  if (path === `${PKI_DIR}/scheduler.crt`) return { component: 'kube-scheduler', command: restartStaticPod('kube-scheduler') };
  if (/\/kubelet-[^/]+\.crt$/.test(path)) return { component: 'kubelet', command: 'systemctl restart kubelet' };
  return undefined;
}

/** Where kubeadm's generated configuration is deployed on a host: @clusterspec/kubernetes's KUBEADM_CONFIG_PATH (which imports this package, so it is not imported here; a test holds them equal). */
const DEPLOYED_KUBEADM_CONFIG = '/etc/kubernetes/kubeadm-config.yaml';
/** A control-plane node's own admin kubeconfig, which kubeadm writes on init and on join --control-plane. */
const ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf';
/** Where a host's copy of the cluster's ClusterConfiguration is written for `kubeadm init phase certs`. */
const CLUSTER_CONFIGURATION_COPY = '/root/kubeadm-cluster.yaml';

/** Whether an entry is a kubeadm-issued certificate whose SANs change: kubeadm issues those from the ClusterConfiguration. */
const needsNewClusterConfiguration = (entry: Reissue) => entry.plan?.issuedBy === 'kubeadm' && entry.sansChange;

/** The commands that issue one certificate again; every value from outside quoted or in a comment of one line. */
export function issueCommands(entry: Reissue, cluster: string): string[] {
  if (CA_FILES.includes(entry.path)) {
    return [
      shellComment(
        `${entry.path} is a CA: rotating it re-issues everything it signed; follow kubeadm's "Manual rotation of CA certificates" (kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/)`,
      ),
    ];
  }
  if (entry.plan?.issuedBy === 'sign.sh') {
    const name = (file: string) => file.split('/').pop() as string;
    const signed = (file: string) => shellQuote(`signed/${name(file)}`);
    const directory = entry.plan.certFile.slice(0, entry.plan.certFile.lastIndexOf('/') + 1);
    return [
      `${shellQuote(`out/${cluster}/pki/sign.sh`)} /etc/kubernetes/pki ./signed ${shellQuote(entry.plan.id)}   # on the machine holding the CA keys`,
      entry.host === undefined
        ? shellComment(
            `give signed/${name(entry.plan.certFile)} and signed/${name(entry.plan.keyFile)} to the user, beside cluster/kubeconfig/${name(entry.plan.certFile).replace(/\.crt$/, '.conf')}`,
          )
        : `scp ${signed(entry.plan.certFile)} ${signed(entry.plan.keyFile)} ${shellQuote(`root@${entry.host}:${directory}`)}`,
    ];
  }
  const kubeadmName = entry.kubeadmName ?? KUBEADM_CERTIFICATES.find((candidate) => candidate.path === entry.path)?.renewName;
  if (needsNewClusterConfiguration(entry)) {
    // kubeadm certs renew keeps the old SANs, and kubeadm init phase certs keeps a certificate already on disk:
    // the old pair moves away, then kubeadm issues it from the ClusterConfiguration the cluster section of the
    // runbook updated (kubeadm docs, "Reconfiguring a kubeadm cluster": kubeadm init phase certs <component> --config).
    const certificate = entry.plan!.certFile;
    return [
      `kubectl --kubeconfig ${ADMIN_KUBECONFIG} -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' > ${CLUSTER_CONFIGURATION_COPY}`,
      `mv ${shellQuote(certificate)} ${shellQuote(entry.plan!.keyFile)} /root/`,
      `kubeadm init phase certs ${shellQuote(kubeadmName ?? 'apiserver')} --config ${CLUSTER_CONFIGURATION_COPY}`,
      `openssl x509 -noout -text -in ${shellQuote(certificate)} | grep -A1 'Subject Alternative Name'   # the new names`,
    ];
  }
  if (kubeadmName) return [`kubeadm certs renew ${shellQuote(kubeadmName)}`];
  return [shellComment(`${entry.path}: clusterspec knows no issuer for it; issue it again as it was issued`)];
}

/**
 * The cluster-wide step before any host's kubeadm certificate with new SANs: the new apiServer.certSANs into
 * the kubeadm-config ConfigMap, from the configuration clusterspec generated for the first control-plane host
 * (the one with the ClusterConfiguration), as kubeadm documents it ("Reconfiguring a kubeadm cluster": update
 * the ClusterConfiguration, e.g. with `kubeadm init phase upload-config kubeadm --config`, then re-issue the
 * certificate on each control-plane node and restart the apiserver).
 */
function clusterConfigurationSection(model: ClusterModel): string[] {
  const first = visible(model.kubernetes.controlPlaneHosts[0]?.name ?? 'the first control-plane host');
  return [
    '',
    '## Cluster configuration (first, once)',
    '',
    `kubeadm issues certificates from the ClusterConfiguration in the kube-system/kubeadm-config ConfigMap: the new apiServer.certSANs go there before any host's certificate, or it comes out with the old names. On ${first}, once the regenerated out/${visible(model.name)}/ is deployed there (its ${DEPLOYED_KUBEADM_CONFIG} lists the new names):`,
    '',
    '```sh',
    `kubeadm init phase upload-config kubeadm --config ${DEPLOYED_KUBEADM_CONFIG}`,
    `kubectl --kubeconfig ${ADMIN_KUBECONFIG} -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}'   # apiServer.certSANs lists the new names`,
    '```',
  ];
}

/**
 * The runbook: per host, control-plane hosts one at a time (so etcd and the apiservers keep quorum), each
 * certificate with its reasons, the commands that issue it, and what to restart; then the workers, then the
 * users' certificates.
 */
export function renderRunbook(model: ClusterModel, entries: readonly Reissue[]): string {
  const cluster = model.name;
  if (entries.length === 0) return `# Re-issue runbook for ${visible(cluster)}\n\nNothing to re-issue.\n`;
  const controlPlane = model.kubernetes.controlPlaneHosts.map((host) => host.name);
  const hostOrder = (host?: string) =>
    host === undefined
      ? Number.MAX_SAFE_INTEGER
      : controlPlane.includes(host)
        ? controlPlane.indexOf(host)
        : controlPlane.length + model.hosts.findIndex((candidate) => candidate.name === host);
  const hosts = [...new Set(entries.map((entry) => entry.host))].sort((a, b) => hostOrder(a) - hostOrder(b));
  const flow = usesKubeadm(model) ? 'kubeadm flow' : 'legacy flow: pki/sign.sh with the cluster CA (and etcd CA) under /etc/kubernetes/pki';
  const lines = [
    `# Re-issue runbook for ${visible(cluster)}`,
    '',
    `${entries.length} certificate(s) on ${hosts.filter((host) => host !== undefined).length} host(s); ${flow}.`,
    ...(entries.some(needsNewClusterConfiguration) ? clusterConfigurationSection(model) : []),
  ];
  hosts.forEach((host) => {
    const own = entries.filter((entry) => entry.host === host);
    const isControlPlane = host !== undefined && controlPlane.includes(host);
    lines.push(
      '',
      host === undefined ? '## Users' : `## ${visible(host)}${isControlPlane ? ' (control plane: finish this host, and see it healthy, before the next)' : ''}`,
    );
    for (const entry of own) {
      lines.push('', `- ${clipped(entry.path)}`, ...entry.reasons.map((reason) => `  - ${clipped(reason)}`));
      lines.push('', '```sh', ...issueCommands(entry, cluster), '```');
    }
    const restarts = [
      ...new Map(
        own
          .map((entry) => restartFor(entry.path))
          .filter((restart) => restart !== undefined)
          .map((restart) => [restart.component, restart]),
      ).values(),
    ];
    if (host !== undefined && restarts.length > 0) {
      lines.push('', `Then on ${visible(host)}, restart what reads them:`, '', '```sh', ...restarts.map((restart) => restart.command), '```');
    }
    if (isControlPlane) {
      const check = usesKubeadm(model)
        ? 'kubeadm certs check-expiration'
        : `clusterspec lint SPEC --certs DIR   # after collecting ${visible(host)}'s certificates again`;
      lines.push('', `Before the next host: \`kubectl get --raw /readyz\` answers ok through ${visible(host)}, and \`${check}\` shows the new dates.`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** A deployed certificate's place, for entries built from lint findings. */
export function reissueAt(
  certificate: DeployedCertificate,
  plan: CertificatePlan | undefined,
  kubeadmName: string | undefined,
  reasons: readonly string[],
  sansChange: boolean,
): Reissue {
  return {
    ...(certificate.host !== undefined ? { host: certificate.host } : {}),
    path: certificate.path,
    ...(plan ? { plan } : {}),
    ...(kubeadmName ? { kubeadmName } : {}),
    sansChange,
    reasons,
  };
}
