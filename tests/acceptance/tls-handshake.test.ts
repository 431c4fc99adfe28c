/**
 * Acceptance: real TLS handshakes through the real nginx, on a loopback copy of the HA site.
 *
 * The spec below is the seed site's control plane moved to loopback addresses: apiservers cp1..cp3 on
 * 127.0.1.1..3 (all at bindPort 16443, each on its own address), the nginx stream LB on 127.0.1.10:18443,
 * Kubernetes 1.6.2 (legacy flow: the generated sign.sh issues each host its own apiserver certificate), clients
 * dialling controlPlaneEndpoint kubernetes.default.svc:18443, which the generated /etc/hosts fragment maps to the LB.
 *
 * The tool generates everything; the generated sign.sh signs with a throwaway CA; the real nginx runs the
 * generated nginx.conf of the LB host; three Node TLS servers stand for the apiservers, each serving the
 * certificate its generated kube-apiserver manifest names (--tls-cert-file) and answering with its host name.
 * Every client the generated files configure (kubelet, controller-manager, scheduler, kube-proxy, kubectl users)
 * is then dialled as it would dial (name as SNI + default hostname check, the CA as trust anchor), enough times
 * through the LB to land on every backend. Each handshake's outcome must match the linter exactly:
 *  - own certificates: everything succeeds, and the linter reports no san-* problem;
 *  - kubectl pointed at the LB's address (users[].server https://127.0.1.10:18443, the mistake of fixtures/broken/admin-kubeconfig-lb-ip):
 *    every handshake fails with ERR_TLS_CERT_ALTNAME_INVALID on exactly the backends san-coverage names;
 *  - cp2 and cp3 serving cp1's certificate (apiServerCertificateFrom, an apiserver.crt copied by hand):
 *    the connections that land there by address fail, all others succeed, as san-coverage and
 *    san-advertise-address say.
 *
 * Adaptations of the generated nginx.conf (minimal textual substitutions, nothing else is rewritten):
 *  - `listen 18443;` -> `listen 127.0.1.10:18443;`: the generated LB listens on every address, which a test must
 *    not do; binding the LB host's own address is what the generated config means on that host.
 *  - `user www-data;` is commented out only when the test does not run as root (nginx ignores it then, with a warning).
 */
import { lintSite, type Diagnostic } from '@clusterspec/lint';
import type { CertificatePlan } from '@clusterspec/pki';
import { loadSpecText, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { generateArtifacts } from '@clusterspec/generators';
import { apiServerClients, type ApiServerClient } from '@clusterspec/analysis';
import { dial, startNginx, startTlsBackend, type DialResult, type RunningNginx, type TlsBackend } from '../support/live';
import { deadline } from '../support/deadline';
import { makeCA, runSignScript, writeArtifacts } from '../support/pki';

// Each test signs, starts nginx and dials dozens of times: limits stretched by the machine's load (deadline).
jest.setTimeout(deadline(120_000));
/** A TLS answer from loopback takes milliseconds at rest; a busy machine may take seconds. */
const DIAL_AT_REST = 5000;

const LB_ADDRESS = '127.0.1.10';
const LB_PORT = 18443;
const BIND_PORT = 16443;
const ENDPOINT_NAME = 'kubernetes.default.svc';
/** Dials through the LB per client: at least this many, and until every backend has answered. */
const MIN_LB_ATTEMPTS = 12;
const MAX_LB_ATTEMPTS = 60;

const SPEC = `apiVersion: clusterspec/v1alpha1
kind: Cluster
metadata:
  name: loopback-ha
spec:
  hosts:
    - name: cp1
      address: 127.0.1.1
      roles: [control-plane]
    - name: cp2
      address: 127.0.1.2
      roles: [control-plane]
    - name: cp3
      address: 127.0.1.3
      roles: [control-plane]
    - name: lb
      address: ${LB_ADDRESS}
      roles: [apiserver-lb]
  kubernetes:
    version: "1.6.2"
    controlPlaneEndpoint: ${ENDPOINT_NAME}:${LB_PORT}
    networking:
      serviceSubnet: 10.96.0.0/12
      podSubnet: 172.32.0.0/16
      dnsDomain: cluster.local
    apiServer:
      bindPort: ${BIND_PORT}
      certSANs: []
    loadBalancer:
      port: ${LB_PORT}
      engine: nginx
      connectTimeout: 1s
      proxyTimeout: 10m
    users:
      - name: kubernetes-admin
        groups: [system:masters]
`;

/** The spec with text replaced; every replacement must match. */
function variantText(replacements: readonly (readonly [string, string])[]): string {
  let text = SPEC;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`variant: "${from}" is not in the loopback spec`);
    text = text.replace(from, to);
  }
  return text;
}

