/**
 * Acceptance: the legacy flow's etcd behind TLS, judged by the real etcd (Debian's etcd-server 3.4).
 *
 * The seed's generated pki/sign.sh issues the etcd CA, each member's server and peer certificate and the
 * apiservers' etcd client certificate against a throwaway cluster CA. Three members then run with exactly the
 * flags of the generated out/seed-ha etcd manifests (certificate paths and the data folder moved under a
 * temporary folder), each in a network namespace this test makes (every member also listens on 127.0.0.1:2379),
 * joined by veth pairs to a bridge in a fourth namespace, at the seed's own addresses. The cluster must form
 * over https peers, answer healthy over TLS to the apiserver's client certificate from another host, replicate a
 * write, and refuse a client without a certificate and one speaking plain http. Every step is time-bounded;
 * the namespaces and processes are removed afterwards.
 */
import { loadSpec } from '@clusterspec/spec';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateArtifacts } from '@clusterspec/generators';
import { ROOT } from '../support/fixtures';
import { makeCA, runSignScript, writeArtifacts } from '../support/pki';
import { deadline } from '../support/deadline';

const seed = loadSpec(join(ROOT, 'fixtures/seed-ha/cluster.yaml'));
const members = seed.kubernetes.controlPlaneHosts;
const PREFIX = `cs-etcd-${process.pid}`;
const SWITCH = `${PREFIX}-sw`;
const namespaceOf = (index: number) => `${PREFIX}-${index}`;
/** veth names: at most 15 characters. */
const veth = (index: number, side: 'a' | 'b') => `ce${process.pid % 100000}${index}${side}`;
const STEP_TIMEOUT = 20_000;

const haveEtcd = spawnSync('etcd', ['--version'], { timeout: STEP_TIMEOUT }).status === 0;
const canNamespace = haveEtcd && spawnSync('ip', ['netns', 'list'], { timeout: STEP_TIMEOUT }).status === 0 && process.getuid?.() === 0;
const describeWithEtcd = canNamespace ? describe : describe.skip;
if (!canNamespace) console.warn('etcd acceptance skipped: needs root, iproute2 and etcd-server (scripts/test.sh installs it)');

let work: string;
let signed: string;
const processes: ChildProcess[] = [];
const logs: string[][] = [];

const ip = (...args: string[]) => execFileSync('ip', args, { timeout: STEP_TIMEOUT, stdio: ['ignore', 'pipe', 'pipe'] });
const inNamespace = (namespace: string, ...args: string[]) => ip('netns', 'exec', namespace, ...args);

/** The generated etcd command of a member, its files moved under the test's folders. */
function etcdCommand(host: string): string[] {
  const manifest = generateArtifacts(seed).find((item) => item.path === `hosts/${host}/etc/kubernetes/manifests/etcd.yaml`)!;
  const [, ...args] = (parse(manifest.content) as { spec: { containers: { command: string[] }[] } }).spec.containers[0].command;
  return args.map((arg) =>
    arg
      .replace('--data-dir=/var/lib/etcd', `--data-dir=${join(work, 'data', host)}`)
      .replace(/=\/etc\/kubernetes\/pki\/etcd\/ca\.crt$/, `=${join(work, 'ca/etcd/ca.crt')}`)
      .replace(/=\/etc\/kubernetes\/pki\/etcd\/([a-z]+-[a-z0-9-]+\.(crt|key))$/, `=${signed}/$1`),
  );
}

