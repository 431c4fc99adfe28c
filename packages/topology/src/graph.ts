import { apiServerPaths, streamBalancers } from '@clusterspec/analysis';
import { CONTROL_PLANE_GROUP, INVENTORY_PATH, PLAYBOOK_PATH } from '@clusterspec/deploy';
import type { Artifact, ClusterModel, Host, Role } from '@clusterspec/spec';

/**
 * The picture as data, before any layout: what is drawn is decided here, how it looks in dot.ts.
 * Node ids are stable names (host:emei, lb:emei:8443, endpoint:…), so the SVG is searchable and diffable.
 */
export interface TopologyNode {
  readonly id: string;
  readonly label: string;
  readonly kind: 'host' | 'hosts' | 'lb' | 'endpoint' | 'client' | 'external' | 'deploy';
}

export interface TopologyCluster {
  readonly id: string;
  readonly label: string;
  readonly nodes: readonly TopologyNode[];
}

export interface TopologyEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  /** A route san-coverage refuses: the apiserver's certificate does not name what the client dialled. */
  readonly rejected?: boolean;
}

export interface Topology {
  readonly name: string;
  readonly clusters: readonly TopologyCluster[];
  readonly edges: readonly TopologyEdge[];
}

/** Order of the role boxes; a host with several roles is drawn once, in the box of its first role here. */
const ROLE_ORDER: readonly Role[] = ['control-plane', 'apiserver-lb', 'harbor', 'consul-server', 'ingress', 'worker', 'consul-client'];
const ROLE_TITLES: Record<Role, string> = {
  'control-plane': 'control plane',
  'apiserver-lb': 'apiserver load balancer hosts',
  harbor: 'Harbor instances',
  'consul-server': 'Consul servers',
  ingress: 'ingress',
  worker: 'workers',
  'consul-client': 'Consul clients',
};
/** Above this many hosts in one box, hosts with the same roles become one node ("4,990 workers"): 5,000 hosts stay drawable. */
const MAX_LISTED = 8;

const primaryRole = (host: Host): Role => ROLE_ORDER.find((role) => host.roles.includes(role)) ?? host.roles[0];
const count = (n: number) => n.toLocaleString('en-US');

/** Host boxes, and which node draws each host (itself, or its collapsed group). */
function hostClusters(model: ClusterModel): { clusters: TopologyCluster[]; nodeOf: Map<Host, string> } {
  const nodeOf = new Map<Host, string>();
  const clusters = ROLE_ORDER.flatMap((role): TopologyCluster[] => {
    const hosts = model.hosts.filter((host) => primaryRole(host) === role);
    if (hosts.length === 0) return [];
    if (hosts.length <= MAX_LISTED) {
      const nodes = hosts.map((host): TopologyNode => {
        nodeOf.set(host, `host:${host.name}`);
        return { id: `host:${host.name}`, kind: 'host', label: `${host.name}\n${host.address}\n${host.roles.join(', ')}` };
      });
      return [{ id: `role:${role}`, label: ROLE_TITLES[role], nodes }];
    }
    const groups = new Map<string, Host[]>();
    for (const host of hosts) {
      const roles = host.roles.join(', ');
      const members = groups.get(roles);
      if (members) members.push(host);
      else groups.set(roles, [host]);
    }
    const nodes = [...groups].map(([roles, members]): TopologyNode => {
      const id = `hosts:${roles}`;
      members.forEach((host) => nodeOf.set(host, id));
      return { id, kind: 'hosts', label: `${count(members.length)} hosts\n${members[0].name} … ${members[members.length - 1].name}\n${roles}` };
    });
    return [{ id: `role:${role}`, label: `${ROLE_TITLES[role]} (${count(hosts.length)})`, nodes }];
  });
  return { clusters, nodeOf };
}

