/**
 * Acceptance: the certificates the generated pki/ files produce, judged by the real openssl, agree with the linter.
 *
 * For every fixture (fixtures/<site>/cluster.{yaml,toml} and fixtures/broken/<site>/cluster.{yaml,toml}):
 *  - the generated pki/ folder is written to a temp folder and its sign.sh is run ITSELF (bash) against a
 *    throwaway CA; in the kubeadm flow (sign.sh issues no apiserver certificate) each apiserver certificate of
 *    pki/plan.json is signed with openssl from an ext file built from the plan's SANs, as kubeadm would;
 *  - `openssl x509 -noout -ext subjectAltName` of every certificate equals the plan (a copied certificate,
 *    apiServerCertificateFrom, is the source host's file, so the host serves the source's names);
 *  - for every (client, endpoint it dials, apiserver it may reach) of the linter's analysis, `openssl verify
 *    -verify_hostname/-verify_ip` succeeds exactly when the linter says the certificate covers the endpoint,
 *    and fails with a hostname/IP mismatch for every one san-coverage reports; san-advertise-address likewise;
 *  - the analysis view (apiServerClients, resolveName, apiServerRoutes, apiServerCertificates) and the
 *    diagnostics of lintSite name the same uncovered tuples, so the two cannot drift.
 * Set ACCEPTANCE_TABLE=<file> to get a markdown table of what was checked.
 */
import { lintSite, type Diagnostic } from '@clusterspec/lint';
import { ETCD_CA_FILE, signedBySignScript, signerOf, type CertificatePlan } from '@clusterspec/pki';
import { loadSpec, SpecError, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { generateArtifacts } from '@clusterspec/generators';
import { apiServerClients, apiServerCertificates, apiServerRoutes, certificateCovers, describeRoute, resolveName } from '@clusterspec/analysis';
import { ROOT } from '../support/fixtures';
import { certificateSans, makeCA, openssl, planSans, runSignScript, signFromPlan, verifyFor, writeArtifacts, type VerifyVerdict } from '../support/pki';

/** fixtures/<site>/cluster.* and fixtures/broken/<site>/cluster.*, relative to the repository root. */
function allFixtures(): string[] {
  const under = (folder: string) =>
    readdirSync(join(ROOT, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'broken')
      .flatMap((entry) => ['cluster.yaml', 'cluster.toml'].map((name) => join(folder, entry.name, name)))
      .filter((file) => existsSync(join(ROOT, file)));
  return [...under('fixtures'), ...(existsSync(join(ROOT, 'fixtures/broken')) ? under('fixtures/broken') : [])].sort();
}

const FIXTURES = allFixtures();
const isBroken = (file: string) => file.startsWith('fixtures/broken/');

/** One (client, endpoint, apiserver) as the linter's analysis sees it. */
interface Reach {
  readonly client: string;
  readonly dialled: string;
  readonly port: number;
  readonly route: string;
  readonly apiServer: string;
  /** The linter's verdict: the apiserver's certificate names what the client dials. */
  readonly covered: boolean;
}

const reachKey = (reach: { client: string; dialled: string; port: number; route: string }) =>
  `${reach.client} | ${reach.dialled}:${reach.port} | ${reach.route}`;

/** san-coverage's message, read back: "<client> dials <host>:<port>, which reaches <route>: x509: ...". */
function parseCoverage(diagnostic: Diagnostic): { client: string; dialled: string; port: number; route: string } {
  const match = /^(.+) dials ([^\s:]+):([0-9]+), which reaches (.+?): x509: /.exec(diagnostic.message);
  if (!match) throw new Error(`san-coverage message not understood: ${diagnostic.message}`);
  return { client: match[1], dialled: match[2], port: Number(match[3]), route: match[4] };
}

/** san-advertise-address's message, read back: the host whose certificate misses its own address. */
function parseAdvertise(diagnostic: Diagnostic): string {
  const match = /^the apiserver certificate on (\S+)/.exec(diagnostic.message);
  if (!match) throw new Error(`san-advertise-address message not understood: ${diagnostic.message}`);
  return match[1];
}

interface Site {
  readonly model: ClusterModel;
  readonly artifacts: Map<string, Artifact>;
  readonly plans: CertificatePlan[];
  readonly caFile: string;
  readonly signedDir: string;
  /** Files sign.sh wrote (no ca.srl). */
  readonly signedFiles: string[];
  /** The certificate file each control-plane host serves, by host name. */
  readonly served: Map<string, string>;
  readonly reaches: Reach[];
  /** Clients whose server name nothing generated resolves (the linter skips them: it must be in DNS). */
  readonly unresolved: string[];
  readonly diagnostics: Diagnostic[];
}

let work: string;
let caDir: string;
const table: string[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'clusterspec-acceptance-certs-'));
  caDir = join(work, 'ca');
  makeCA(caDir);
}, 60_000);

