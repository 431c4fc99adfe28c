/**
 * Acceptance: `lint --certs`, `certs list` and `certs plan` over real certificates made here with openssl, laid
 * out as an operator collects them from the hosts.
 *
 * The seed (legacy flow): the generated pki/sign.sh run against a throwaway CA (ten years) issues everything;
 * then, one at a time, the mistakes of hand-built sites and of sites that live for years: an expired
 * certificate, one inside the 30-day window, one signed by another CA, an apiserver certificate missing its
 * own address (`x509: certificate is valid for …, 10.96.0.1, 10.27.53.32, not 10.27.52.72`), shaolin's
 * certificate copied onto wudang by hand, a user with the wrong O. The modern site
 * (kubeadm flow): a kubeadm-shaped /etc/kubernetes/pki folder per host, copied as it is. Each finding is
 * asserted with its message and location (spec line and collected file). Private keys lie beside the
 * certificates, as `rsync` brings them, and never reach any output.
 */
import { loadSpec, type ClusterModel } from '@clusterspec/spec';
import { apiServerCertificate, extendedKeyUsages, planCertificates, type CertificatePlan } from '@clusterspec/pki';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { generateArtifacts } from '@clusterspec/generators';
import { cli } from '../support/cli';
import { ROOT } from '../support/fixtures';
import { makeCA, openssl, runSignScript, subjectAltNameOf, writeArtifacts } from '../support/pki';
import { deadline } from '../support/deadline';

const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');
const MODERN = join(ROOT, 'fixtures/modern/cluster.yaml');
const seed = loadSpec(SEED);
const modern = loadSpec(MODERN);
const seedText = readFileSync(SEED, 'utf8');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;
const DAY = 24 * 60 * 60 * 1000;

let work: string;
/**
 * The instant a command judges at (--now): set just before each command runs, after the certificates it judges
 * were signed, so their days left are known from their notAfter.
 */
let NOW = '';
const judgeNow = () => {
  NOW = new Date().toISOString();
  return NOW;
};

/** Signs a certificate for a plan (its subject, usage and SANs, or the ones given) with a CA, valid for some days. */
function sign(plan: CertificatePlan, caDir: string, out: string, options: { days?: number; subject?: string; sans?: string; usage?: string } = {}): void {
  const scratch = mkdtempSync(join(work, 'sign-'));
  const ext = join(scratch, 'cert.ext');
  const sans = options.sans ?? subjectAltNameOf(plan);
  const usage = options.usage ?? extendedKeyUsages(plan.usage).join(', ');
  writeFileSync(
    ext,
    [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      `extendedKeyUsage = ${usage}`,
      ...(sans ? [`subjectAltName = ${sans}`] : []),
    ].join('\n') + '\n',
  );
  const subject = options.subject ?? [...plan.organizations.map((organization) => `/O=${organization}`), `/CN=${plan.commonName}`].join('');
  openssl('genrsa', '-out', join(scratch, 'key'), '2048');
  openssl('req', '-new', '-key', join(scratch, 'key'), '-subj', subject, '-out', join(scratch, 'csr'));
  mkdirSync(dirname(out), { recursive: true });
  openssl(
    'x509',
    '-req',
    '-in',
    join(scratch, 'csr'),
    '-CA',
    join(caDir, 'ca.crt'),
    '-CAkey',
    join(caDir, 'ca.key'),
    '-CAcreateserial',
    '-CAserial',
    join(scratch, 'srl'),
    '-out',
    out,
    '-days',
    String(options.days ?? 365),
    '-extfile',
    ext,
  );
  cpSync(join(scratch, 'key'), out.replace(/\.crt$/, '.key'));
}

const planOf = (model: ClusterModel, id: string) => planCertificates(model).find((plan) => plan.id === id)!;
const notAfterOf = (file: string) =>
  new Date(
    openssl('x509', '-noout', '-enddate', '-in', file)
      .trim()
      .replace(/^notAfter=/, ''),
  ).toISOString();
const daysLeftOf = (file: string) => Math.floor((Date.parse(notAfterOf(file)) - Date.parse(NOW)) / DAY);

