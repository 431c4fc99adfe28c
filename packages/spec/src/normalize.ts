import { hostProblem, parseHostPort, parseServerURL, type Endpoint, type ServerURL } from './endpoint';
import { SpecError, type FieldPath } from './errors';
import { BUILT_IN_GROUPS } from './groups';
import { createHash } from 'node:crypto';
import type { CertificateSettings, ClusterModel, Host, KubernetesUser, VirtualIP } from './model';
import type { KubernetesRelease } from './releases';
import type { Version } from './version';
import { cidrProblem, cidrsOverlap, cidrSize, cidrContains, nthAddress, parseCidr, parseIpv4 } from './net';
import { ProblemList } from './problems';
import { normalizeContainerRuntime } from './container-runtime';
import type { RawSpec } from './raw-spec.generated';
import { KUBERNETES_RELEASES } from './releases';
import { normalizeConsul, normalizeDocker, normalizeHarbor, resolveRelease, withRole } from './sections';
import type { ParsedSource } from './source';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function checkHosts(raw: RawSpec, problems: ProblemList): void {
  const firstByName = new Map<string, number>();
  const firstByAddress = new Map<string, number>();
  raw.spec.hosts.forEach((host, index) => {
    const sameName = firstByName.get(host.name);
    if (sameName !== undefined) {
      problems.add(
        ['spec', 'hosts', index, 'name'],
        `host name "${host.name}" is already used by the host on line ${problems.line(['spec', 'hosts', sameName, 'name'])}`,
        'give every host a unique name',
      );
    } else firstByName.set(host.name, index);
    const sameAddress = firstByAddress.get(host.address);
    if (sameAddress !== undefined) {
      problems.add(
        ['spec', 'hosts', index, 'address'],
        `address ${host.address} is already used by host "${raw.spec.hosts[sameAddress].name}" (line ${problems.line(['spec', 'hosts', sameAddress, 'address'])})`,
        'give every host its own address; a host with several roles is listed once with all of them',
      );
    } else firstByAddress.set(host.address, index);
  });
  if (!raw.spec.hosts.some((host) => host.roles.includes('control-plane'))) {
    problems.add(['spec', 'hosts'], 'no host has the control-plane role', 'add "control-plane" to the roles of at least one host (three for HA)');
  }
}

function checkHostReferences(raw: RawSpec, problems: ProblemList): void {
  const names = new Set(raw.spec.hosts.map((host) => host.name));
  const check = (list: readonly string[] | undefined, path: FieldPath) =>
    list?.forEach((name, index) => {
      if (!names.has(name))
        problems.add([...path, index], `host "${name}" is not defined in spec.hosts`, `define it in spec.hosts or use one of: ${[...names].join(', ')}`);
    });
  check(raw.spec.harbor?.loadBalancer.hosts, ['spec', 'harbor', 'loadBalancer', 'hosts']);
  const dockerHosts = raw.spec.docker?.hosts;
  if (Array.isArray(dockerHosts)) check(dockerHosts, ['spec', 'docker', 'hosts']);
}

/** An https://host:port a kubeconfig dials: a real host and a port in range. */
function serverURL(text: string, path: FieldPath, problems: ProblemList): ServerURL {
  return problems.parsed(parseServerURL(text, ['https'], true), path, 'write https://<name or address>:<port> of an apiserver or its load balancer');
}

function checkNetworking(raw: RawSpec, problems: ProblemList): { apiServerServiceIP: string; clusterDNS: string } {
  const { serviceSubnet, podSubnet } = raw.spec.kubernetes.networking;
  const base = ['spec', 'kubernetes', 'networking'];
  const serviceProblem = cidrProblem(serviceSubnet);
  const podProblem = cidrProblem(podSubnet);
  if (serviceProblem) problems.add([...base, 'serviceSubnet'], `"${serviceSubnet}" ${serviceProblem}`, 'write an IPv4 network such as 10.96.0.0/12');
  if (podProblem) problems.add([...base, 'podSubnet'], `"${podSubnet}" ${podProblem}`, 'write an IPv4 network such as 10.244.0.0/16');
  if (serviceProblem) return { apiServerServiceIP: '', clusterDNS: '' };
  const services = parseCidr(serviceSubnet);
  if (cidrSize(services) < 16)
    problems.add(
      [...base, 'serviceSubnet'],
      `"${serviceSubnet}" holds fewer than 16 addresses; cluster DNS takes the tenth`,
      'use a prefix of /28 or shorter (/12 is the kubeadm default)',
    );
  if (!podProblem && cidrsOverlap(services, parseCidr(podSubnet))) {
    problems.add([...base, 'podSubnet'], `"${podSubnet}" overlaps serviceSubnet "${serviceSubnet}"`, 'choose disjoint networks for pods and Services');
  }
  raw.spec.hosts.forEach((host, index) => {
    const address = parseIpv4(host.address);
    if (address !== undefined && cidrContains(services, address)) {
      problems.add(
        ['spec', 'hosts', index, 'address'],
        `address ${host.address} lies inside serviceSubnet ${serviceSubnet}`,
        'move the host or the Service network; they must not overlap',
      );
    }
  });
  return { apiServerServiceIP: nthAddress(services, 1), clusterDNS: nthAddress(services, 10) };
}