const LB_IP_USER: [string, string] = [
  '        groups: [system:masters]\n',
  `        groups: [system:masters]\n        server: https://${LB_ADDRESS}:${LB_PORT}\n`,
];
const COPIED: [string, string][] = [
  ['      address: 127.0.1.2\n      roles: [control-plane]\n', '      address: 127.0.1.2\n      roles: [control-plane]\n      apiServerCertificateFrom: cp1\n'],
  ['      address: 127.0.1.3\n      roles: [control-plane]\n', '      address: 127.0.1.3\n      roles: [control-plane]\n      apiServerCertificateFrom: cp1\n'],
];

interface Site {
  readonly name: string;
  readonly model: ClusterModel;
  readonly generated: Artifact[];
  readonly artifacts: Map<string, Artifact>;
  readonly diagnostics: Diagnostic[];
  /** Where the generated sign.sh wrote its certificates. */
  readonly signed: string;
}

let work: string;
let caDir: string;
let ca: Buffer;
let nginx: RunningNginx | undefined;
let backends: TlsBackend[] = [];

function file(site: Site, path: string): string {
  const found = site.artifacts.get(path);
  if (!found) throw new Error(`${site.name}: no artifact ${path}`);
  return found.content;
}

/** Generate with the tool, write out/<cluster>/ to a temp folder, sign with the generated sign.sh and the throwaway CA. */
function buildSite(name: string, text: string): Site {
  const model = loadSpecText(`${name}.yaml`, Buffer.from(text));
  const generated = generateArtifacts(model);
  const directory = join(work, name);
  writeArtifacts(join(directory, 'out'), generated);
  const signed = join(directory, 'signed');
  runSignScript(join(directory, 'out/pki/sign.sh'), caDir, signed);
  return { name, model, generated, artifacts: new Map(generated.map((item) => [item.path, item])), diagnostics: lintSite(model, generated), signed };
}

const hostNamed = (site: Site, name: string): Host => site.model.hosts.find((host) => host.name === name)!;
const IPV4 = /^[0-9.]+$/;

/** name -> address from the generated /etc/hosts fragment of a host (of every node for a workstation), as the resolver would read it. */
function resolve(site: Site, name: string, on: Host | undefined): string {
  if (IPV4.test(name)) return name;
  const hosts = on ? [on] : site.model.kubernetes.nodes;
  for (const host of hosts) {
    const fragment = site.artifacts.get(`hosts/${host.name}/etc/hosts.d/clusterspec`)?.content ?? '';
    for (const line of fragment.split('\n')) {
      const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
      if (address && names.includes(name)) return address;
    }
  }
  throw new Error(`${site.name}: nothing generated resolves ${name} on ${on?.name ?? 'a workstation'}`);
}

/** The certificate and key an apiserver serves: what its generated manifest's --tls-cert-file/--tls-private-key-file name, from sign.sh's output. */
function servedFiles(site: Site, host: Host): { cert: string; key: string } {
  const manifest = parseAllDocuments(file(site, `hosts/${host.name}/etc/kubernetes/manifests/kube-apiserver.yaml`))[0].toJS();
  const command: string[] = manifest.spec.containers[0].command;
  const flag = (name: string) => basename(command.find((argument) => argument.startsWith(`--${name}=`))!.split('=')[1]);
  return { cert: join(site.signed, flag('tls-cert-file')), key: join(site.signed, flag('tls-private-key-file')) };
}

async function stopBackends(): Promise<void> {
  await Promise.all(backends.map((backend) => backend.close()));
  backends = [];
}

async function startBackends(site: Site): Promise<void> {
  await stopBackends();
  const { bindPort } = site.model.kubernetes.apiServer;
  for (const host of site.model.kubernetes.controlPlaneHosts) {
    const { cert, key } = servedFiles(site, host);
    backends.push(await startTlsBackend(host.name, host.address, bindPort, readFileSync(cert), readFileSync(key)));
  }
}