/** The seed's certificates as sign.sh issues them, collected per host as out/seed-ha/hosts/<host>/ lays them out. */
function collectSeed(directory: string, caDir: string, signed: string): void {
  for (const plan of planCertificates(seed)) {
    const places =
      plan.installOn.length > 0
        ? plan.installOn.map((host) => join(directory, 'hosts', host, plan.certFile))
        : [join(directory, 'cluster/kubeconfig', plan.certFile)];
    for (const target of places) {
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(signed, basename(plan.certFile)), target);
      cpSync(join(signed, basename(plan.keyFile)), target.replace(/\.crt$/, '.key'));
    }
  }
  for (const host of seed.kubernetes.controlPlaneHosts) {
    const pki = join(directory, 'hosts', host.name, 'etc/kubernetes/pki');
    cpSync(join(caDir, 'ca.crt'), join(pki, 'ca.crt'));
    cpSync(join(caDir, 'etcd/ca.crt'), join(pki, 'etcd/ca.crt'));
  }
}

interface JsonDiagnostic {
  ruleId: string;
  severity: string;
  message: string;
  location: { file: string; line: number; column: number };
  field: string;
  artifact?: string;
}

async function lintCerts(spec: string, directory: string): Promise<{ code: number; diagnostics: JsonDiagnostic[]; stdout: string; stderr: string }> {
  const result = await cli(['lint', spec, '--certs', directory, '--now', judgeNow(), '--format', 'json']);
  // san-coverage's infos name balancer addresses the plan's certificates lack: about the plan, not the collected certificates.
  const diagnostics = (JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.filter(
    (diagnostic) => (diagnostic.ruleId.startsWith('cert-') || diagnostic.ruleId.startsWith('san-')) && diagnostic.severity !== 'info',
  );
  return { ...result, diagnostics };
}

let caDir: string;
let otherCaDir: string;
let signed: string;
let clean: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'clusterspec-deployed-'));
  caDir = join(work, 'ca');
  otherCaDir = join(work, 'other-ca');
  makeCA(caDir, '/CN=kubernetes', 3650);
  makeCA(otherCaDir, '/CN=kubernetes', 3650);
  const site = join(work, 'site');
  writeArtifacts(
    site,
    generateArtifacts(seed).filter((item) => item.path.startsWith('pki/')),
  );
  signed = join(work, 'signed');
  runSignScript(join(site, 'pki/sign.sh'), caDir, signed);
  clean = join(work, 'clean');
  collectSeed(clean, caDir, signed);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A copy of the clean collection to break one thing in. */
function collection(name: string): string {
  const directory = join(work, name);
  cpSync(clean, directory, { recursive: true });
  return directory;
}

