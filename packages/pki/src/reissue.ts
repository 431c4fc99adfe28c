import type { ClusterModel } from '@clusterspec/spec';
import type { DeployedCertificate } from './deployed';
import { sanDifference } from './deployed';
import { APISERVER_ETCD_CLIENT, CA_FILES, ETCD_PKI_DIR, KUBEADM_CERTIFICATES, PKI_DIR, usesKubeadm, type CertificatePlan } from './plan';

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
function restartFor(path: string): { component: string; command: string } | undefined {
  if (path.startsWith(`${ETCD_PKI_DIR}/`) && !path.endsWith('/healthcheck-client.crt')) return { component: 'etcd', command: restartStaticPod('etcd') };
  if (/\/apiserver[^/]*\.crt$/.test(path) || path === `${APISERVER_ETCD_CLIENT}.crt` || path === `${PKI_DIR}/front-proxy-client.crt`)
    return { component: 'kube-apiserver', command: restartStaticPod('kube-apiserver') };
  if (path === `${PKI_DIR}/controller-manager.crt`) return { component: 'kube-controller-manager', command: restartStaticPod('kube-controller-manager') };
  if (path === `${PKI_DIR}/scheduler.crt`) return { component: 'kube-scheduler', command: restartStaticPod('kube-scheduler') };
  if (/\/kubelet-[^/]+\.crt$/.test(path)) return { component: 'kubelet', command: 'systemctl restart kubelet' };
  return undefined;
}

/** The commands that issue one certificate again. */
function issueCommands(entry: Reissue, cluster: string): string[] {
  if (CA_FILES.includes(entry.path)) {
    return [
      `# ${entry.path} is a CA: rotating it re-issues everything it signed; follow kubeadm's "Manual rotation of CA certificates" (kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/)`,
    ];
  }
  if (entry.plan?.issuedBy === 'sign.sh') {
    const name = (file: string) => file.split('/').pop() as string;
    const target =
      entry.host === undefined
        ? `to the user, beside cluster/kubeconfig/${name(entry.plan.certFile).replace(/\.crt$/, '.conf')}`
        : `root@${entry.host}:${entry.plan.certFile.slice(0, entry.plan.certFile.lastIndexOf('/') + 1)}`;
    return [
      `out/${cluster}/pki/sign.sh /etc/kubernetes/pki ./signed ${entry.plan.id}   # on the machine holding the CA keys`,
      entry.host === undefined
        ? `# give signed/${name(entry.plan.certFile)} and signed/${name(entry.plan.keyFile)} ${target}`
        : `scp signed/${name(entry.plan.certFile)} signed/${name(entry.plan.keyFile)} ${target}`,
    ];
  }
  const kubeadmName = entry.kubeadmName ?? KUBEADM_CERTIFICATES.find((candidate) => candidate.path === entry.path)?.renewName;
  if (entry.plan?.issuedBy === 'kubeadm' && entry.sansChange) {
    // kubeadm certs renew keeps the old SANs; new ones need the certificate issued anew from the new config
    // (kubeadm docs, "Reconfiguring a kubeadm cluster", applying changes to the apiserver certificate SANs).
    return [
      `kubectl -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' > /root/kubeadm-cluster.yaml`,
      `mv ${entry.path} ${entry.path.replace(/\.crt$/, '.key')} /root/`,
      `kubeadm init phase certs ${kubeadmName ?? 'apiserver'} --config /root/kubeadm-cluster.yaml`,
    ];
  }
  if (kubeadmName) return [`kubeadm certs renew ${kubeadmName}`];
  return [`# ${entry.path}: clusterspec knows no issuer for it; issue it again as it was issued`];
}

/**
 * The runbook: per host, control-plane hosts one at a time (so etcd and the apiservers keep quorum), each
 * certificate with its reasons, the commands that issue it, and what to restart; then the workers, then the
 * users' certificates.
 */
export function renderRunbook(model: ClusterModel, entries: readonly Reissue[]): string {
  const cluster = model.name;
  if (entries.length === 0) return `# Re-issue runbook for ${cluster}\n\nNothing to re-issue.\n`;
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
    `# Re-issue runbook for ${cluster}`,
    '',
    `${entries.length} certificate(s) on ${hosts.filter((host) => host !== undefined).length} host(s); ${flow}.`,
  ];
  hosts.forEach((host) => {
    const own = entries.filter((entry) => entry.host === host);
    const isControlPlane = host !== undefined && controlPlane.includes(host);
    lines.push(
      '',
      host === undefined ? '## Users' : `## ${host}${isControlPlane ? ' (control plane: finish this host, and see it healthy, before the next)' : ''}`,
    );
    for (const entry of own) {
      lines.push('', `- ${entry.path}`, ...entry.reasons.map((reason) => `  - ${reason}`));
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
      lines.push('', `Then on ${host}, restart what reads them:`, '', '```sh', ...restarts.map((restart) => restart.command), '```');
    }
    if (isControlPlane) {
      const check = usesKubeadm(model)
        ? 'kubeadm certs check-expiration'
        : `clusterspec lint SPEC --certs DIR   # after collecting ${host}'s certificates again`;
      lines.push('', `Before the next host: \`kubectl get --raw /readyz\` answers ok through ${host}, and \`${check}\` shows the new dates.`);
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
