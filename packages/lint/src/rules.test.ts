import { loadSpec, loadSpecText, SpecError, type Artifact, type ClusterModel, type Severity } from '@clusterspec/spec';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../tests/support/fixtures';
import { generateArtifacts } from '../../cli/src/generate';
import { lintSite } from './engine';
import type { Diagnostic } from './rule';
import { rules } from './rules';

type Fixture = 'seed-ha' | 'modern' | 'edge';
type Replacement = readonly [string, string];

interface Site {
  readonly text: string;
  readonly model: ClusterModel;
  readonly diagnostics: Diagnostic[];
}

/** A fixture with text replacements (each must match), loaded, generated and linted. */
function site(fixture: Fixture, replacements: readonly Replacement[] = [], extraArtifacts: readonly Artifact[] = []): Site {
  let text = readFileSync(join(ROOT, 'fixtures', fixture, 'cluster.yaml'), 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`"${from}" is not in ${fixture}`);
    text = text.replace(from, to);
  }
  const model = loadSpecText(`${fixture}-variant.yaml`, Buffer.from(text));
  return { text, model, diagnostics: lintSite(model, [...generateArtifacts(model), ...extraArtifacts]) };
}

/** 1-based line of the first line containing needle. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" is not in the spec`);
  return index + 1;
}

/** A lint block appended to a fixture (every fixture ends in the docker section of spec). */
const withLint = (rulesYaml: string): Replacement => ['\n  docker:\n', `\n  lint:\n    rules:\n${rulesYaml}\n  docker:\n`];

const SEED_USER = '        groups: [system:masters]\n';
const seedUserServer = (url: string): Replacement => [SEED_USER, `${SEED_USER}        server: ${url}\n`];
const WUDANG = '      address: 10.24.138.208\n      roles: [control-plane]\n';
const seedKubeProxy = (url: string): Replacement => ['    users:\n', `    kubeProxy:\n      server: ${url}\n    users:\n`];

interface FiringCase {
  readonly name: string;
  readonly rule: string;
  readonly fixture: Fixture;
  readonly replacements: readonly Replacement[];
  readonly extraArtifacts?: readonly Artifact[];
  readonly severity: Severity;
  /** Parts every finding's message of this case contains. */
  readonly message: readonly string[];
  /** Text on the spec line the findings point at. */
  readonly line: string;
  /** How many diagnostics of the rule; exact (findings that differ only in the host are one). */
  readonly count: number;
  /** How many hosts those diagnostics name in all (Diagnostic.hosts), when the rule reports per host. */
  readonly hosts?: number;
  readonly artifact?: string;
}

interface PassingCase {
  readonly name: string;
  readonly rule: string;
  readonly fixture: Fixture;
  readonly replacements: readonly Replacement[];
}