/**
 * Certificate lifetimes: the spec's, or the release's defaults (kubeadm's one year and ten years, sign.sh's
 * -days); validity set where the release's kubeadm cannot take it is refused at the field.
 */
function normalizeCertificates(raw: RawSpec, version: Version, release: KubernetesRelease, problems: ProblemList): CertificateSettings {
  // An unsupported version is already reported (resolveRelease); no model is built then.
  if (release === undefined) return undefined as unknown as CertificateSettings;
  const given = raw.spec.kubernetes.certificates;
  const setInSpec = (['validityDays', 'caValidityDays'] as const).filter((key) => given[key] !== undefined);
  if (!release.certificateValiditySettable) {
    for (const key of setInSpec) {
      problems.add(
        ['spec', 'kubernetes', 'certificates', key],
        `kubeadm before 1.31 cannot set certificate validity (certificateValidityPeriod came with config v1beta4): Kubernetes ${version.text} issues certificates for one year and its CA for ten`,
        `remove ${key}, or use Kubernetes 1.31 or newer`,
      );
    }
  }
  return {
    validityDays: given.validityDays ?? release.certificateValidityDays,
    caValidityDays: given.caValidityDays ?? release.caCertificateValidityDays,
    expiryWarningDays: given.expiryWarningDays,
    setInSpec,
  };
}

/** A copied apiserver certificate must come from, and go to, a control-plane host. */
function checkCertificateCopies(raw: RawSpec, problems: ProblemList): void {
  const controlPlane = new Set(raw.spec.hosts.filter((host) => host.roles.includes('control-plane')).map((host) => host.name));
  raw.spec.hosts.forEach((host, index) => {
    const source = host.apiServerCertificateFrom;
    if (source === undefined) return;
    const path = ['spec', 'hosts', index, 'apiServerCertificateFrom'];
    if (!controlPlane.has(host.name))
      problems.add(path, `host "${host.name}" runs no apiserver`, 'remove apiServerCertificateFrom or give the host the control-plane role');
    else if (!controlPlane.has(source)) problems.add(path, `"${source}" is not a control-plane host`, `name one of: ${[...controlPlane].join(', ')}`);
  });
}

function checkCertSANs(sans: readonly string[], problems: ProblemList): void {
  sans.forEach((san, index) => {
    if (hostProblem(san.replace(/^\*\./, ''))) {
      problems.add(
        ['spec', 'kubernetes', 'apiServer', 'certSANs', index],
        `"${san}" is neither a DNS name nor a valid IPv4 address`,
        'write a DNS name or a dotted-quad address',
      );
    }
  });
}

function normalizeUsers(raw: RawSpec, problems: ProblemList): KubernetesUser[] {
  const users = raw.spec.kubernetes.users.map((user, index) => ({
    name: user.name,
    groups: user.groups,
    clusterRole: user.clusterRole,
    ...(user.server === undefined ? {} : { server: serverURL(user.server, ['spec', 'kubernetes', 'users', index, 'server'], problems) }),
  }));
  const seen = new Set<string>();
  const roleOfGroup = new Map<string, { role: string; user: string }>();
  users.forEach((user, index) => {
    if (seen.has(user.name)) problems.add(['spec', 'kubernetes', 'users', index, 'name'], `user "${user.name}" is defined twice`, 'merge the two entries');
    seen.add(user.name);
    for (const group of user.groups.filter((name) => !BUILT_IN_GROUPS.has(name))) {
      const bound = roleOfGroup.get(group);
      if (bound && bound.role !== user.clusterRole) {
        problems.add(
          ['spec', 'kubernetes', 'users', index, 'clusterRole'],
          `group "${group}" is bound to "${bound.role}" by user "${bound.user}" and to "${user.clusterRole}" here`,
          'a group gets one ClusterRole: give both users the same clusterRole or different groups',
        );
      } else roleOfGroup.set(group, { role: user.clusterRole, user: user.name });
    }
  });
  return users;
}