afterAll(() => {
  if (process.env.ACCEPTANCE_TABLE) writeFileSync(process.env.ACCEPTANCE_TABLE, `${table.join('\n')}\n`);
  if (work) rmSync(work, { recursive: true, force: true });
});

function prepare(file: string, model: ClusterModel): Site {
  const generated = generateArtifacts(model);
  const artifacts = new Map(generated.map((item) => [item.path, item]));
  const directory = mkdtempSync(join(work, `${file.replace(/[/.]/g, '_')}-`));
  const site = join(directory, 'site');
  writeArtifacts(
    site,
    generated.filter((item) => item.path.startsWith('pki/')),
  );
  const plans = (JSON.parse(readFileSync(join(site, 'pki/plan.json'), 'utf8')) as { certificates: CertificatePlan[] }).certificates;

  // Legacy flow and every user: the generated sign.sh, run as the operator runs it.
  const signedDir = join(directory, 'signed');
  const script = join(site, 'pki/sign.sh');
  if (plans.some(signedBySignScript)) runSignScript(script, caDir, signedDir);
  else expect(existsSync(script)).toBe(false);
  // Serial files of the CAs (ca.srl, etcd-ca.srl) are openssl's bookkeeping, not issued certificates.
  const signedFiles = existsSync(signedDir) ? readdirSync(signedDir).filter((name) => !name.endsWith('.srl')) : [];

  // Kubeadm flow: sign each apiserver certificate of the plan, as kubeadm init/join would issue it.
  const kubeadmDir = join(directory, 'kubeadm');
  const kubeadmSigned = new Map(
    plans
      .filter((plan) => plan.issuedBy === 'kubeadm' && plan.usage === 'server' && !plan.copiedFrom)
      .map((plan) => [plan.id, signFromPlan(plan, caDir, kubeadmDir)]),
  );

  const certificates = apiServerCertificates(model, artifacts);
  const served = new Map<string, string>();
  for (const host of model.kubernetes.controlPlaneHosts) {
    const plan = certificates.get(host.name);
    if (!plan) throw new Error(`${file}: pki/plan.json has no apiserver certificate for ${host.name}`);
    if (plan.issuedBy === 'sign.sh') served.set(host.name, join(signedDir, basename(plan.certFile)));
    else served.set(host.name, kubeadmSigned.get(plan.copiedFrom ? `apiserver-${plan.copiedFrom}` : plan.id)!);
  }

  const reaches: Reach[] = [];
  const unresolved: string[] = [];
  for (const client of apiServerClients(model, artifacts)) {
    const { host: dialled, port } = client.server;
    const address = resolveName(model, artifacts, dialled, client.host);
    if (!address) {
      unresolved.push(`${client.name} → ${dialled}:${port}`);
      continue;
    }
    for (const route of apiServerRoutes(model, artifacts, address, port, client.host)) {
      const certificate = certificates.get(route.apiServer.name)!;
      reaches.push({
        client: client.name,
        dialled,
        port,
        route: describeRoute(route),
        apiServer: route.apiServer.name,
        covered: certificateCovers(certificate, dialled),
      });
    }
  }
  const diagnostics = lintSite(model, generated);
  return { model, artifacts, plans, caFile: join(caDir, 'ca.crt'), signedDir, signedFiles, served, reaches, unresolved, diagnostics };
}