const LONG_SERVICE = 'a'.repeat(63);
const LONG_DOMAIN = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example`;

const firing: readonly FiringCase[] = [
  {
    name: 'admin kubeconfig dialling the LB by address (documents: admin-lb.conf)',
    rule: 'san-coverage',
    fixture: 'seed-ha',
    replacements: [seedUserServer('https://10.27.52.72:8443')],
    severity: 'error',
    message: ['user kubernetes-admin dials 10.27.52.72:8443', 'x509: certificate is valid for', 'not 10.27.52.72'],
    line: 'server: https://10.27.52.72:8443',
    count: 2, // emei → shaolin and emei → wudang; emei's own certificate names 10.27.52.72
    artifact: 'cluster/kubeconfig/kubernetes-admin.conf',
  },
  {
    name: "kubelets dialling an apiserver that serves shaolin's copied certificate",
    rule: 'san-coverage',
    fixture: 'seed-ha',
    replacements: [[WUDANG, `${WUDANG}      apiServerCertificateFrom: shaolin\n`]],
    severity: 'error',
    message: ['on wudang dials 10.24.138.208:6443, which reaches wudang directly', 'not 10.24.138.208'],
    line: 'apiServerCertificateFrom: shaolin',
    count: 3, // kubelet, controller-manager and scheduler on wudang
  },
  {
    name: "wudang serving a copy of shaolin's apiserver certificate",
    rule: 'san-advertise-address',
    fixture: 'seed-ha',
    replacements: [[WUDANG, `${WUDANG}      apiServerCertificateFrom: shaolin\n`]],
    severity: 'error',
    message: ["the apiserver certificate on wudang (a copy of shaolin's)", 'not 10.24.138.208, the address it advertises'],
    line: 'apiServerCertificateFrom: shaolin',
    count: 1,
    artifact: 'pki/plan.json',
  },
  {
    name: 'a kubeadm control-plane host serving another host\'s certificate',
    rule: 'san-advertise-address',
    fixture: 'modern',
    replacements: [['      address: 10.20.0.22\n      roles: [control-plane, consul-client]\n', '      address: 10.20.0.22\n      roles: [control-plane, consul-client]\n      apiServerCertificateFrom: cp-1\n']],
    severity: 'error',
    message: ["the apiserver certificate on cp-2 (a copy of cp-1's)", 'not 10.20.0.22'],
    line: 'apiServerCertificateFrom: cp-1',
    count: 1,
  },
  {
    name: 'wudang without the master taint (documents: pods scheduled on wudang and emei)',
    rule: 'taint-label-consistency',
    fixture: 'seed-ha',
    replacements: [[WUDANG, `${WUDANG}      taints: []\n`]],
    severity: 'error',
    message: ['wudang'],
    line: 'taints: []',
    count: 2, // lacks the taint; labelled but not tainted
  },
  {
    name: 'a worker labelled as control plane',
    rule: 'taint-label-consistency',
    fixture: 'modern',
    replacements: [['      address: 10.20.0.31\n      roles: [worker, consul-client]\n', '      address: 10.20.0.31\n      roles: [worker, consul-client]\n      labels: {node-role.kubernetes.io/control-plane: ""}\n']],
    severity: 'error',
    message: ['worker worker-1 carries the control-plane label node-role.kubernetes.io/control-plane'],
    line: 'labels: {node-role.kubernetes.io/control-plane',
    count: 1,
  },
  {
    name: 'a misspelt taint effect',
    rule: 'taint-label-consistency',
    fixture: 'edge',
    replacements: [['      address: 172.16.1.21\n      roles: [worker, consul-client]\n', '      address: 172.16.1.21\n      roles: [worker, consul-client]\n      taints: [{key: dedicated, value: gpu, effect: NoSchdule}]\n']],
    severity: 'error',
    message: ['taint effect "NoSchdule" on w1 is not one of NoSchedule, PreferNoSchedule, NoExecute'],
    line: 'effect: NoSchdule',
    count: 1,
  },
  {
    name: "kube-proxy pinned to shaolin (documents: kubeadm's kube-proxy configmap)",
    rule: 'single-apiserver-dependency',
    fixture: 'seed-ha',
    replacements: [seedKubeProxy('https://10.27.53.32:6443')],
    severity: 'error',
    message: ['dials 10.27.53.32:6443, which reaches only shaolin directly', 'dial controlPlaneEndpoint (kubernetes.default.svc:8443)'],
    line: 'server: https://10.27.53.32:6443',
    count: 2, // kube-proxy on wudang and emei as one; on shaolin apart (its message names shaolin twice)
    hosts: 3, // kube-proxy on each node
    artifact: 'cluster/kube-proxy-configmap.yaml',
  },
  {
    name: "kube-proxy dialling the endpoint name on the apiserver port (documents' own fix)",
    rule: 'single-apiserver-dependency',
    fixture: 'seed-ha',
    replacements: [seedKubeProxy('https://kubernetes.default.svc:6443')],
    severity: 'error',
    message: ['dials kubernetes.default.svc:6443, which reaches only emei directly'],
    line: 'server: https://kubernetes.default.svc:6443',
    count: 2,
    hosts: 3,
  },
  {
    name: 'a user pinned to one kubeadm apiserver',
    rule: 'single-apiserver-dependency',
    fixture: 'modern',
    replacements: [['        groups: [auditors]\n', '        groups: [auditors]\n        server: https://10.20.0.21:6443\n']],
    severity: 'error',
    message: ['user bob dials 10.20.0.21:6443, which reaches only cp-1 directly'],
    line: 'server: https://10.20.0.21:6443',
    count: 1,
  },
  {
    name: 'a user dialling the LB host on a port nothing serves',
    rule: 'endpoint-unreachable',
    fixture: 'seed-ha',
    replacements: [seedUserServer('https://10.27.52.72:9443')],
    severity: 'error',
    message: ['user kubernetes-admin dials 10.27.52.72:9443 (10.27.52.72), but nothing there serves the apiserver on port 9443', 'the load balancer listens on 8443, apiservers on 6443'],
    line: 'server: https://10.27.52.72:9443',
    count: 1,
  },
  {
    name: 'controlPlaneEndpoint on the apiserver port while the balancers listen on 8443',
    rule: 'endpoint-unreachable',
    fixture: 'modern',
    replacements: [['controlPlaneEndpoint: k8s-api.corp.example:8443', 'controlPlaneEndpoint: k8s-api.corp.example:6443']],
    severity: 'error',
    message: ['dials k8s-api.corp.example:6443 (10.20.0.10), but nothing there serves the apiserver on port 6443'],
    line: 'controlPlaneEndpoint: k8s-api.corp.example:6443',
    count: 5, // the 7 kubelets (kubeadm-config) as one, the 7 kube-proxies as one, each of the 3 users
    hosts: 14,
  },
  {
    name: 'kube-proxy dialling a name no generated /etc/hosts maps',
    rule: 'endpoint-unreachable',
    fixture: 'seed-ha',
    replacements: [seedKubeProxy('https://api.nowhere.example:8443')],
    severity: 'error',
    message: ['kube-proxy on 3 hosts (shaolin, wudang, emei) dials api.nowhere.example, which the generated /etc/hosts there does not map'],
    line: 'server: https://api.nowhere.example:8443',
    count: 1,
    hosts: 3,
  },
  {
    name: "the documents' proxy_timeout 3s",
    rule: 'lb-proxy-timeout',
    fixture: 'seed-ha',
    replacements: [['proxyTimeout: 10m', 'proxyTimeout: 3s']],
    severity: 'warning',
    message: ['the apiserver load balancer on emei closes connections idle for 3s', 'use 10m or more'],
    line: 'proxyTimeout: 3s',
    count: 1,
    artifact: 'hosts/emei/etc/nginx/nginx.conf',
  },
  {
    name: 'just under ten minutes, on both balancers',
    rule: 'lb-proxy-timeout',
    fixture: 'modern',
    replacements: [['proxyTimeout: 10m', 'proxyTimeout: 599s']],
    severity: 'warning',
    message: ['closes connections idle for 599s'],
    line: 'proxyTimeout: 599s',
    count: 1,
    hosts: 2,
  },
  {
    name: 'controlPlaneEndpoint kubernetes.default.svc (the seed site)',
    rule: 'endpoint-is-service-name',
    fixture: 'seed-ha',
    replacements: [],
    severity: 'warning',
    message: ['controlPlaneEndpoint kubernetes.default.svc:8443 is the name of the kubernetes Service', 'resolves to 10.96.0.1'],
    line: 'controlPlaneEndpoint: kubernetes.default.svc:8443',
    count: 1,
  },
  {
    name: 'Harbor balanced on port 80 where the ingress listens',
    rule: 'port-conflict',
    fixture: 'seed-ha',
    replacements: [
      ['externalURL: http://hub.tonybai.com:8989', 'externalURL: http://hub.tonybai.com'],
      ['      hosts: [consul-1, consul-2]\n      port: 8989\n', '      hosts: [consul-1, consul-2]\n      port: 80\n'],
    ],
    severity: 'error',
    message: ['ingress http for httpfront and Harbor load balancer both listen on port 80 on 2 hosts (consul-1, consul-2)'],
    line: '      port: 80', // the Harbor port, not the ingress service or the roles
    count: 1,
    hosts: 2,
  },
  {
    name: "Harbor's proxy on the Consul agent's HTTP port",
    rule: 'port-conflict',
    fixture: 'modern',
    replacements: [['httpPort: 8080', 'httpPort: 8500']],
    severity: 'error',
    message: ['Consul HTTP API and Harbor proxy both listen on port 8500 on 2 hosts (harbor-1, harbor-2)'],
    line: 'httpPort: 8500',
    count: 1,
    hosts: 2,
  },
  {
    name: 'two control-plane hosts',
    rule: 'etcd-quorum',
    fixture: 'modern',
    replacements: [['      address: 10.20.0.23\n      roles: [control-plane, consul-client]\n', '      address: 10.20.0.23\n      roles: [worker, consul-client]\n']],
    severity: 'error',
    message: ['2 etcd members: an even count tolerates no more failures than 1', 'use 1 or 3'],
    line: '- name: cp-1', // spec.hosts
    count: 1,
  },
  {
    name: 'one control-plane host behind a load balancer',
    rule: 'etcd-quorum',
    fixture: 'modern',
    replacements: [
      ['      address: 10.20.0.22\n      roles: [control-plane, consul-client]\n', '      address: 10.20.0.22\n      roles: [worker, consul-client]\n'],
      ['      address: 10.20.0.23\n      roles: [control-plane, consul-client]\n', '      address: 10.20.0.23\n      roles: [worker, consul-client]\n'],
    ],
    severity: 'warning',
    message: ['1 etcd member in a site built for HA'],
    line: '- name: cp-1',
    count: 1,
  },
  {
    name: 'four Consul servers',
    rule: 'consul-quorum',
    fixture: 'seed-ha',
    replacements: [['      roles: [consul-server]\n', '      roles: [consul-server]\n    - name: consul-4\n      address: 192.168.0.132\n      roles: [consul-server]\n']],
    severity: 'error',
    message: ['4 Consul server members: an even count tolerates no more failures than 3', 'use 3 or 5'],
    line: '- name: shaolin',
    count: 1,
  },
  {
    name: 'seven Consul servers',
    rule: 'consul-quorum',
    fixture: 'edge',
    replacements: [['      address: 172.16.3.15\n      roles: [consul-server]\n', '      address: 172.16.3.15\n      roles: [consul-server]\n    - name: c6\n      address: 172.16.3.16\n      roles: [consul-server]\n    - name: c7\n      address: 172.16.3.17\n      roles: [consul-server]\n']],
    severity: 'warning',
    message: ['7 Consul server members: every write waits for 4; more than 5 slows writes'],
    line: '- name: k1',
    count: 1,
  },
  {
    name: 'containers told to use 127.0.0.1',
    rule: 'container-dns-loopback',
    fixture: 'seed-ha',
    replacements: [['dns: [consul, 8.8.8.8]', 'dns: [127.0.0.1, 8.8.8.8]']],
    severity: 'error',
    message: ['are told to use DNS at 127.0.0.1, their own loopback'],
    line: 'dns: [127.0.0.1, 8.8.8.8]',
    count: 1,
    hosts: 8, // every Docker host
  },
  {
    name: 'containers told to use systemd-resolved\'s 127.0.0.53',
    rule: 'container-dns-loopback',
    fixture: 'edge',
    replacements: [['dns: [consul]', 'dns: [consul, 127.0.0.53]']],
    severity: 'error',
    message: ['are told to use DNS at 127.0.0.53'],
    line: 'dns: [consul, 127.0.0.53]',
    count: 1,
    hosts: 8,
    artifact: 'hosts/k1/etc/docker/daemon.json', // the first Docker host's stands for the eight
  },
  {
    name: 'Consul DNS left on port 8600',
    rule: 'consul-dns-unreachable',
    fixture: 'seed-ha',
    replacements: [['dnsPort: 53', 'dnsPort: 8600']],
    severity: 'error',
    message: ['Consul answers on port 8600', 'only 53 works'],
    line: 'dnsPort: 8600',
    count: 1,
  },
  {
    name: 'containers resolving through a host with no Consul agent',
    rule: 'consul-dns-unreachable',
    fixture: 'edge',
    replacements: [['dns: [consul]', 'dns: [consul, 172.16.2.11]']],
    severity: 'error',
    message: ['resolve through 172.16.2.11 (h1), where no Consul agent answers DNS'],
    line: 'dns: [consul, 172.16.2.11]',
    count: 2,
    hosts: 8,
  },
  {
    name: 'Consul DNS beside 8.8.8.8 (the seed site)',
    rule: 'dns-public-fallback',
    fixture: 'seed-ha',
    replacements: [],
    severity: 'warning',
    message: ['containers get Consul DNS and 8.8.8.8 in one list'],
    line: 'dns: [consul, 8.8.8.8]',
    count: 1,
  },
  {
    name: 'a published service name longer than 253 characters',
    rule: 'service-name',
    fixture: 'seed-ha',
    replacements: [
      ['domain: tonybai.com', `domain: ${LONG_DOMAIN}`],
      ['      - name: httpfront\n', `      - name: ${LONG_SERVICE}\n`],
    ],
    severity: 'error',
    message: ['is longer than the 253 characters of a DNS name'],
    line: `- name: ${LONG_SERVICE}`,
    count: 1,
  },
  {
    name: 'registrator on localhost:8500 where no agent runs (Consul document)',
    rule: 'registrator-agent',
    fixture: 'seed-ha',
    replacements: [['dns: [consul, 8.8.8.8]', 'dns: [consul, 8.8.8.8]\n    registrator:\n      consul: localhost:8500']],
    severity: 'error',
    message: ['writes to the Consul agent at localhost (the host itself)', 'but no Consul agent runs there'],
    line: 'consul: localhost:8500',
    count: 1,
    hosts: 5, // shaolin, wudang, emei, node1, node2
    artifact: 'hosts/shaolin/etc/systemd/system/registrator.service', // the first host's stands for the five
  },
  {
    name: 'registrator pointed at a host without an agent',
    rule: 'registrator-agent',
    fixture: 'edge',
    replacements: [['dns: [consul]', 'dns: [consul]\n    registrator:\n      consul: h1:8500']],
    severity: 'error',
    message: ['writes to the Consul agent at h1, but no Consul agent runs there'],
    line: 'consul: h1:8500',
    count: 2,
    hosts: 8,
  },
  {
    name: 'a generated file carrying a secret value',
    rule: 'secret-literal',
    fixture: 'seed-ha',
    replacements: [],
    extraArtifacts: [{ path: 'hosts/node1/harbor/harbor.cfg', content: 'hostname = hub\ndb_password = root123\n', mode: 0o644 }],
    severity: 'error',
    message: ['hosts/node1/harbor/harbor.cfg sets db_password to a value that is not a {{secret:…}} placeholder'],
    line: '  hosts:', // spec, whose value starts at its first key: no one field of the spec says it
    count: 1,
    artifact: 'hosts/node1/harbor/harbor.cfg',
  },
  {
    name: 'a Redis session password written into the ui env',
    rule: 'secret-literal',
    fixture: 'seed-ha',
    replacements: [],
    extraArtifacts: [{ path: 'hosts/node1/opt/harbor/common/templates/ui/env', content: '_REDIS_URL=10.47.217.101:6379,100,hunter2,0\n', mode: 0o644 }],
    severity: 'error',
    message: ['carries a Redis password in _REDIS_URL that is not a {{secret:…}} placeholder'],
    line: '  hosts:',
    count: 1,
    artifact: 'hosts/node1/opt/harbor/common/templates/ui/env',
  },
  {
    name: 'Harbor 1.x TLS certificate off the shared storage',
    rule: 'harbor-shared-state',
    fixture: 'seed-ha',
    replacements: [],
    extraArtifacts: [{ path: 'hosts/node2/opt/harbor/harbor.cfg', content: 'ssl_cert = /data/cert/server.crt\nsecretkey_path = /mnt/cephfs/harbor/data\n', mode: 0o644 }],
    severity: 'error',
    message: ['Harbor on node2 reads /data/cert/server.crt, off the shared storage /mnt/cephfs/harbor'],
    line: 'sharedPath: /mnt/cephfs/harbor',
    count: 1,
    artifact: 'hosts/node2/opt/harbor/harbor.cfg',
  },
  {
    name: "the legacy controller-manager's port taken by the apiserver",
    rule: 'port-conflict',
    fixture: 'seed-ha',
    replacements: [['bindPort: 6443', 'bindPort: 10252']],
    severity: 'error',
    message: ['kube-controller-manager and kube-apiserver both listen on port 10252'],
    line: 'bindPort: 10252',
    count: 1,
    hosts: 3,
  },
  {
    name: "every instance running Harbor's bundled database on the shared files (documents: InnoDB: Unable to lock ./ibdata1)",
    rule: 'harbor-shared-state',
    fixture: 'seed-ha',
    replacements: [['      host: 10.47.217.100\n      port: 3306\n      user: harbor\n', '      embedded: true\n']],
    severity: 'error',
    message: ['2 Harbor instances would each run the bundled database on /mnt/cephfs/harbor/data/database', 'use one external database'],
    line: 'embedded: true',
    count: 1,
  },
  {
    name: 'three 2.x instances, each on the bundled database',
    rule: 'harbor-shared-state',
    fixture: 'edge',
    replacements: [['      host: 172.16.2.100\n      port: 5432\n      user: harbor\n', '      embedded: true\n']],
    severity: 'error',
    message: ['3 Harbor instances would each run the bundled database'],
    line: 'embedded: true',
    count: 1,
  },
  {
    name: "externalURL on the instances' port, not the balancer's (documents: hostname = node_public_ip:8060)",
    rule: 'harbor-endpoint',
    fixture: 'seed-ha',
    replacements: [['externalURL: http://hub.tonybai.com:8989', 'externalURL: http://hub.tonybai.com:8060']],
    severity: 'error',
    message: ['externalURL http://hub.tonybai.com:8060 names port 8060, but the Harbor load balancer listens on 8989'],
    line: 'externalURL: http://hub.tonybai.com:8060',
    count: 1,
  },
  {
    name: "externalURL naming an instance's address instead of the balancer's",
    rule: 'harbor-endpoint',
    fixture: 'edge',
    replacements: [['externalURL: http://172.16.2.10:8088', 'externalURL: http://172.16.2.11:8088']],
    severity: 'error',
    message: ['names 172.16.2.11, which is not a Harbor load balancer host (hlb 172.16.2.10)'],
    line: 'externalURL: http://172.16.2.11:8088',
    count: 1,
  },
  {
    name: 'a daemon.json without the plain-http Harbor in insecure-registries',
    rule: 'harbor-endpoint',
    fixture: 'edge',
    replacements: [],
    extraArtifacts: [{ path: 'hosts/h1/etc/docker/daemon.json', content: '{"dns": ["172.16.3.11"]}\n', mode: 0o644 }],
    severity: 'error',
    message: ['Harbor is served over plain http at 172.16.2.10:8088, but Docker on h1 does not list it in insecure-registries'],
    line: 'hosts: [k1, k2, k3, w1, w2, h1, h2, h3]',
    count: 1,
    artifact: 'hosts/h1/etc/docker/daemon.json',
  },
];

const passing: readonly PassingCase[] = [
  { name: 'the user dials the endpoint name every certificate carries', rule: 'san-coverage', fixture: 'seed-ha', replacements: [seedUserServer('https://kubernetes.default.svc:8443')] },
  { name: 'a user dials a certSANs name', rule: 'san-coverage', fixture: 'modern', replacements: [['        groups: [auditors]\n', '        groups: [auditors]\n        server: https://kubernetes.corp.example:8443\n']] },
  { name: 'each host its own certificate', rule: 'san-advertise-address', fixture: 'seed-ha', replacements: [] },
  { name: 'legacy masters labelled and tainted by node-roles.sh', rule: 'taint-label-consistency', fixture: 'seed-ha', replacements: [] },
  { name: 'a schedulable control plane without taints', rule: 'taint-label-consistency', fixture: 'edge', replacements: [] },
  { name: 'a worker with a label of its own', rule: 'taint-label-consistency', fixture: 'modern', replacements: [['      address: 10.20.0.31\n      roles: [worker, consul-client]\n', '      address: 10.20.0.31\n      roles: [worker, consul-client]\n      labels: {disk: ssd}\n']] },
  { name: 'kube-proxy through the load balancer', rule: 'single-apiserver-dependency', fixture: 'seed-ha', replacements: [seedKubeProxy('https://kubernetes.default.svc:8443')] },
  { name: 'everything through the virtual address', rule: 'single-apiserver-dependency', fixture: 'modern', replacements: [] },
  { name: 'the load balancer port', rule: 'endpoint-unreachable', fixture: 'seed-ha', replacements: [seedUserServer('https://kubernetes.default.svc:8443')] },
  { name: 'endpoint as the LB address on the apiserver port, LB listening there', rule: 'endpoint-unreachable', fixture: 'edge', replacements: [] },
  { name: 'ten minutes', rule: 'lb-proxy-timeout', fixture: 'seed-ha', replacements: [] },
  { name: 'an hour', rule: 'lb-proxy-timeout', fixture: 'modern', replacements: [['proxyTimeout: 10m', 'proxyTimeout: 1h']] },
  { name: '600s', rule: 'lb-proxy-timeout', fixture: 'modern', replacements: [['proxyTimeout: 10m', 'proxyTimeout: 600s']] },
  { name: 'a name of its own', rule: 'endpoint-is-service-name', fixture: 'modern', replacements: [] },
  { name: 'the endpoint as an address', rule: 'endpoint-is-service-name', fixture: 'edge', replacements: [] },
  { name: "Harbor's proxy on 8060 (the documents' fix)", rule: 'port-conflict', fixture: 'seed-ha', replacements: [] },
  { name: 'Harbor, ingress and Consul apart', rule: 'port-conflict', fixture: 'modern', replacements: [] },
  { name: 'a dedicated LB host on the apiserver port', rule: 'port-conflict', fixture: 'edge', replacements: [] },
  { name: 'three members', rule: 'etcd-quorum', fixture: 'seed-ha', replacements: [] },
  { name: 'three servers', rule: 'consul-quorum', fixture: 'seed-ha', replacements: [] },
  { name: 'five servers', rule: 'consul-quorum', fixture: 'edge', replacements: [] },
  { name: 'consul and a public server', rule: 'container-dns-loopback', fixture: 'seed-ha', replacements: [] },
  { name: 'consul on port 53, on every host', rule: 'consul-dns-unreachable', fixture: 'seed-ha', replacements: [] },
  { name: 'consul on port 53, clients everywhere', rule: 'consul-dns-unreachable', fixture: 'edge', replacements: [] },
  { name: 'consul alone', rule: 'dns-public-fallback', fixture: 'edge', replacements: [] },
  { name: 'DNS-safe service names', rule: 'service-name', fixture: 'seed-ha', replacements: [] },
  { name: 'registrator on an agent chosen by clusterspec', rule: 'registrator-agent', fixture: 'seed-ha', replacements: [] },
  { name: 'registrator pointed at a Consul server by name', rule: 'registrator-agent', fixture: 'seed-ha', replacements: [['dns: [consul, 8.8.8.8]', 'dns: [consul, 8.8.8.8]\n    registrator:\n      consul: consul-3:8500']] },
  { name: 'only placeholders in the generated files', rule: 'secret-literal', fixture: 'modern', replacements: [] },
  { name: 'only placeholders in the generated files', rule: 'secret-literal', fixture: 'seed-ha', replacements: [] },
  { name: 'shared storage, external database and Redis', rule: 'harbor-shared-state', fixture: 'seed-ha', replacements: [] },
  { name: 'three 2.x instances on one external database', rule: 'harbor-shared-state', fixture: 'edge', replacements: [] },
  { name: 'one instance may use the bundled database', rule: 'harbor-shared-state', fixture: 'edge', replacements: [['      roles: [harbor]\n    - name: h2\n      address: 172.16.2.12\n      roles: [harbor]\n    - name: h3\n      address: 172.16.2.13\n      roles: [harbor]\n', '      roles: [harbor]\n    - name: h2\n      address: 172.16.2.12\n      roles: [consul-client]\n    - name: h3\n      address: 172.16.2.13\n      roles: [consul-client]\n'], ['      host: 172.16.2.100\n      port: 5432\n      user: harbor\n', '      embedded: true\n']] },
  { name: 'externalURL is what the balancer serves', rule: 'harbor-endpoint', fixture: 'seed-ha', replacements: [] },
  { name: 'plain http listed in insecure-registries', rule: 'harbor-endpoint', fixture: 'edge', replacements: [] },
  { name: 'https on the ingress', rule: 'harbor-endpoint', fixture: 'modern', replacements: [] },
];

const registered = new Set(rules.map((rule) => rule.id));
const HARBOR_RULES = ['harbor-shared-state', 'harbor-endpoint'];
const byRule = (diagnostics: readonly Diagnostic[], rule: string) => diagnostics.filter((diagnostic) => diagnostic.ruleId === rule);

describe('every rule', () => {
  it.each(rules.map((rule) => [rule.id, rule] as const))('%s has a docs page, a firing case and a passing case', (id, rule) => {
    expect(rule.docs).toBe(`docs/rules/${id}.md`);
    expect(existsSync(join(ROOT, rule.docs))).toBe(true);
    // Newer rules keep their cases in a RuleTester-style file of their own, beside the rule.
    if (existsSync(join(__dirname, 'rules', `${id}.test.ts`))) return;
    expect(firing.some((entry) => entry.rule === id)).toBe(true);
    expect(passing.some((entry) => entry.rule === id)).toBe(true);
  });

  it('every docs page names a rule (registered, or a Harbor rule being added)', () => {
    const pages = readdirSync(join(ROOT, 'docs/rules')).filter((file) => file.endsWith('.md')).map((file) => file.replace(/\.md$/, ''));
    for (const page of pages) expect([...registered, ...HARBOR_RULES]).toContain(page);
    for (const id of [...registered, ...HARBOR_RULES]) expect(pages).toContain(id);
  });

  it('each docs page states the default severity the rule has', () => {
    for (const rule of rules) {
      const page = readFileSync(join(ROOT, rule.docs), 'utf8');
      expect(page.split('\n')[0]).toContain(rule.id);
      expect(page).toMatch(new RegExp(`Default severity: \\*\\*${rule.severity}\\*\\*`));
    }
  });
});

describe('rules fire on the mistakes', () => {
  const cases = firing.filter((entry) => registered.has(entry.rule));
  it.each(cases.map((entry) => [entry.rule, entry.name, entry] as const))('%s: %s', (rule, _name, entry) => {
    const { text, diagnostics } = site(entry.fixture, entry.replacements, entry.extraArtifacts);
    const found = byRule(diagnostics, rule);
    const hosts = found.reduce((sum, diagnostic) => sum + (diagnostic.hosts?.length ?? 0), 0);
    if (entry.count >= 0) expect({ count: found.length, hosts }).toEqual({ count: entry.count, hosts: entry.hosts ?? hosts });
    else expect(found.length).toBeGreaterThan(0);
    for (const diagnostic of found) {
      expect(diagnostic.severity).toBe(entry.severity);
      for (const part of entry.message) expect(diagnostic.message).toContain(part);
      expect(diagnostic.location.line).toBe(lineOf(text, entry.line));
      expect(diagnostic.location.file).toBe(`${entry.fixture}-variant.yaml`);
    }
    if (entry.artifact) expect(found.map((diagnostic) => diagnostic.artifact)).toContain(entry.artifact);
  });
});

describe('rules stay quiet on working sites', () => {
  const cases = passing.filter((entry) => registered.has(entry.rule));
  it.each(cases.map((entry) => [entry.rule, entry.name, entry] as const))('%s: %s', (rule, _name, entry) => {
    expect(byRule(site(entry.fixture, entry.replacements).diagnostics, rule)).toEqual([]);
  });
});

describe('severity overrides in lint.rules', () => {
  const lbAddress = seedUserServer('https://10.27.52.72:8443');

  it('off drops a rule', () => {
    const { diagnostics } = site('seed-ha', [withLint('      endpoint-is-service-name: off\n      san-coverage: off'), lbAddress]);
    expect(byRule(diagnostics, 'endpoint-is-service-name')).toEqual([]);
    expect(byRule(diagnostics, 'san-coverage')).toEqual([]);
    expect(byRule(diagnostics, 'dns-public-fallback')).toHaveLength(1);
  });

  it('warning turns an error down, keeping message and location', () => {
    const plain = site('seed-ha', [lbAddress]);
    const { diagnostics } = site('seed-ha', [withLint('      san-coverage: warning'), lbAddress]);
    const found = byRule(diagnostics, 'san-coverage');
    expect(found).toHaveLength(2);
    expect(found.every((diagnostic) => diagnostic.severity === 'warning')).toBe(true);
    expect(found.map((diagnostic) => diagnostic.message)).toEqual(byRule(plain.diagnostics, 'san-coverage').map((diagnostic) => diagnostic.message));
  });

  it('error and info turn warnings up and down', () => {
    const { diagnostics } = site('seed-ha', [withLint('      dns-public-fallback: error\n      endpoint-is-service-name: info')]);
    expect(byRule(diagnostics, 'dns-public-fallback').map((diagnostic) => diagnostic.severity)).toEqual(['error']);
    expect(byRule(diagnostics, 'endpoint-is-service-name').map((diagnostic) => diagnostic.severity)).toEqual(['info']);
  });

  it('an override wins over a finding-level severity (quorum warnings)', () => {
    const seven = "    - name: c6\n      address: 172.16.3.16\n      roles: [consul-server]\n    - name: c7\n      address: 172.16.3.17\n      roles: [consul-server]\n";
    const { diagnostics } = site('edge', [['      address: 172.16.3.15\n      roles: [consul-server]\n', `      address: 172.16.3.15\n      roles: [consul-server]\n${seven}`], withLint('      consul-quorum: error')]);
    expect(byRule(diagnostics, 'consul-quorum').map((diagnostic) => diagnostic.severity)).toEqual(['error']);
  });

  it('an unknown rule id is bad input, with "did you mean" and its position', () => {
    const { model, text } = (() => {
      let spec = readFileSync(join(ROOT, 'fixtures/seed-ha/cluster.yaml'), 'utf8');
      spec = spec.replace('\n  docker:\n', '\n  lint:\n    rules:\n      san-coverag: off\n  docker:\n');
      return { model: loadSpecText('seed-ha-variant.yaml', Buffer.from(spec)), text: spec };
    })();
    let error: unknown;
    try {
      lintSite(model, generateArtifacts(model));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SpecError);
    const problems = (error as SpecError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain('no lint rule is called "san-coverag"; did you mean "san-coverage"?');
    expect(problems[0].line).toBe(lineOf(text, 'san-coverag: off'));
    expect(problems[0].field).toBe('spec.lint.rules.san-coverag');
  });
});

/** The diagnostics of a site summed up: rule id → severities seen. */
function summary(diagnostics: readonly Diagnostic[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const diagnostic of diagnostics) {
    const severities = (result[diagnostic.ruleId] ??= []);
    if (!severities.includes(diagnostic.severity)) severities.push(diagnostic.severity);
  }
  return result;
}

const errorIds = (diagnostics: readonly Diagnostic[]) => [...new Set(diagnostics.filter((diagnostic) => diagnostic.severity === 'error').map((diagnostic) => diagnostic.ruleId))].sort();

describe('fixtures/broken: each case fires exactly its rules', () => {
  /** Warnings of the seed site itself, which every case (a copy of it) keeps unless its mistake removes them. */
  const SEED_WARNINGS = { 'endpoint-is-service-name': ['warning'], 'dns-public-fallback': ['warning'] };
  const expected: Record<string, Record<string, string[]>> = {
    'admin-kubeconfig-lb-ip': { ...SEED_WARNINGS, 'san-coverage': ['error'] },
    'masters-untainted': { ...SEED_WARNINGS, 'taint-label-consistency': ['error'] },
    'kube-proxy-pinned': { ...SEED_WARNINGS, 'single-apiserver-dependency': ['error'] },
    'kube-proxy-service-name-6443': { ...SEED_WARNINGS, 'single-apiserver-dependency': ['error'] },
    'copied-apiserver-cert': { ...SEED_WARNINGS, 'san-advertise-address': ['error'], 'san-coverage': ['error'] },
    'lb-proxy-timeout-3s': { ...SEED_WARNINGS, 'lb-proxy-timeout': ['warning'] },
    'docker-dns-loopback': { 'endpoint-is-service-name': ['warning'], 'container-dns-loopback': ['error'] },
    'wrong-lb-port': { ...SEED_WARNINGS, 'endpoint-unreachable': ['error'] },
    'registrator-localhost': { ...SEED_WARNINGS, 'registrator-agent': ['error'] },
    'consul-four-servers': { ...SEED_WARNINGS, 'consul-quorum': ['error'] },
    'consul-dns-8600': { ...SEED_WARNINGS, 'consul-dns-unreachable': ['error'] },
    'harbor-port-taken': { ...SEED_WARNINGS, 'port-conflict': ['error'] },
    'harbor-bundled-database': { ...SEED_WARNINGS, 'harbor-shared-state': ['error'] },
    'harbor-url-instance-port': { ...SEED_WARNINGS, 'harbor-endpoint': ['error'] },
    'kubelet-docker-untrusted': { ...SEED_WARNINGS, 'registry-trust': ['error'] },
    // The network mistakes of issue 11; the modern site has no warnings of its own.
    'pod-subnet-holds-hosts': { ...SEED_WARNINGS, 'pod-subnet': ['error'] },
    'pod-subnet-too-small': { ...SEED_WARNINGS, 'pod-subnet': ['error'] },
    'service-port-kubelet': { ...SEED_WARNINGS, 'port-conflict': ['error'] },
    'services-share-port': { 'port-conflict': ['error'] },
    'virtual-address-service-ip': { 'virtual-address': ['error'] },
    'endpoint-address-nowhere': { 'endpoint-unreachable': ['error'] },
    'loopback-host-address': { 'unusable-host-address': ['error'] },
  };
  const cases = readdirSync(join(ROOT, 'fixtures/broken')).sort();

  it('every case has an expectation and every expectation a case', () => {
    expect(cases).toEqual(Object.keys(expected).sort());
  });

  it.each(cases)('%s', (name) => {
    const file = join(ROOT, 'fixtures/broken', name, 'cluster.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Mistake: /m);
    expect(text).toMatch(/^# BROKEN ON PURPOSE: the (seed|modern) site with one /);
    expect(text).toContain(`  name: broken-${name}\n`);
    const model = loadSpec(file);
    const artifacts = generateArtifacts(model);
    expect(artifacts.length).toBeGreaterThan(0);
    const diagnostics = lintSite(model, artifacts);
    const want = expected[name];
    expect(errorIds(diagnostics)).toEqual(Object.keys(want).filter((id) => want[id].includes('error')).sort());
    expect(summary(diagnostics)).toEqual(want);
  });
});

describe('the working fixtures have no errors', () => {
  const expectedWarnings: Record<string, string[]> = {
    'fixtures/seed-ha/cluster.yaml': ['dns-public-fallback', 'endpoint-is-service-name'],
    'fixtures/seed-ha-toml/cluster.toml': ['dns-public-fallback', 'endpoint-is-service-name'],
    'fixtures/modern/cluster.yaml': [],
    'fixtures/edge/cluster.yaml': [],
  };
  it.each(Object.keys(expectedWarnings))('%s', (file) => {
    const model = loadSpec(join(ROOT, file));
    const diagnostics = lintSite(model, generateArtifacts(model));
    expect(errorIds(diagnostics)).toEqual([]);
    expect(diagnostics.filter((diagnostic) => diagnostic.severity !== 'error').map((diagnostic) => `${diagnostic.severity} ${diagnostic.ruleId}`).sort()).toEqual(
      expectedWarnings[file].map((id) => `warning ${id}`),
    );
  });
});