/**
 * A VRRP virtual_router_id nobody chose: stable for the site (cluster name and address), spread over 1–255
 * so that two sites on one network rarely share one; vip-config reports those that do within one lint run.
 */
export function derivedVirtualRouterId(clusterName: string, address: string): number {
  return (createHash('sha256').update(`${clusterName}/${address}`).digest().readUInt32BE(0) % 255) + 1;
}

const LB_PATH: FieldPath = ['spec', 'kubernetes', 'loadBalancer'];

/**
 * The virtual address's provider, and the combinations that cannot work: keepalived with no balancer
 * host to run on, kube-vip without kubeadm (it leader-elects through the admin.conf kubeadm writes),
 * provider settings without an address, per-node mode on a port the apiserver does not use.
 */
function normalizeVirtualIP(raw: RawSpec, hosts: readonly Host[], kubeadmFlow: boolean, problems: ProblemList): VirtualIP | undefined {
  const { loadBalancer } = raw.spec.kubernetes;
  const balancers = withRole(hosts, 'apiserver-lb');
  if (loadBalancer.virtualAddress === undefined) {
    // interface and vrrpPassword have defaults, so only these two are known to be written.
    for (const key of ['provider', 'virtualRouterId'] as const) {
      if (loadBalancer[key] !== undefined)
        problems.add([...LB_PATH, key], `${key} has no effect without loadBalancer.virtualAddress`, 'add virtualAddress, or remove this setting');
    }
    return undefined;
  }
  const provider = loadBalancer.provider ?? (balancers.length > 0 ? 'keepalived' : 'kube-vip');
  if (provider === 'keepalived' && balancers.length === 0) {
    problems.add(
      [...LB_PATH, 'provider'],
      'keepalived moves the virtual address between apiserver-lb hosts, and no host has that role',
      'give the balancer hosts the apiserver-lb role, or use provider kube-vip (the address then moves between the control-plane hosts)',
    );
  }
  if (provider === 'kube-vip' && !kubeadmFlow) {
    problems.add(
      [...LB_PATH, loadBalancer.provider ? 'provider' : 'virtualAddress'],
      'kube-vip runs as a static pod that leader-elects through the admin.conf kubeadm writes, and this site is not set up by kubeadm (Kubernetes 1.15 and newer)',
      'use provider keepalived with apiserver-lb hosts',
    );
  }
  if (provider === 'kube-vip' && loadBalancer.virtualRouterId !== undefined) {
    problems.add(
      [...LB_PATH, 'virtualRouterId'],
      'virtualRouterId is a keepalived (VRRP) setting; kube-vip in ARP mode elects a leader instead',
      'remove virtualRouterId, or use provider keepalived',
    );
  }
  return {
    address: loadBalancer.virtualAddress,
    provider,
    holders: provider === 'keepalived' ? balancers : withRole(hosts, 'control-plane'),
    interface: loadBalancer.interface,
    virtualRouterId: loadBalancer.virtualRouterId ?? derivedVirtualRouterId(raw.metadata.name, loadBalancer.virtualAddress),
    password: loadBalancer.vrrpPassword,
  };
}

function checkPerNodeMode(raw: RawSpec, problems: ProblemList): void {
  const { loadBalancer, apiServer } = raw.spec.kubernetes;
  const { port } = loadBalancer;
  const { bindPort } = apiServer;
  if (loadBalancer.mode === 'per-node' && port !== bindPort) {
    problems.add(
      [...LB_PATH, 'mode'],
      `per-node mode: kube-proxy's one configuration dials 127.0.0.1:${port} on every node, and on control-plane hosts the apiserver answers there only on its bindPort ${bindPort}`,
      `set loadBalancer.port to ${bindPort} (the per-node proxies listen on 127.0.0.1 only, so they never collide with a central balancer elsewhere)`,
    );
  }
}