/** The generated nginx.conf of the LB host with the documented substitutions only. */
function runnableNginxConf(site: Site, lbHost: Host): string {
  const generated = file(site, `hosts/${lbHost.name}/etc/nginx/nginx.conf`);
  const listen = `listen ${site.model.kubernetes.loadBalancer.port};`;
  const occurrences = generated.split(listen).length - 1;
  if (occurrences !== 1) throw new Error(`generated nginx.conf should have "${listen}" once, has it ${occurrences} times:\n${generated}`);
  let config = generated.replace(listen, `listen ${lbHost.address}:${site.model.kubernetes.loadBalancer.port};`);
  if (process.getuid?.() !== 0) config = config.replace(/^user www-data;$/m, '# user www-data;  (not root: removed by the test)');
  return config;
}

interface Landing {
  readonly client: string;
  readonly dialled: string;
  readonly port: number;
  /** As the linter describes routes: "lb → cp2" or "cp2 directly". */
  readonly route: string;
  readonly backend: string;
  readonly result: DialResult;
}

const landingKey = (landing: { client: string; dialled: string; port: number; route: string }) =>
  `${landing.client} | ${landing.dialled}:${landing.port} | ${landing.route}`;

/** One TLS dial; the backend it landed on is the one whose accepted-connection count went up. */
async function dialOnce(client: ApiServerClient, address: string, lbHost: Host, site: Site): Promise<Landing> {
  const { host: dialled, port } = client.server;
  const before = backends.map((backend) => backend.connections());
  const result = await dial(address, port, IPV4.test(dialled) ? undefined : dialled, ca, deadline(DIAL_AT_REST));
  const grew = backends.filter((backend, index) => backend.connections() !== before[index]);
  if (grew.length !== 1 || grew[0].connections() !== before[backends.indexOf(grew[0])] + 1) {
    throw new Error(
      `${client.name} dialling ${address}:${port}: expected to land on exactly one backend, saw ${grew.map((backend) => backend.name).join(', ') || 'none'} (${JSON.stringify(result)})`,
    );
  }
  const backend = grew[0].name;
  const viaBalancer = address === lbHost.address && port === site.model.kubernetes.loadBalancer.port;
  return { client: client.name, dialled, port, route: viaBalancer ? `${lbHost.name} → ${backend}` : `${backend} directly`, backend, result };
}

/** Every client the generated files configure, dialled as it dials: through the LB until every backend answered. */
async function exerciseClients(site: Site): Promise<Landing[]> {
  const lbHost = site.model.hosts.find((host) => host.roles.includes('apiserver-lb'))!;
  const landings: Landing[] = [];
  for (const client of apiServerClients(site.model, site.artifacts)) {
    const address = resolve(site, client.server.host, client.host);
    const viaBalancer = address === lbHost.address && client.server.port === site.model.kubernetes.loadBalancer.port;
    if (!viaBalancer) {
      landings.push(await dialOnce(client, address, lbHost, site));
      continue;
    }
    const reached = new Set<string>();
    for (let attempt = 0; attempt < MAX_LB_ATTEMPTS && (attempt < MIN_LB_ATTEMPTS || reached.size < backends.length); attempt += 1) {
      const landing = await dialOnce(client, address, lbHost, site);
      reached.add(landing.backend);
      landings.push(landing);
    }
    if (reached.size !== backends.length) throw new Error(`${client.name}: nginx reached only ${[...reached].join(', ')} in ${MAX_LB_ATTEMPTS} connections`);
  }
  return landings;
}

/** What san-coverage reports about clients, as (client, endpoint, route) keys (its info findings name balancer addresses no client dials). */
function coverageFindings(site: Site): string[] {
  return site.diagnostics
    .filter((diagnostic) => diagnostic.ruleId === 'san-coverage' && diagnostic.severity !== 'info')
    .map((diagnostic) => {
      const match = /^(.+) dials ([^\s:]+):([0-9]+), which reaches (.+?): x509: /.exec(diagnostic.message);
      if (!match) throw new Error(`san-coverage message not understood: ${diagnostic.message}`);
      return landingKey({ client: match[1], dialled: match[2], port: Number(match[3]), route: match[4] });
    });
}

const unique = (keys: readonly string[]) => [...new Set(keys)].sort();