describe.each(FIXTURES.map((file) => ({ file })))('$file', ({ file }) => {
  let site: Site | undefined;
  let refused: SpecError | undefined;
  const verdicts = new Map<string, VerifyVerdict>();
  /** openssl's verdict on the certificate an apiserver serves, for a dialled name or address (memoised). */
  const verify = (apiServer: string, dialled: string): VerifyVerdict => {
    const cert = site!.served.get(apiServer)!;
    const key = `${cert}|${dialled}`;
    if (!verdicts.has(key)) verdicts.set(key, verifyFor(site!.caFile, cert, dialled));
    return verdicts.get(key)!;
  };
  const need = (): Site => {
    if (!site) throw new Error(`${file} was not prepared: ${refused ? refused.message : 'see beforeAll'}`);
    return site;
  };

  beforeAll(() => {
    let model: ClusterModel;
    try {
      model = loadSpec(join(ROOT, file));
    } catch (error) {
      // A broken site the loader already refuses has nothing to sign; a working fixture must load.
      if (isBroken(file) && error instanceof SpecError) {
        refused = error;
        return;
      }
      throw error;
    }
    site = prepare(file, model);
  }, 180_000);

  it('loads (a working fixture must; a broken one the loader refuses is reported here, not skipped)', () => {
    if (refused) {
      expect(isBroken(file)).toBe(true);
      expect(refused.message).not.toBe('');
      return;
    }
    need();
  });

  it("sign.sh writes exactly the plan's sign.sh certificates and keys (and, legacy flow, sa.key/sa.pub)", () => {
    if (refused) return;
    const { plans, signedFiles, model } = need();
    const expected = plans.filter(signedBySignScript).flatMap((plan) => [basename(plan.certFile), basename(plan.keyFile)]);
    const serviceAccount = plans.some((plan) => plan.issuedBy === 'sign.sh' && plan.commonName === 'kube-apiserver') ? ['sa.key', 'sa.pub'] : [];
    // With users, sign.sh puts the cluster CA beside their certificates, where their kubeconfigs name it (the
    // kubeconfigs themselves come from cluster/, not written here: tests/acceptance/kubeconfig-files.test.ts).
    const userFiles = model.kubernetes.users.length > 0 ? ['ca.crt'] : [];
    expect([...signedFiles].sort()).toEqual([...expected, ...serviceAccount, ...userFiles].sort());
    // Every planned certificate is either issued by sign.sh, by kubeadm, or is a copy of one that is.
    for (const plan of plans) {
      if (plan.copiedFrom) expect(plans.map((candidate) => candidate.id)).toContain(`apiserver-${plan.copiedFrom}`);
      else expect(plan.issuedBy === 'kubeadm' || expected.includes(basename(plan.certFile))).toBe(true);
    }
    expect(model.kubernetes.controlPlaneHosts.length).toBeGreaterThan(0);
  });

  it("every certificate carries exactly the plan's SANs (openssl x509 -ext subjectAltName) and chains to the CA for its purpose", () => {
    if (refused) return;
    const { plans, served, signedDir, caFile } = need();
    for (const plan of plans) {
      const apiServer = plan.commonName === 'kube-apiserver';
      const cert = apiServer ? served.get(plan.installOn[0])! : join(signedDir, basename(plan.certFile));
      expect({ id: plan.id, sans: certificateSans(cert) }).toEqual({ id: plan.id, sans: planSans(plan) });
      // etcd's certificates chain to the etcd CA sign.sh made under CA_DIR/etcd; an etcd member's serves and dials.
      const ca = signerOf(plan.certFile) === ETCD_CA_FILE ? join(dirname(caFile), 'etcd/ca.crt') : caFile;
      const purposes = plan.usage === 'server' ? ['sslserver'] : plan.usage === 'client' ? ['sslclient'] : ['sslserver', 'sslclient'];
      for (const purpose of purposes) expect(openssl('verify', '-CAfile', ca, '-purpose', purpose, cert).trim()).toBe(`${cert}: OK`);
      const subject = openssl('x509', '-noout', '-subject', '-nameopt', 'RFC2253', '-in', cert).trim();
      expect(subject).toBe(`subject=${['CN=' + plan.commonName, ...[...plan.organizations].reverse().map((organization) => `O=${organization}`)].join(',')}`);
    }
  });

  it('a copied certificate (apiServerCertificateFrom) is the very file of its source host', () => {
    if (refused) return;
    const { model, served } = need();
    for (const host of model.kubernetes.controlPlaneHosts.filter((candidate: Host) => candidate.apiServerCertificateFrom)) {
      expect(served.get(host.name)).toBe(served.get(host.apiServerCertificateFrom!));
    }
  });

  it("the linter's analysis and its san-coverage diagnostics name the same uncovered (client, endpoint, apiserver) tuples", () => {
    if (refused) return;
    const { reaches, diagnostics } = need();
    const fromAnalysis = [...new Set(reaches.filter((reach) => !reach.covered).map(reachKey))].sort();
    const fromDiagnostics = [
      ...new Set(
        diagnostics
          .filter((diagnostic) => diagnostic.ruleId === 'san-coverage' && diagnostic.severity !== 'info')
          .map((diagnostic) => reachKey(parseCoverage(diagnostic))),
      ),
    ].sort();
    expect(fromDiagnostics).toEqual(fromAnalysis);
  });

  it('openssl verify accepts every tuple the linter calls covered and rejects, with a name/IP mismatch, every one it reports', () => {
    if (refused) return;
    const { reaches, served } = need();
    const rows: string[] = [];
    for (const reach of reaches) {
      const verdict = verify(reach.apiServer, reach.dialled);
      rows.push(
        `| ${file} | ${reach.client} | ${reach.dialled}:${reach.port} | ${reach.route} | ${basename(served.get(reach.apiServer)!)} | ${reach.covered ? 'covered' : 'REPORTED'} | ${verdict.ok ? 'OK' : 'FAIL'} |`,
      );
      expect({ ...reach, opensslAccepts: verdict.ok, output: verdict.ok ? '' : 'mismatch' }).toEqual({
        ...reach,
        opensslAccepts: reach.covered,
        output: reach.covered ? '' : 'mismatch',
      });
      if (!verdict.ok) expect(verdict.output).toMatch(/hostname mismatch|IP address mismatch/);
    }
    table.push(...rows);
  });

  it("san-advertise-address: each apiserver's certificate verifies for its own advertise address exactly when the rule is silent about it", () => {
    if (refused) return;
    const { model, diagnostics } = need();
    const reported = diagnostics
      .filter((diagnostic) => diagnostic.ruleId === 'san-advertise-address')
      .map(parseAdvertise)
      .sort();
    const failing = model.kubernetes.controlPlaneHosts
      .filter((host) => !verify(host.name, host.address).ok)
      .map((host) => host.name)
      .sort();
    expect(failing).toEqual(reported);
    for (const host of failing) expect(verify(host, model.hosts.find((candidate) => candidate.name === host)!.address).output).toMatch(/IP address mismatch/);
  });

  if (!isBroken(file)) {
    it('a working site: every client reaches only apiservers whose certificate it accepts, and no san-* diagnostic', () => {
      const { reaches, diagnostics, unresolved } = need();
      expect(unresolved).toEqual([]);
      expect(reaches.length).toBeGreaterThan(0);
      expect(reaches.filter((reach) => !reach.covered)).toEqual([]);
      expect(diagnostics.filter((diagnostic) => diagnostic.ruleId.startsWith('san-') && diagnostic.severity !== 'info')).toEqual([]);
    });

    it("san-coverage's balancer-path infos: openssl refuses each named certificate for the named address", () => {
      const { diagnostics, served, caFile } = need();
      for (const diagnostic of diagnostics.filter((each) => each.ruleId === 'san-coverage' && each.severity === 'info')) {
        const match = /^([0-9.]+):[0-9]+ is on a balancer path \(.*\), but the certificate of (.+) does not carry \1:/.exec(diagnostic.message);
        if (!match) throw new Error(`san-coverage info not understood: ${diagnostic.message}`);
        for (const apiServer of match[2].split(', ')) {
          const verdict = verifyFor(caFile, served.get(apiServer)!, match[1]);
          expect(verdict.ok).toBe(false);
          expect(verdict.output).toMatch(/IP address mismatch/i);
        }
      }
    });
  }
});

describe("the checks can fail: the broken fixtures' x509 mistakes are rejected by openssl", () => {
  const expectations: Record<string, { rule: string; atLeast: number }[]> = {
    'fixtures/broken/admin-kubeconfig-lb-ip/cluster.yaml': [{ rule: 'san-coverage', atLeast: 2 }],
    'fixtures/broken/copied-apiserver-cert/cluster.yaml': [
      { rule: 'san-coverage', atLeast: 2 },
      { rule: 'san-advertise-address', atLeast: 2 },
    ],
  };
  it.each(Object.entries(expectations).map(([file, rules]) => ({ file, rules })))('$file', ({ file, rules }) => {
    expect(FIXTURES).toContain(file);
    const model = loadSpec(join(ROOT, file));
    const diagnostics = lintSite(model, generateArtifacts(model));
    for (const { rule, atLeast } of rules) expect(diagnostics.filter((diagnostic) => diagnostic.ruleId === rule).length).toBeGreaterThanOrEqual(atLeast);
  });
});
