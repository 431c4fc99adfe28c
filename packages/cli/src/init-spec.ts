import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';

/** What `clusterspec init` asks: the shape of a first site. */
export interface InitAnswers {
  readonly name: string;
  readonly controlPlane: number;
  readonly workers: number;
  /** Load balancer host names: new hosts, or existing control-plane hosts that also balance. */
  readonly lb: readonly string[];
  readonly harbor: number;
  readonly consul: number;
  readonly kubernetesVersion: string;
}

export const INIT_DEFAULTS: InitAnswers = { name: 'my-site', controlPlane: 3, workers: 2, lb: ['lb-1'], harbor: 0, consul: 0, kubernetesVersion: '1.34.2' };

/** Placeholder addresses, one /16 per kind of host, so thousands of workers still get distinct ones. */
const address = (network: number, index: number) => `10.${network}.${Math.floor(index / 240)}.${(index % 240) + 10}`;

type HostData = { name: string; address: string; roles: string[] };

/** The spec as plain data: what the site is, before any comment is attached. */
export function initData(answers: InitAnswers): Record<string, unknown> {
  const hosts: HostData[] = [];
  const add = (prefix: string, count: number, network: number, roles: string[]) => {
    for (let index = 0; index < count; index += 1) hosts.push({ name: `${prefix}-${index + 1}`, address: address(network, index), roles: [...roles] });
  };
  add('cp', answers.controlPlane, 1, ['control-plane']);
  add('worker', answers.workers, 2, ['worker']);
  answers.lb.forEach((name, index) => {
    const existing = hosts.find((host) => host.name === name);
    if (existing) existing.roles.push('apiserver-lb');
    else hosts.push({ name, address: address(0, index + 1), roles: ['apiserver-lb'] });
  });
  add('harbor', answers.harbor, 3, ['harbor']);
  add('consul', answers.consul, 4, ['consul-server']);

  const spec: Record<string, unknown> = {
    hosts,
    kubernetes: {
      version: answers.kubernetesVersion,
      controlPlaneEndpoint: `k8s-api.${answers.name}.internal:8443`,
      networking: { serviceSubnet: '10.96.0.0/12', podSubnet: '10.244.0.0/16', dnsDomain: 'cluster.local' },
      apiServer: { bindPort: 6443, certSANs: [] },
      loadBalancer: { port: 8443, ...(answers.lb.length > 1 ? { virtualAddress: address(0, 0) } : {}), connectTimeout: '1s', proxyTimeout: '10m' },
      controlPlane: { schedulable: answers.workers === 0 },
      users: [{ name: 'kubernetes-admin', groups: ['system:masters'] }],
    },
  };
  if (answers.harbor > 0) {
    spec.harbor = {
      version: '2.13.1',
      externalURL: `https://registry.${answers.name}.internal`,
      httpPort: 8080,
      loadBalancer: { hosts: [...answers.lb], port: 443 },
      storage: { sharedPath: '/srv/harbor' },
      database: { host: address(9, 0), port: 5432, user: 'harbor', password: { fromEnv: 'HARBOR_DB_PASSWORD' } },
      redis: { host: address(9, 1), port: 6379, password: { fromEnv: 'HARBOR_REDIS_PASSWORD' } },
      adminPassword: { fromEnv: 'HARBOR_ADMIN_PASSWORD' },
    };
  }
  if (answers.consul > 0) {
    spec.consul = { version: '1.21.4', datacenter: 'dc1', dnsPort: 53, encrypt: { fromEnv: 'CONSUL_GOSSIP_KEY' }, recursors: [] };
  }
  return { apiVersion: 'clusterspec/v1alpha1', kind: 'Cluster', metadata: { name: answers.name }, spec };
}

/** Why each part is there: comments an operator reads once, attached to the keys they explain. */
const COMMENTS: readonly [readonly (string | number)[], string][] = [
  [['metadata', 'name'], ' out/<name>/ will hold every generated file of this site'],
  [['spec', 'hosts'], ' every machine and its roles; replace the placeholder names and addresses with yours'],
  [
    ['spec', 'kubernetes', 'controlPlaneEndpoint'],
    " what kubectl, kubelets and kube-proxy dial: a name every apiserver certificate carries,\n mapped to the load balancer in each host's /etc/hosts",
  ],
  [['spec', 'kubernetes', 'loadBalancer'], " nginx on the apiserver-lb hosts; 8443 keeps it apart from the apiservers' 6443"],
  [['spec', 'kubernetes', 'loadBalancer', 'proxyTimeout'], ' long enough for watches (lint: lb-proxy-timeout)'],
  [['spec', 'kubernetes', 'controlPlane', 'schedulable'], ' false taints the control plane NoSchedule; true when there are no workers'],
  [['spec', 'kubernetes', 'users'], ' each user gets cluster/kubeconfig/<name>.conf and a certificate request'],
  [['spec', 'harbor'], ' Harbor behind the load balancer hosts; secrets are references, never values'],
  [['spec', 'harbor', 'database'], ' an external database: several instances cannot share the bundled one'],
  [['spec', 'consul'], ' Consul servers; the gossip key comes from the environment at deploy time'],
];

function keyNode(document: Document, path: readonly (string | number)[]): Node | undefined {
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path[path.length - 1]);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** The starter spec as YAML: built as data, comments attached deliberately, short lists in flow style. */
export function initYaml(answers: InitAnswers, schemaReference: string): string {
  const document = new Document(initData(answers));
  document.commentBefore = ` yaml-language-server: $schema=${schemaReference}\n A first clusterspec site, written by \`clusterspec init\`. Next:\n   clusterspec lint <this file> && clusterspec generate <this file>`;
  for (const [path, comment] of COMMENTS) {
    const key = keyNode(document, path);
    if (key) key.commentBefore = comment;
  }
  // Roles, groups and other short lists read best on one line, as in the fixtures.
  const flow = (node: unknown) => {
    if (isSeq(node) && node.items.every(isScalar)) node.flow = true;
    if (isMap(node) && Object.keys(node.toJSON() as object).every((key) => ['fromEnv', 'fromFile'].includes(key))) node.flow = true;
    if (isMap(node) || isSeq(node)) for (const item of node.items) flow(isMap(node) ? (item as { value: unknown }).value : item);
  };
  flow(document.contents);
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}