/** Every handshake either succeeded and the backend named itself, or failed as Go's x509 would: name/IP not in the certificate. */
function expectHandshakesMatchLint(site: Site, landings: readonly Landing[]): void {
  for (const landing of landings) {
    if (landing.result.ok) expect({ key: landingKey(landing), answer: landing.result.answer }).toEqual({ key: landingKey(landing), answer: landing.backend });
    else {
      expect({ key: landingKey(landing), code: landing.result.code }).toEqual({ key: landingKey(landing), code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      const kind = IPV4.test(landing.dialled) ? 'IP' : 'Host';
      expect(landing.result.message).toContain(`${kind}: ${landing.dialled} is not in the cert's list`);
    }
  }
  const failing = unique(landings.filter((landing) => !landing.result.ok).map(landingKey));
  expect(failing).toEqual(unique(coverageFindings(site)));
}

let base: Site;
let lbIp: Site;
let copied: Site;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'clusterspec-acceptance-tls-'));
  caDir = join(work, 'ca');
  makeCA(caDir);
  ca = readFileSync(join(caDir, 'ca.crt'));
  base = buildSite('loopback-ha', SPEC);
  lbIp = buildSite('loopback-ha-admin-lb-ip', variantText([LB_IP_USER]));
  copied = buildSite('loopback-ha-copied-cert', variantText(COPIED));
  await startBackends(base);
  const lbHost = base.model.hosts.find((host) => host.roles.includes('apiserver-lb'))!;
  const prefix = join(work, 'nginx');
  mkdirSync(prefix, { recursive: true });
  nginx = await startNginx(runnableNginxConf(base, lbHost), prefix, lbHost.address, LB_PORT, deadline(10_000));
}, 120_000);