/** Builds the topology from the model and the generated artifacts, through the same analyses the lint rules check (@clusterspec/analysis). */
export function buildTopology(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>): Topology {
  const { clusters, nodeOf } = hostClusters(model);
  const edges = new Map<string, TopologyEdge>();
  const addEdge = (edge: TopologyEdge) => {
    if (!edges.has(edge.id)) edges.set(edge.id, edge);
  };
  const byAddress = new Map(model.hosts.map((host) => [host.address, host]));

  // Load balancers: the nginx stream servers the generated configs define, plus Harbor's http balancer.
  const balancers = new Map<string, TopologyNode>();
  for (const balancer of streamBalancers(model, artifacts)) {
    const id = `lb:${balancer.host.name}:${balancer.port}`;
    balancers.set(id, { id, kind: 'lb', label: `nginx on ${balancer.host.name}\n:${balancer.port}` });
    for (const backend of balancer.backends) {
      const target = byAddress.get(backend.address);
      // consul-template previews hold a placeholder upstream until services register: nothing to draw.
      if (target) addEdge({ id: `${id}->${nodeOf.get(target)}:${backend.port}`, from: id, to: nodeOf.get(target) as string, label: `:${backend.port}` });
    }
  }
  if (model.harbor) {
    for (const host of model.harbor.loadBalancer.hosts) {
      const id = `lb:${host.name}:${model.harbor.loadBalancer.port}`;
      balancers.set(id, { id, kind: 'lb', label: `Harbor LB on ${host.name}\n:${model.harbor.loadBalancer.port}` });
      for (const instance of model.harbor.instances) {
        addEdge({
          id: `${id}->${nodeOf.get(instance)}:${model.harbor.httpPort}`,
          from: id,
          to: nodeOf.get(instance) as string,
          label: `:${model.harbor.httpPort}`,
        });
      }
    }
  }

  // Clients → the endpoint they dial → the balancer or apiserver there. Identical clients are one node: every
  // kube-proxy shares one ConfigMap, and hosts of one kind that dial one endpoint differ only in name.
  // Names in a Set beside the list: a group of 5,000 workers would make `includes` quadratic.
  const clients = new Map<string, { kinds: string[]; names: string[]; named: Set<string>; group: string }>();
  const endpoints = new Map<string, TopologyNode>();
  for (const path of apiServerPaths(model, artifacts)) {
    const { client, dialled, port, route } = path;
    const endpoint = `endpoint:${dialled}:${port}`;
    endpoints.set(endpoint, { id: endpoint, kind: 'endpoint', label: `${dialled}:${port}` });
    const group = !client.host
      ? 'user'
      : client.kind === 'kube-proxy'
        ? 'node'
        : model.kubernetes.controlPlaneHosts.includes(client.host)
          ? 'control-plane'
          : 'worker';
    const clientId = group === 'user' ? `client:${client.name}:${dialled}:${port}` : `client:${group === 'node' ? 'kube-proxy' : group}:${dialled}:${port}`;
    const entry = clients.get(clientId) ?? { kinds: [], names: [], named: new Set<string>(), group };
    const kind = client.kind === 'kubeadm' ? 'kubelet (kubeadm)' : client.kind;
    if (!entry.kinds.includes(kind)) entry.kinds.push(kind);
    const name = client.host?.name ?? client.name;
    if (!entry.named.has(name)) {
      entry.named.add(name);
      entry.names.push(name);
    }
    clients.set(clientId, entry);
    addEdge({ id: `${clientId}->${endpoint}`, from: clientId, to: endpoint });
    const apiServer = nodeOf.get(route.apiServer) as string;
    const hop = route.via ? `lb:${route.via.name}:${port}` : apiServer;
    addEdge({ id: `${endpoint}->${hop}`, from: endpoint, to: hop });
    if (!path.covered) {
      // Drawn straight to the apiserver whose certificate fails, named by its route: one edge per finding's route.
      addEdge({
        id: `rejected:${dialled}:${port}:${route.via?.name ?? 'direct'}:${route.apiServer.name}`,
        from: endpoint,
        to: apiServer,
        label: `x509 via ${route.via?.name ?? 'direct'}`,
        rejected: true,
      });
    }
  }
  const clientNodes = [...clients].map(([id, { kinds, names, group }]): TopologyNode => {
    if (group === 'user') return { id, kind: 'client', label: names[0] };
    const on = names.length <= 3 ? names.join(', ') : `${count(names.length)} ${group} hosts`;
    return { id, kind: 'client', label: `${kinds.join(', ')}\non ${on}` };
  });

  // How the files reach the hosts: the Ansible folder, and the order its playbook changes them in.
  const deploy: TopologyNode[] = [
    {
      id: 'deploy:playbook',
      kind: 'deploy',
      label: `${PLAYBOOK_PATH}\n1. ${CONTROL_PLANE_GROUP}: one host at a time (serial: 1),\nhealth check before the next\n2. every other host`,
    },
    { id: 'deploy:inventory', kind: 'deploy', label: `${INVENTORY_PATH}\n${count(model.hosts.length)} hosts, a group per role` },
  ];
  const extra: TopologyCluster[] = [
    { id: 'deploy', label: 'deployment (Ansible)', nodes: deploy },
    { id: 'clients', label: 'apiserver clients', nodes: clientNodes },
    { id: 'endpoints', label: 'endpoints dialled', nodes: [...endpoints.values()] },
    { id: 'balancers', label: 'load balancers', nodes: [...balancers.values()] },
  ].filter((cluster) => cluster.nodes.length > 0);
  // Every edge needs both ends drawn: a balancer reached but not generated would otherwise vanish silently.
  const known = new Set([...clusters, ...extra].flatMap((cluster) => cluster.nodes.map((node) => node.id)));
  const missing = [...edges.values()].flatMap((edge) => [edge.from, edge.to]).filter((id) => !known.has(id));
  const loose: TopologyCluster[] = missing.length
    ? [{ id: 'external', label: 'not in the site', nodes: [...new Set(missing)].sort().map((id) => ({ id, kind: 'external', label: id })) }]
    : [];
  return { name: model.name, clusters: [...extra, ...clusters, ...loose], edges: [...edges.values()] };
}