/** Turns a schema-valid spec into the immutable model, or throws SpecError with every problem. */
export function normalize(source: ParsedSource): ClusterModel {
  const raw = source.data as RawSpec;
  const problems = new ProblemList(source);
  checkHosts(raw, problems);
  checkHostReferences(raw, problems);
  const kubernetes = raw.spec.kubernetes;
  const controlPlaneEndpoint: Endpoint = problems.parsed(
    parseHostPort(kubernetes.controlPlaneEndpoint),
    ['spec', 'kubernetes', 'controlPlaneEndpoint'],
    'write a DNS name or a dotted-quad address, then :port (1 to 65535)',
  );
  const derived = checkNetworking(raw, problems);
  const { version, release } = resolveRelease(KUBERNETES_RELEASES, kubernetes.version, ['spec', 'kubernetes', 'version'], problems);
  const kubeProxyServer =
    kubernetes.kubeProxy.server === undefined ? undefined : serverURL(kubernetes.kubeProxy.server, ['spec', 'kubernetes', 'kubeProxy', 'server'], problems);
  const certSANs = kubernetes.apiServer.certSANs;
  checkCertSANs(certSANs, problems);
  const users = normalizeUsers(raw, problems);
  checkCertificateCopies(raw, problems);
  const certificates = normalizeCertificates(raw, version, release, problems);
  const hosts: Host[] = raw.spec.hosts.map((host) => ({
    name: host.name,
    address: host.address,
    roles: host.roles,
    ...(host.labels ? { labels: host.labels } : {}),
    ...(host.taints ? { taints: host.taints.map((taint) => ({ key: taint.key, value: taint.value, effect: taint.effect })) } : {}),
    ...(host.apiServerCertificateFrom ? { apiServerCertificateFrom: host.apiServerCertificateFrom } : {}),
  }));
  const harbor = normalizeHarbor(raw.spec.harbor, hosts, problems);
  const consul = normalizeConsul(raw.spec.consul, hosts, problems);
  const docker = normalizeDocker(raw.spec.docker, hosts, consul, problems);
  const { runtime, containerd } = normalizeContainerRuntime(
    kubernetes.version,
    release,
    { runtime: kubernetes.containerRuntime, containerd: raw.spec.containerd },
    problems,
  );
  // An unsupported version is reported already: kube-vip's own refusal would only repeat it.
  const virtualIP = normalizeVirtualIP(raw, hosts, release === undefined || release.flow === 'kubeadm', problems);
  checkPerNodeMode(raw, problems);
  if (problems.problems.length > 0) throw new SpecError(problems.problems);

  const loadBalancer = kubernetes.loadBalancer;
  return deepFreeze({
    file: source.file,
    name: raw.metadata.name,
    hosts,
    kubernetes: {
      version,
      release,
      containerRuntime: runtime,
      controlPlaneEndpoint,
      networking: {
        serviceSubnet: kubernetes.networking.serviceSubnet,
        podSubnet: kubernetes.networking.podSubnet,
        dnsDomain: kubernetes.networking.dnsDomain,
        ...derived,
      },
      apiServer: { bindPort: kubernetes.apiServer.bindPort, certSANs },
      loadBalancer: {
        port: loadBalancer.port,
        engine: loadBalancer.engine,
        ...(virtualIP ? { virtualIP } : {}),
        addToCertificates: loadBalancer.addToCertificates,
        mode: loadBalancer.mode,
        connectTimeout: loadBalancer.connectTimeout,
        proxyTimeout: loadBalancer.proxyTimeout,
        hosts: withRole(hosts, 'apiserver-lb'),
      },
      schedulableControlPlane: kubernetes.controlPlane.schedulable,
      ...(kubernetes.rollout.workerBatchSize === undefined ? {} : { workerBatchSize: kubernetes.rollout.workerBatchSize }),
      ...(kubeProxyServer ? { kubeProxyServer } : {}),
      controlPlaneHosts: withRole(hosts, 'control-plane'),
      workerHosts: withRole(hosts, 'worker'),
      nodes: hosts.filter((host) => host.roles.includes('control-plane') || host.roles.includes('worker')),
      bootstrapToken: kubernetes.bootstrapToken,
      certificateKey: kubernetes.certificateKey,
      caCertHash: kubernetes.caCertHash,
      users,
      certificates,
    },
    harbor,
    consul,
    docker,
    ...(containerd ? { containerd } : {}),
    osFamily: raw.spec.osFamily,
    lint: { rules: raw.spec.lint.rules },
    locate: source.locate,
  });
}