afterAll(async () => {
  await stopBackends().catch(() => undefined);
  if (nginx) await nginx.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 30_000);

describe('the generated site as it is', () => {
  it('maps the endpoint name to the LB host in every generated /etc/hosts fragment, and nginx balances over the three apiservers', () => {
    for (const host of base.model.kubernetes.nodes) expect(resolve(base, ENDPOINT_NAME, host)).toBe(LB_ADDRESS);
    const conf = file(base, 'hosts/lb/etc/nginx/nginx.conf');
    expect([...conf.matchAll(/^\s+server (\S+) /gm)].map((match) => match[1])).toEqual(['127.0.1.1:16443', '127.0.1.2:16443', '127.0.1.3:16443']);
    expect(conf).toMatch(/^load_module \/usr\/lib\/nginx\/modules\/ngx_stream_module\.so;$/m);
  });

  it('kubectl by name (kubernetes.default.svc:18443, SNI + hostname check): every handshake succeeds and every backend answers', async () => {
    const lbHost = hostNamed(base, 'lb');
    const user = apiServerClients(base.model, base.artifacts).find((client) => client.kind === 'user')!;
    expect(user.server).toEqual({ host: ENDPOINT_NAME, port: LB_PORT });
    const landings: Landing[] = [];
    for (let attempt = 0; attempt < MIN_LB_ATTEMPTS; attempt += 1) landings.push(await dialOnce(user, resolve(base, ENDPOINT_NAME, undefined), lbHost, base));
    expect(landings.filter((landing) => !landing.result.ok)).toEqual([]);
    for (const landing of landings) expect(landing.result).toEqual({ ok: true, answer: landing.backend });
    expect(unique(landings.map((landing) => landing.backend))).toEqual(['cp1', 'cp2', 'cp3']);
  });

  it('every generated client (kubelet, controller-manager, scheduler direct; kube-proxy and kubectl via the LB) completes its handshake; the linter agrees', async () => {
    const landings = await exerciseClients(base);
    expect(landings.filter((landing) => !landing.result.ok)).toEqual([]);
    expectHandshakesMatchLint(base, landings);
    expect(base.diagnostics.filter((diagnostic) => diagnostic.ruleId.startsWith('san-') && diagnostic.severity !== 'info')).toEqual([]);
    // The balancer's own address is on a balancer path no certificate carries (info): the next case dials it and fails.
    expect(base.diagnostics.filter((diagnostic) => diagnostic.severity === 'info').map((diagnostic) => diagnostic.message)).toEqual([
      expect.stringMatching(/^127\.0\.1\.10:18443 is on a balancer path \(lb → cp1, lb → cp2, lb → cp3\)/),
    ]);
  });
});

describe('kubectl dialling the LB by its address (users[].server https://127.0.1.10:18443)', () => {
  it('changes only the user kubeconfig: same certificates, same nginx.conf, so the running servers stand for this variant', () => {
    expect(file(lbIp, 'pki/plan.json')).toBe(file(base, 'pki/plan.json'));
    expect(file(lbIp, 'hosts/lb/etc/nginx/nginx.conf')).toBe(file(base, 'hosts/lb/etc/nginx/nginx.conf'));
    expect((parse(file(lbIp, 'cluster/kubeconfig/kubernetes-admin.conf')) as { clusters: { cluster: { server: string } }[] }).clusters[0].cluster.server).toBe(
      `https://${LB_ADDRESS}:${LB_PORT}`,
    );
  });

  it('every handshake through the LB fails with ERR_TLS_CERT_ALTNAME_INVALID, on exactly the backends san-coverage names', async () => {
    const landings = await exerciseClients(lbIp);
    const user = landings.filter((landing) => landing.client === 'user kubernetes-admin');
    expect(user.length).toBeGreaterThanOrEqual(MIN_LB_ATTEMPTS);
    for (const landing of user) {
      expect(landing.result.ok).toBe(false);
      expect(landing.result).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    }
    const failedOn = unique(user.map((landing) => landing.backend));
    expect(failedOn).toEqual(['cp1', 'cp2', 'cp3']);
    const named = unique(
      coverageFindings(lbIp)
        .filter((key) => key.startsWith('user kubernetes-admin | '))
        .map((key) => key.split(' → ')[1]),
    );
    expect(named).toEqual(failedOn);
    // Every other client is untouched, and the whole picture is the linter's.
    expect(landings.filter((landing) => landing.client !== 'user kubernetes-admin' && !landing.result.ok)).toEqual([]);
    expectHandshakesMatchLint(lbIp, landings);
  });
});

describe("cp2 and cp3 serve cp1's certificate (apiServerCertificateFrom: cp1, an apiserver.crt copied by hand)", () => {
  beforeAll(async () => {
    await startBackends(copied);
  }, 30_000);

  it("the generated manifests of cp2 and cp3 name cp1's certificate, the only apiserver certificate sign.sh issued", () => {
    expect(file(copied, 'hosts/lb/etc/nginx/nginx.conf')).toBe(file(base, 'hosts/lb/etc/nginx/nginx.conf'));
    for (const name of ['cp1', 'cp2', 'cp3']) expect(basename(servedFiles(copied, hostNamed(copied, name)).cert)).toBe('apiserver-cp1.crt');
    const plans = (JSON.parse(file(copied, 'pki/plan.json')) as { certificates: CertificatePlan[] }).certificates;
    expect(plans.filter((plan) => plan.copiedFrom).map((plan) => plan.installOn[0])).toEqual(['cp2', 'cp3']);
    // The apiservers' etcd client certificate (CN kube-apiserver-etcd-client, signed by the etcd CA) is not a serving one.
    expect(
      file(copied, 'pki/sign.sh')
        .split('\n')
        .filter((line) => line.startsWith('sign apiserver') && !line.startsWith('sign apiserver-etcd-client ')),
    ).toEqual(['sign apiserver-cp1 apiserver apiserver-cp1.key apiserver-cp1.crt ca']);
  });

  it('connections landing on cp2/cp3 by their address fail, all others succeed (by name through the LB too), exactly as san-coverage says', async () => {
    const landings = await exerciseClients(copied);
    const failing = landings.filter((landing) => !landing.result.ok);
    expect(unique(failing.map((landing) => landing.route))).toEqual(['cp2 directly', 'cp3 directly']);
    for (const landing of failing)
      expect(landing.result).toMatchObject({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
        message: expect.stringContaining(`IP: ${hostNamed(copied, landing.backend).address} is not in the cert's list`),
      });
    // Through the LB by name, cp2 and cp3 were reached and accepted: the copy names kubernetes.default.svc.
    const viaLb = landings.filter((landing) => landing.route.startsWith('lb → '));
    expect(unique(viaLb.map((landing) => landing.backend))).toEqual(['cp1', 'cp2', 'cp3']);
    expect(viaLb.filter((landing) => !landing.result.ok)).toEqual([]);
    expectHandshakesMatchLint(copied, landings);
  });

  it('san-advertise-address names exactly the hosts whose own address their served certificate fails', async () => {
    const reported = unique(
      copied.diagnostics
        .filter((diagnostic) => diagnostic.ruleId === 'san-advertise-address')
        .map((diagnostic) => /^the apiserver certificate on (\S+)/.exec(diagnostic.message)![1]),
    );
    const failing: string[] = [];
    for (const host of copied.model.kubernetes.controlPlaneHosts) {
      const result = await dial(host.address, copied.model.kubernetes.apiServer.bindPort, undefined, ca, deadline(DIAL_AT_REST));
      if (!result.ok) failing.push(host.name);
    }
    expect(unique(failing)).toEqual(reported);
    expect(reported).toEqual(['cp2', 'cp3']);
  });
});