/** An HTTPS request from inside a namespace (node's https, with or without the client certificate); its status and body, or the error. */
function request(
  namespace: string,
  url: string,
  options: { clientCertificate: boolean; body?: object },
): { ok: boolean; status?: number; body?: string; error?: string } {
  const script = `
    const https = require('node:https'); const fs = require('node:fs');
    const [url, ca, cert, key, body] = process.argv.slice(1);
    const options = { ca: fs.readFileSync(ca), method: body ? 'POST' : 'GET', timeout: ${deadline(5000)} };
    if (cert) { options.cert = fs.readFileSync(cert); options.key = fs.readFileSync(key); }
    const request = https.request(url, options, (response) => { let text = ''; response.on('data', (chunk) => text += chunk); response.on('end', () => { console.log(JSON.stringify({ ok: true, status: response.statusCode, body: text })); }); });
    request.on('error', (error) => console.log(JSON.stringify({ ok: false, error: error.code || error.message })));
    request.on('timeout', () => request.destroy(new Error('timeout')));
    if (body) request.write(body);
    request.end();`;
  const certificate = options.clientCertificate ? [join(signed, 'apiserver-etcd-client.crt'), join(signed, 'apiserver-etcd-client.key')] : ['', ''];
  const output = inNamespace(
    namespace,
    process.execPath,
    '-e',
    script,
    url,
    join(work, 'ca/etcd/ca.crt'),
    ...certificate,
    options.body ? JSON.stringify(options.body) : '',
  ).toString();
  return JSON.parse(output.trim().split('\n').pop()!);
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

describeWithEtcd('etcd behind TLS (legacy flow), three real members', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'clusterspec-etcd-'));
    writeArtifacts(
      join(work, 'site'),
      generateArtifacts(seed).filter((item) => item.path.startsWith('pki/')),
    );
    makeCA(join(work, 'ca'));
    signed = join(work, 'signed');
    runSignScript(join(work, 'site/pki/sign.sh'), join(work, 'ca'), signed);
    ip('netns', 'add', SWITCH);
    inNamespace(SWITCH, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
    inNamespace(SWITCH, 'ip', 'link', 'set', 'br0', 'up');
    members.forEach((host, index) => {
      const namespace = namespaceOf(index);
      ip('netns', 'add', namespace);
      ip('link', 'add', veth(index, 'a'), 'netns', namespace, 'type', 'veth', 'peer', 'name', veth(index, 'b'), 'netns', SWITCH);
      inNamespace(namespace, 'ip', 'link', 'set', 'lo', 'up');
      inNamespace(namespace, 'ip', 'link', 'set', veth(index, 'a'), 'name', 'eth0');
      inNamespace(namespace, 'ip', 'addr', 'add', `${host.address}/8`, 'dev', 'eth0');
      inNamespace(namespace, 'ip', 'link', 'set', 'eth0', 'up');
      inNamespace(SWITCH, 'ip', 'link', 'set', veth(index, 'b'), 'master', 'br0');
      inNamespace(SWITCH, 'ip', 'link', 'set', veth(index, 'b'), 'up');
      mkdirSync(join(work, 'data', host.name), { recursive: true, mode: 0o700 });
      const log: string[] = [];
      logs.push(log);
      const child = spawn('ip', ['netns', 'exec', namespace, 'etcd', ...etcdCommand(host.name)], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (chunk) => log.push(String(chunk)));
      child.stderr?.on('data', (chunk) => log.push(String(chunk)));
      processes.push(child);
    });
    // The members elect a leader once all three peers are up: poll the last member's health until it answers.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = request(namespaceOf(2), `https://${members[2].address}:2379/health`, { clientCertificate: true });
      if (answer.ok && answer.status === 200 && JSON.parse(answer.body ?? '{}').health === 'true') break;
      if (Date.now() > deadline)
        throw new Error(`etcd did not become healthy: ${JSON.stringify(answer)}\n${logs.map((log) => log.join('').slice(-2000)).join('\n----\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, 120_000);

  afterAll(() => {
    for (const child of processes) child.kill('SIGKILL');
    for (const namespace of [...members.map((_, index) => namespaceOf(index)), SWITCH])
      spawnSync('ip', ['netns', 'delete', namespace], { timeout: STEP_TIMEOUT });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the manifests hold TLS on both sides (the flags the members run with)', () => {
    const args = etcdCommand('shaolin');
    expect(args).toEqual(
      expect.arrayContaining([
        '--client-cert-auth=true',
        '--peer-client-cert-auth=true',
        `--listen-client-urls=https://127.0.0.1:2379,https://${members[0].address}:2379`,
      ]),
    );
  });

  it.each(members.map((host, index) => ({ name: host.name, address: host.address, index })))(
    '$name answers healthy over TLS to the apiserver client certificate, from another host',
    ({ address, index }) => {
      const answer = request(namespaceOf((index + 1) % members.length), `https://${address}:2379/health`, { clientCertificate: true });
      expect(answer).toMatchObject({ ok: true, status: 200 });
      expect(JSON.parse(answer.body!)).toMatchObject({ health: 'true' });
    },
  );

  it('the three members form one cluster over https peers and replicate a write', () => {
    const list = request(namespaceOf(0), `https://${members[0].address}:2379/v3/cluster/member/list`, { clientCertificate: true, body: {} });
    const listed = (JSON.parse(list.body!) as { members: { name: string; peerURLs: string[] }[] }).members;
    expect(listed.map((member) => member.name).sort()).toEqual(members.map((host) => host.name).sort());
    expect(listed.flatMap((member) => member.peerURLs).every((url) => url.startsWith('https://'))).toBe(true);
    const put = request(namespaceOf(0), `https://${members[0].address}:2379/v3/kv/put`, {
      clientCertificate: true,
      body: { key: base64('/registry/secrets/x'), value: base64('kept') },
    });
    expect(put.status).toBe(200);
    const range = request(namespaceOf(2), `https://${members[2].address}:2379/v3/kv/range`, {
      clientCertificate: true,
      body: { key: base64('/registry/secrets/x') },
    });
    expect(Buffer.from((JSON.parse(range.body!) as { kvs: { value: string }[] }).kvs[0].value, 'base64').toString()).toBe('kept');
  });

  it('refuses a client without a certificate, and plain http', () => {
    const anonymous = request(namespaceOf(1), `https://${members[0].address}:2379/v3/kv/range`, {
      clientCertificate: false,
      body: { key: base64('/registry/secrets/x') },
    });
    expect(anonymous.ok).toBe(false);
    // The same request with the certificate goes through: the refusal is the missing certificate, not the network.
    expect(
      request(namespaceOf(1), `https://${members[0].address}:2379/v3/kv/range`, { clientCertificate: true, body: { key: base64('/registry/secrets/x') } })
        .status,
    ).toBe(200);
    const plain = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        namespaceOf(1),
        'curl',
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '--max-time',
        '5',
        `http://${members[0].address}:2379/v3/kv/range`,
        '-d',
        '{}',
      ],
      { encoding: 'utf8', timeout: STEP_TIMEOUT },
    );
    expect(plain.stdout).not.toBe('200');
  });
});