describe('lint --certs over the seed, certificates made with openssl', () => {
  it('as sign.sh issued them: no finding about a certificate', async () => {
    const { code, diagnostics } = await lintCerts(SEED, clean);
    expect(diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  it('an expired certificate (error) and one inside the 30-day window (warning)', async () => {
    const directory = collection('expiry');
    const expired = join(directory, 'hosts/wudang/etc/kubernetes/pki/kubelet-wudang.crt');
    const expiring = join(directory, 'hosts/emei/etc/kubernetes/pki/etcd/server-emei.crt');
    // -days 0 ends the validity at the signing instant: expired by the time lint judges.
    sign(planOf(seed, 'kubelet-wudang'), caDir, expired, { days: 0 });
    execFileSync('sleep', ['1']);
    sign(planOf(seed, 'etcd-server-emei'), join(caDir, 'etcd'), expiring, { days: 20 });
    const { code, diagnostics } = await cli(['lint', SEED, '--certs', directory, '--format', 'json']).then((result) => ({
      code: result.code,
      diagnostics: (JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.filter((diagnostic) => diagnostic.ruleId === 'cert-expiry'),
    }));
    expect(code).toBe(1);
    expect(diagnostics).toEqual([
      {
        ruleId: 'cert-expiry',
        severity: 'error',
        message: `the certificate /etc/kubernetes/pki/kubelet-wudang.crt on wudang expired on ${notAfterOf(expired).slice(0, 10)} (1 days ago); every TLS handshake with it fails: see \`clusterspec certs plan\` for the re-issue`,
        location: { file: SEED, line: lineOf(seedText, '- name: wudang'), column: 13 },
        field: 'spec.hosts[1].name',
        artifact: 'hosts/wudang/etc/kubernetes/pki/kubelet-wudang.crt',
      },
      {
        ruleId: 'cert-expiry',
        severity: 'warning',
        message: expect.stringMatching(
          /^the certificate \/etc\/kubernetes\/pki\/etcd\/server-emei\.crt on emei expires on [0-9-]{10}, in 19 days \(the warning window is 30 days/,
        ),
        location: { file: SEED, line: lineOf(seedText, '- name: emei'), column: 13 },
        field: 'spec.hosts[2].name',
        artifact: 'hosts/emei/etc/kubernetes/pki/etcd/server-emei.crt',
      },
    ]);
  });

  it('a certificate signed by another CA of the same name', async () => {
    const directory = collection('wrong-ca');
    sign(planOf(seed, 'apiserver-emei'), otherCaDir, join(directory, 'hosts/emei/etc/kubernetes/pki/apiserver-emei.crt'));
    const { code, diagnostics } = await lintCerts(SEED, directory);
    expect(code).toBe(1);
    expect(diagnostics.map(({ ruleId, message, location, artifact }) => ({ ruleId, message, line: location.line, artifact }))).toEqual([
      {
        ruleId: 'cert-issuer',
        message:
          "the certificate /etc/kubernetes/pki/apiserver-emei.crt on emei is not signed by the CA /etc/kubernetes/pki/ca.crt (as on shaolin): its issuer is CN=kubernetes, a CA not collected in the folder, so clients and servers trusting the site's CA refuse it: see `clusterspec certs plan` for the re-issue",
        line: lineOf(seedText, '- name: emei'),
        artifact: 'hosts/emei/etc/kubernetes/pki/apiserver-emei.crt',
      },
    ]);
  });

  it('an apiserver certificate without its own address: x509 … not 10.27.52.72, from the live site', async () => {
    const directory = collection('missing-san');
    const plan = apiServerCertificate(
      seed,
      seed.hosts.find((host) => host.name === 'emei')!,
    );
    // Signed by hand with a copied SAN list: the Service IP and shaolin's address, not emei's.
    sign(plan, caDir, join(directory, 'hosts/emei/etc/kubernetes/pki/apiserver-emei.crt'), {
      sans: 'DNS:emei,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1,IP:10.27.53.32',
    });
    const { diagnostics } = await lintCerts(SEED, directory);
    const line = lineOf(seedText, '- name: emei');
    const artifact = 'hosts/emei/etc/kubernetes/pki/apiserver-emei.crt';
    const names = 'emei, kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local, 10.96.0.1, 10.27.53.32';
    expect(diagnostics.map(({ ruleId, message, location }) => ({ ruleId, message, line: location.line }))).toEqual([
      {
        ruleId: 'cert-plan-drift',
        message: `the certificate /etc/kubernetes/pki/apiserver-emei.crt on emei differs from pki/plan.json (apiserver-emei): it lacks 10.27.52.72 and has 10.27.53.32 the plan does not: see \`clusterspec certs plan\` for the re-issue`,
        line,
      },
      {
        ruleId: 'san-advertise-address',
        message: `the certificate /etc/kubernetes/pki/apiserver-emei.crt on emei (as deployed) is valid for ${names}, not 10.27.52.72, the address emei advertises: see \`clusterspec certs plan\` for the re-issue`,
        line,
      },
      ...['controller-manager', 'kubelet', 'scheduler'].map((client) => ({
        ruleId: 'san-coverage',
        message: `${client} on emei dials 10.27.52.72:6443, which reaches emei directly: x509: certificate is valid for ${names}, not 10.27.52.72 (the certificate /etc/kubernetes/pki/apiserver-emei.crt on emei, as deployed): see \`clusterspec certs plan\` for the re-issue`,
        line,
      })),
    ]);
    expect(diagnostics.every((diagnostic) => diagnostic.artifact === artifact)).toBe(true);
  });

  it("shaolin's apiserver certificate copied onto wudang by hand", async () => {
    const directory = collection('copied');
    cpSync(join(signed, 'apiserver-shaolin.crt'), join(directory, 'hosts/wudang/etc/kubernetes/pki/apiserver-wudang.crt'));
    const { diagnostics } = await lintCerts(SEED, directory);
    expect(diagnostics.map((diagnostic) => diagnostic.ruleId)).toEqual([
      'cert-plan-drift',
      'san-advertise-address',
      'san-coverage',
      'san-coverage',
      'san-coverage',
    ]);
    expect(diagnostics[0].message).toBe(
      'the certificate /etc/kubernetes/pki/apiserver-wudang.crt on wudang differs from pki/plan.json (apiserver-wudang): it lacks wudang, 10.24.138.208 and has shaolin, 10.27.53.32 the plan does not: see `clusterspec certs plan` for the re-issue',
    );
    expect(diagnostics[3].message).toBe(
      'kubelet on wudang dials 10.24.138.208:6443, which reaches wudang directly: x509: certificate is valid for shaolin, kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local, 10.96.0.1, 10.27.53.32, not 10.24.138.208 (the certificate /etc/kubernetes/pki/apiserver-wudang.crt on wudang, as deployed): see `clusterspec certs plan` for the re-issue',
    );
    expect(new Set(diagnostics.map((diagnostic) => diagnostic.location.line))).toEqual(new Set([lineOf(seedText, '- name: wudang')]));
  });

  it('a user certificate with the wrong O', async () => {
    const directory = collection('wrong-o');
    sign(planOf(seed, 'user-kubernetes-admin'), caDir, join(directory, 'cluster/kubeconfig/kubernetes-admin.crt'), {
      subject: '/O=system:nodes/CN=kubernetes-admin',
    });
    const { diagnostics } = await lintCerts(SEED, directory);
    expect(diagnostics).toEqual([
      {
        ruleId: 'cert-subject',
        severity: 'error',
        message:
          'the certificate cluster/kubeconfig/kubernetes-admin.crt is for CN=kubernetes-admin, O=system:nodes, but kubernetes.users gives kubernetes-admin CN=kubernetes-admin, O=system:masters: the apiserver authenticates it as kubernetes-admin in system:nodes: see `clusterspec certs plan` for the re-issue',
        location: { file: SEED, line: lineOf(seedText, 'groups: [system:masters]'), column: 17 },
        field: 'spec.kubernetes.users[0].groups',
        artifact: 'cluster/kubeconfig/kubernetes-admin.crt',
      },
    ]);
  });

  it('never reads a key: a .key file holding a certificate is not listed, no output holds key material', async () => {
    const directory = collection('keys');
    cpSync(join(signed, 'apiserver-shaolin.crt'), join(directory, 'hosts/shaolin/etc/kubernetes/pki/looks-like-a.key'));
    const listed = await cli(['certs', 'list', '--certs', directory, '--now', judgeNow(), '--format', 'json']);
    const paths = (JSON.parse(listed.stdout) as { certificates: { path: string }[] }).certificates.map((row) => row.path);
    expect(paths.filter((path) => !path.endsWith('.crt'))).toEqual([]);
    const linted = await cli(['lint', SEED, '--certs', directory, '--now', judgeNow()]);
    for (const output of [listed.stdout, listed.stderr, linted.stdout, linted.stderr]) expect(output).not.toMatch(/PRIVATE KEY|BEGIN/);
  });

  it('bad input: a .crt that is no certificate, a folder naming no host, a missing folder: one line each, exit 2', async () => {
    const garbage = collection('garbage');
    writeFileSync(join(garbage, 'hosts/emei/etc/kubernetes/pki/broken.crt'), 'not a certificate\n');
    const stranger = collection('stranger');
    mkdirSync(join(stranger, 'hosts/nowhere'));
    const results = await Promise.all([garbage, stranger, join(work, 'absent')].map((directory) => cli(['lint', SEED, '--certs', directory])));
    expect(results.map((result) => result.code)).toEqual([2, 2, 2]);
    expect(results[0].stderr).toMatch(
      new RegExp(
        `^clusterspec lint: ${garbage}/hosts/emei/etc/kubernetes/pki/broken.crt: not a PEM or DER certificate \\(.*\\); collect the .crt files as they are on the host$`,
      ),
    );
    expect(results[1].stderr).toBe(
      `clusterspec lint: ${stranger}/hosts/nowhere: ${SEED} has no host "nowhere"; name each folder under hosts/ after a host of the spec`,
    );
    expect(results[2].stderr).toBe(`clusterspec lint: --certs ${join(work, 'absent')}: no such folder; collect the certificates first (docs/certificates.md)`);
    expect(results.every((result) => result.stdout === '')).toBe(true);
  });
});

describe('certs list', () => {
  it('one row per certificate, soonest expiry first, with subject, SANs, issuer and days left', async () => {
    const directory = collection('list');
    sign(planOf(seed, 'kubelet-emei'), caDir, join(directory, 'hosts/emei/etc/kubernetes/pki/kubelet-emei.crt'), { days: 10 });
    const { code, stdout } = await cli(['certs', 'list', '--certs', directory, '--now', judgeNow(), '--format', 'json']);
    expect(code).toBe(0);
    const rows = (
      JSON.parse(stdout) as {
        certificates: { host: string; path: string; subject: string; sans: string[]; issuer: string; notAfter: string; daysLeft: number }[];
      }
    ).certificates;
    const files = readdirSync(directory, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.crt'));
    expect(rows).toHaveLength(files.length);
    expect(rows.map((row) => row.daysLeft)).toEqual([...rows.map((row) => row.daysLeft)].sort((a, b) => a - b));
    expect(rows[0]).toEqual({
      host: 'emei',
      path: '/etc/kubernetes/pki/kubelet-emei.crt',
      subject: 'O=system:nodes, CN=system:node:emei',
      sans: [],
      issuer: 'CN=kubernetes',
      notAfter: notAfterOf(join(directory, 'hosts/emei/etc/kubernetes/pki/kubelet-emei.crt')),
      daysLeft: daysLeftOf(join(directory, 'hosts/emei/etc/kubernetes/pki/kubelet-emei.crt')),
    });
    expect(rows.find((row) => row.path === '/etc/kubernetes/pki/apiserver-wudang.crt')?.sans).toEqual([
      'wudang',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      '10.96.0.1',
      '10.24.138.208',
    ]);
    const text = await cli(['certs', 'list', '--certs', directory, '--now', judgeNow()]);
    const [header, first] = text.stdout.split('\n');
    expect(header).toMatch(/^HOST +PATH +SUBJECT +SANS +ISSUER +NOT AFTER +DAYS LEFT$/);
    expect(first).toMatch(/^emei +\/etc\/kubernetes\/pki\/kubelet-emei\.crt +O=system:nodes, CN=system:node:emei +- +CN=kubernetes +[0-9-]{10} +(9|10)$/);
  });
});

describe('certs plan', () => {
  it('lists what to re-issue and why, per host, control-plane hosts one at a time, with the sign.sh lines and what to restart', async () => {
    const directory = collection('plan');
    cpSync(join(signed, 'apiserver-shaolin.crt'), join(directory, 'hosts/wudang/etc/kubernetes/pki/apiserver-wudang.crt'));
    sign(planOf(seed, 'etcd-peer-shaolin'), join(caDir, 'etcd'), join(directory, 'hosts/shaolin/etc/kubernetes/pki/etcd/peer-shaolin.crt'), { days: 5 });
    const { code, stdout } = await cli(['certs', 'plan', SEED, '--certs', directory, '--now', judgeNow()]);
    expect(code).toBe(1);
    expect(stdout).toContain('2 certificate(s) on 2 host(s); legacy flow');
    const shaolin = stdout.indexOf('## shaolin (control plane');
    const wudang = stdout.indexOf('## wudang (control plane');
    expect(shaolin).toBeGreaterThan(0);
    expect(wudang).toBeGreaterThan(shaolin);
    const shaolinPart = stdout.slice(shaolin, wudang);
    expect(shaolinPart).toContain(
      '- /etc/kubernetes/pki/etcd/peer-shaolin.crt\n  - the certificate /etc/kubernetes/pki/etcd/peer-shaolin.crt on shaolin expires on',
    );
    expect(shaolinPart).toContain('out/seed-ha/pki/sign.sh /etc/kubernetes/pki ./signed etcd-peer-shaolin');
    expect(shaolinPart).toContain('scp signed/peer-shaolin.crt signed/peer-shaolin.key root@shaolin:/etc/kubernetes/pki/etcd/');
    expect(shaolinPart).toContain('mv /etc/kubernetes/manifests/etcd.yaml /root/ && sleep 20 && mv /root/etcd.yaml /etc/kubernetes/manifests/');
    const wudangPart = stdout.slice(wudang);
    expect(wudangPart).toContain('(cert-plan-drift)');
    expect(wudangPart).toContain('(san-advertise-address)');
    expect(wudangPart).toContain('out/seed-ha/pki/sign.sh /etc/kubernetes/pki ./signed apiserver-wudang');
    expect(wudangPart).toContain('mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/');
  });

  it('the sign.sh line of the runbook issues exactly the named certificate again', () => {
    const site = join(work, 'site');
    const again = join(work, 'again');
    runSignScript(join(site, 'pki/sign.sh'), caDir, again);
    rmSync(again, { recursive: true });
    const result = spawnSync('bash', [join(site, 'pki/sign.sh'), caDir, again, 'apiserver-wudang'], { encoding: 'utf8', timeout: deadline(60_000) });
    expect(result.status).toBe(0);
    expect(
      readdirSync(again)
        .filter((file) => !file.endsWith('.srl') && !file.startsWith('sa.'))
        .sort(),
    ).toEqual(['apiserver-wudang.crt', 'apiserver-wudang.key']);
  });

  it('nothing to re-issue: exit 0', async () => {
    const { code, stdout } = await cli(['certs', 'plan', SEED, '--certs', clean, '--now', judgeNow()]);
    expect(stdout).toBe('# Re-issue runbook for seed-ha\n\nNothing to re-issue.');
    expect(code).toBe(0);
  });

  it('--since GIT_REF: the certificates whose SANs changed since the committed pki/plan.json', () => {
    const repository = join(work, 'repository');
    mkdirSync(join(repository, 'out/modern/pki'), { recursive: true });
    cpSync(join(ROOT, 'out/modern/pki/plan.json'), join(repository, 'out/modern/pki/plan.json'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repository, encoding: 'utf8', timeout: deadline(20_000) });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '--no-verify', '-m', 'site');
    const spec = join(repository, 'cluster.yaml');
    writeFileSync(spec, readFileSync(MODERN, 'utf8').replace('certSANs: [kubernetes.corp.example]', 'certSANs: [kubernetes.corp.example, api.corp.example]'));
    const result = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/clusterspec.js'), 'certs', 'plan', spec, '--since', 'HEAD'], {
      cwd: repository,
      encoding: 'utf8',
      timeout: deadline(60_000),
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('3 certificate(s) on 3 host(s); kubeadm flow.');
    for (const host of ['cp-1', 'cp-2', 'cp-3']) expect(result.stdout).toContain(`## ${host} (control plane`);
    expect(result.stdout).toContain('- /etc/kubernetes/pki/apiserver.crt\n  - pki/plan.json adds api.corp.example');
    expect(result.stdout).toContain('kubeadm init phase certs apiserver --config /root/kubeadm-cluster.yaml');
    const bad = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/clusterspec.js'), 'certs', 'plan', spec, '--since', 'no-such-ref'], {
      cwd: repository,
      encoding: 'utf8',
      timeout: deadline(60_000),
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /^clusterspec certs: --since no-such-ref: cannot read \.\/out\/modern\/pki\/plan\.json at that revision \(.+\); run from the repository that commits out\/\n$/,
    );
  });
});

describe('a kubeadm-shaped /etc/kubernetes/pki folder per host (modern, copied as it is)', () => {
  let directory: string;
  const modernText = readFileSync(MODERN, 'utf8');

  beforeAll(() => {
    directory = join(work, 'kubeadm');
    const kubeadmCA = join(work, 'kubeadm-ca');
    const etcdCA = join(work, 'kubeadm-etcd-ca');
    makeCA(kubeadmCA, '/CN=kubernetes', 3650);
    makeCA(etcdCA, '/CN=etcd-ca', 3650);
    for (const host of modern.kubernetes.controlPlaneHosts) {
      // `rsync -a root@host:/etc/kubernetes/pki DIR/hosts/host/`: the folder itself, keys included.
      const pki = join(directory, 'hosts', host.name, 'pki');
      mkdirSync(join(pki, 'etcd'), { recursive: true });
      cpSync(join(kubeadmCA, 'ca.crt'), join(pki, 'ca.crt'));
      cpSync(join(etcdCA, 'ca.crt'), join(pki, 'etcd/ca.crt'));
      sign(apiServerCertificate(modern, host), kubeadmCA, join(pki, 'apiserver.crt'));
      const member = {
        ...apiServerCertificate(modern, host),
        id: 'etcd-server',
        commonName: host.name,
        dnsNames: [host.name, 'localhost'],
        ipAddresses: [host.address, '127.0.0.1'],
        usage: 'peer' as const,
      };
      // cp-2's etcd server certificate signed by the cluster CA rather than etcd's, and cp-3's kubelet client as a server one.
      sign(member, host.name === 'cp-2' ? kubeadmCA : etcdCA, join(pki, 'etcd/server.crt'));
      sign(
        {
          ...member,
          id: 'apiserver-kubelet-client',
          commonName: 'kube-apiserver-kubelet-client',
          organizations: ['kubeadm:cluster-admins'],
          dnsNames: [],
          ipAddresses: [],
          usage: 'client',
        },
        kubeadmCA,
        join(pki, 'apiserver-kubelet-client.crt'),
        host.name === 'cp-3' ? { usage: 'serverAuth' } : {},
      );
    }
  }, 120_000);

  it('is read as /etc/kubernetes/pki: the apiserver SANs judged, kubeadm’s own certificates by issuer and usage', async () => {
    const { diagnostics } = await lintCerts(MODERN, directory);
    expect(diagnostics.map(({ ruleId, message, location, artifact }) => ({ ruleId, message, line: location.line, artifact }))).toEqual([
      {
        ruleId: 'cert-issuer',
        message:
          "the certificate /etc/kubernetes/pki/etcd/server.crt on cp-2 is not signed by the CA /etc/kubernetes/pki/etcd/ca.crt (as on cp-1): its issuer is CN=kubernetes, another CA, so clients and servers trusting the site's CA refuse it: see `clusterspec certs plan` for the re-issue",
        line: lineOf(modernText, '- name: cp-2'),
        artifact: 'hosts/cp-2/pki/etcd/server.crt',
      },
      {
        ruleId: 'cert-usage',
        message:
          'the certificate /etc/kubernetes/pki/apiserver-kubelet-client.crt on cp-3 is a client certificate without clientAuth in its extended key usage (it has serverAuth): servers refuse it as a client certificate: see `clusterspec certs plan` for the re-issue',
        line: lineOf(modernText, '- name: cp-3'),
        artifact: 'hosts/cp-3/pki/apiserver-kubelet-client.crt',
      },
    ]);
  });

  it('plans kubeadm’s own commands', async () => {
    const { stdout } = await cli(['certs', 'plan', MODERN, '--certs', directory, '--now', judgeNow()]);
    expect(stdout).toContain('## cp-2 (control plane');
    expect(stdout).toContain('kubeadm certs renew etcd-server');
    expect(stdout).toContain('kubeadm certs renew apiserver-kubelet-client');
  });
});
