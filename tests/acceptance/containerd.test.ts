/**
 * The real containerd (Debian's 1.6.20) judges what the containerd generator writes:
 *  - `containerd --config FILE config dump` loads every generated config.toml of config version 2 and
 *    shows config_path and runc's SystemdCgroup where the generator put them. Version 3 files are for
 *    containerd 2.x, which Debian does not ship; containerd 1.x accepts them and silently ignores their
 *    plugin tables (measured below), which is why the version follows the containerd release.
 *  - a real containerd pulls an image through the generated hosts.toml from a real registry (Debian's
 *    docker-registry) on this machine (see REGISTRY_ADDRESS): over https with a throwaway CA named by harbor.caFile, over plain
 *    http, and from Docker Hub's name through a mirror; each pull fails without the generated file.
 *    The image is made here (one layer, a config, an OCI manifest) and pushed over the registry API.
 *    Everything runs in a temporary folder, each program under a deadline, all stopped afterwards.
 */
import { loadSpecText, type Artifact } from '@clusterspec/spec';
import { parse as parseToml } from '@iarna/toml';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateArtifacts } from '@clusterspec/generators';
import { ROOT } from '../support/fixtures';
import { makeCA } from '../support/pki';
import { artifactsMatching } from '../support/generated-sites';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(180000));

const CONTAINERD = '/usr/bin/containerd';
const CTR = '/usr/bin/ctr';
const REGISTRY = '/usr/bin/docker-registry';

const configs = artifactsMatching(/^hosts\/[^/]+\/etc\/containerd\/config\.toml$/);
const configVersion = (content: string) => (parseToml(content) as { version?: number }).version;

function configDump(file: string): { status: number | null; output: string } {
  const run = spawnSync(CONTAINERD, ['--config', file, 'config', 'dump'], { encoding: 'utf8', timeout: deadline(30000) });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The key lines of one table of a `config dump`, up to the next table header. */
function tableBody(dump: string, table: string): string[] {
  const lines = dump.split('\n').map((line) => line.trim());
  const start = lines.indexOf(`[${table}]`);
  if (start < 0) return [];
  const end = lines.findIndex((line, index) => index > start && line.startsWith('[') && line.endsWith(']') && !line.includes(' = '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

const containerdMissing = existsSync(CONTAINERD) ? undefined : 'containerd is not installed (Debian package containerd; scripts/test.sh installs it)';

(containerdMissing ? describe.skip : describe)(
  `containerd config dump accepts every generated config.toml${containerdMissing ? ` (skipped: ${containerdMissing})` : ''}`,
  () => {
    let directory: string;
    beforeAll(() => {
      directory = mkdtempSync(join(tmpdir(), 'clusterspec-containerd-config-'));
    });
    afterAll(() => rmSync(directory, { recursive: true, force: true }));
    const write = (content: string) => {
      const file = join(directory, `config-${createHash('sha256').update(content).digest('hex').slice(0, 12)}.toml`);
      writeFileSync(file, content);
      return file;
    };

    it('finds config.toml files of both config versions in the fixtures', () => {
      const versions = new Set(configs.map(({ artifact }) => configVersion(artifact.content)));
      expect([...versions].sort()).toEqual([2, 3]);
    });

    const version2 = configs.filter(({ artifact }) => configVersion(artifact.content) === 2);
    it.each(version2.map(({ site, artifact }) => [site.spec, artifact.path, artifact.content] as const))('%s: %s', (_spec, _path, content) => {
      const { status, output } = configDump(write(content));
      expect(status).toBe(0);
      expect(tableBody(output, 'plugins."io.containerd.grpc.v1.cri".registry')).toContain('config_path = "/etc/containerd/certs.d"');
      expect(tableBody(output, 'plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options')).toContain('SystemdCgroup = true');
      expect(tableBody(output, 'plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc')).toContain('runtime_type = "io.containerd.runc.v2"');
    });

    const version3 = configs.filter(({ artifact }) => configVersion(artifact.content) === 3);
    it.skip.each(version3.map(({ site, artifact }) => [site.spec, artifact.path] as const))(
      '%s: %s (skipped: a config version 3 file needs containerd 2.x; Debian 12 ships containerd 1.6.20, which reads version 2 only)',
      () => undefined,
    );

    it('containerd 1.x loads a version 3 file but ignores its tables: the config version must follow the release', () => {
      const [first] = version3;
      const { status, output } = configDump(write(first.artifact.content));
      expect(status).toBe(0);
      expect(tableBody(output, 'plugins."io.containerd.grpc.v1.cri".registry')).toContain('config_path = ""');
      expect(output).not.toMatch(/SystemdCgroup = true/);
    });

    it('a version 2 file with a TOML error is refused (exit 1), so the accepting runs above mean something', () => {
      expect(configDump(write('version = 2\n[plugins."io.containerd.grpc.v1.cri".registry\n')).status).toBe(1);
    });
  },
);

// ---- the pull through the generated hosts.toml ------------------------------------------------------

function whyPullCannotRun(): string | undefined {
  if (process.platform !== 'linux') return 'containerd runs on Linux only';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'containerd needs root for its content store and snapshots';
  for (const program of [CONTAINERD, CTR, REGISTRY, '/usr/bin/openssl'])
    if (!existsSync(program)) return `${program} is missing (scripts/test.sh installs containerd, docker-registry and openssl)`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, REGISTRY_ADDRESS, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Response {
  readonly status: number;
  readonly location?: string;
  readonly body: string;
}

/** One registry API call over http or https (trusting the test CA), with a deadline. */
function call(url: string, method: string, ca: string | undefined, body?: Buffer, contentType?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string | number> = { 'Content-Length': body?.length ?? 0 };
    if (contentType) headers['Content-Type'] = contentType;
    const req = send(target, { method, headers, timeout: deadline(10000), ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** A one-file tar archive (ustar), written by hand so the image needs no other tool. */
function tarOf(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (text: string, offset: number, length: number) => header.write(text, offset, length, 'ascii');
  field(name, 0, 100);
  field('0000644\0', 100, 8);
  field('0000000\0', 108, 8);
  field('0000000\0', 116, 8);
  field(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  field('00000000000\0', 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

/** Pushes a one-layer OCI image for this machine's platform; returns its reference path and manifest digest. */
async function pushImage(base: string, repository: string, tag: string, ca?: string): Promise<string> {
  const layerTar = tarOf('hello.txt', Buffer.from('pulled through the generated hosts.toml\n'));
  const layer = gzipSync(layerTar);
  const architecture = process.arch === 'x64' ? 'amd64' : process.arch;
  const config = Buffer.from(JSON.stringify({ architecture, os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] } }));
  for (const blob of [layer, config]) {
    const started = await call(`${base}/v2/${repository}/blobs/uploads/`, 'POST', ca);
    if (started.status !== 202 || !started.location) throw new Error(`upload start: ${started.status} ${started.body}`);
    const location = new URL(started.location, base);
    location.searchParams.set('digest', sha256(blob));
    const put = await call(location.toString(), 'PUT', ca, blob, 'application/octet-stream');
    if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${put.body}`);
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  const put = await call(`${base}/v2/${repository}/manifests/${tag}`, 'PUT', ca, manifest, 'application/vnd.oci.image.manifest.v1+json');
  if (put.status !== 201) throw new Error(`manifest upload: ${put.status} ${put.body}`);
  return sha256(manifest);
}

async function waitFor(what: string, ready: () => Promise<boolean> | boolean, deadlineMs: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${log()}`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} not ready within ${deadlineMs} ms: ${log()}`);
}

/** A child process whose output is kept for error messages, stopped by stop(): SIGTERM, then SIGKILL. */
function start(program: string, args: readonly string[]): { child: ChildProcess; log: () => string; stop: () => Promise<void> } {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return { child, log: () => output, stop };
}

/** The edge fixture (containerd 1.6, config version 2) with Harbor and the Docker Hub mirror on this machine. */
function siteArtifacts(externalURL: string, extra: { caFile?: string; mirror?: string }): Artifact[] {
  let text = readFileSync(join(ROOT, 'fixtures/edge/cluster.yaml'), 'utf8');
  const replace = (from: string, to: string) => {
    if (!text.includes(from)) throw new Error(`"${from}" is not in the edge fixture`);
    text = text.replace(from, to);
  };
  replace('    externalURL: http://172.16.2.10:8088\n', `    externalURL: ${externalURL}\n${extra.caFile ? `    caFile: ${extra.caFile}\n` : ''}`);
  if (extra.mirror) replace('    dns: [consul]\n', `    dns: [consul]\n    registryMirrors: [${extra.mirror}]\n`);
  return generateArtifacts(loadSpecText('edge-on-this-machine.yaml', Buffer.from(text)));
}

/** Copies one node's generated certs.d into a folder for ctr --hosts-dir; returns the file names copied. */
function installCertsDir(artifacts: readonly Artifact[], node: string, target: string): string[] {
  const prefix = `hosts/${node}/etc/containerd/certs.d/`;
  const files = artifacts.filter((item) => item.path.startsWith(prefix));
  for (const file of files) {
    const path = join(target, file.path.slice(prefix.length));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  return files.map((file) => file.path.slice(prefix.length)).sort();
}

const cannotPull = whyPullCannotRun();

/**
 * Where the registries listen. containerd treats a loopback registry (localhost, 127.0.0.0/8) as plain
 * http with verification off unless a hosts.toml says otherwise (remotes/docker/config/hosts.go), so on
 * 127.0.0.1 a pull succeeds without the generated file and the controls prove nothing. This machine's
 * own non-loopback address (traffic stays on the machine) behaves like a real Harbor's.
 */
const REGISTRY_ADDRESS =
  Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address ?? '127.0.0.1';
const NO_CONTROL =
  REGISTRY_ADDRESS === '127.0.0.1'
    ? 'this machine has no non-loopback IPv4 address, and containerd pulls from a loopback registry over plain http without verification, hosts.toml or not'
    : undefined;
const control = NO_CONTROL ? it.skip : it;

(cannotPull ? describe.skip : describe)(
  `a real containerd pulls through the generated hosts.toml from a real registry${cannotPull ? ` (skipped: ${cannotPull})` : ''}`,
  () => {
    let directory: string;
    let socket: string;
    const stops: (() => Promise<void>)[] = [];
    let tlsBase: string;
    let httpBase: string;
    const ca = () => readFileSync(join(directory, 'ca.crt'), 'utf8');

    const openssl = (...args: string[]) => {
      const run = spawnSync('openssl', args, { cwd: directory, encoding: 'utf8', timeout: deadline(30000) });
      if (run.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${run.stderr}`);
    };

    async function startRegistry(name: string, port: number, tls: boolean): Promise<void> {
      const config = join(directory, `${name}.yml`);
      writeFileSync(
        config,
        [
          'version: 0.1',
          'log:',
          '  level: warn',
          'storage:',
          '  filesystem:',
          `    rootdirectory: ${join(directory, `${name}-data`)}`,
          'http:',
          `  addr: ${REGISTRY_ADDRESS}:${port}`,
          ...(tls ? ['  tls:', `    certificate: ${join(directory, 'server.crt')}`, `    key: ${join(directory, 'server.key')}`] : []),
          '',
        ].join('\n'),
      );
      const registry = start(REGISTRY, ['serve', config]);
      stops.push(registry.stop);
      const base = `${tls ? 'https' : 'http'}://${REGISTRY_ADDRESS}:${port}`;
      await waitFor(
        `docker-registry (${name})`,
        async () => (await call(`${base}/v2/`, 'GET', tls ? ca() : undefined).catch(() => ({ status: 0 }))).status === 200,
        20000,
        registry.child,
        registry.log,
      );
    }

    beforeAll(async () => {
      directory = mkdtempSync(join(tmpdir(), 'clusterspec-containerd-pull-'));
      makeCA(directory, '/CN=clusterspec test registry CA', 1);
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${REGISTRY_ADDRESS}`, '-keyout', 'server.key', '-out', 'server.csr');
      writeFileSync(join(directory, 'server.ext'), `subjectAltName = IP:${REGISTRY_ADDRESS}\nextendedKeyUsage = serverAuth\n`);
      openssl(
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        'server.ext',
        '-out',
        'server.crt',
      );

      const [tlsPort, httpPort] = [await freePort(), await freePort()];
      tlsBase = `https://${REGISTRY_ADDRESS}:${tlsPort}`;
      httpBase = `http://${REGISTRY_ADDRESS}:${httpPort}`;
      await startRegistry('registry-https', tlsPort, true);
      await startRegistry('registry-http', httpPort, false);

      // containerd's own configuration here is not under test (that is config dump's job above): CRI off,
      // everything under the temporary folder.
      socket = join(directory, 'containerd.sock');
      const config = join(directory, 'containerd.toml');
      writeFileSync(config, 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
      const containerd = start(CONTAINERD, [
        '--config',
        config,
        '--root',
        join(directory, 'root'),
        '--state',
        join(directory, 'state'),
        '--address',
        socket,
        '--log-level',
        'warn',
      ]);
      stops.push(containerd.stop);
      await waitFor(
        'containerd',
        () => spawnSync(CTR, ['--address', socket, 'version'], { timeout: deadline(5000) }).status === 0,
        20000,
        containerd.child,
        containerd.log,
      );
    });

    afterAll(async () => {
      for (const stop of stops.reverse()) await stop();
      // containerd leaves the native snapshots' mounts-free folders and its state behind; all under directory.
      if (directory) rmSync(directory, { recursive: true, force: true });
    });

    /** ctr images pull, bounded; --hosts-dir only when given. */
    function pull(reference: string, hostsDir?: string): { status: number | null; output: string } {
      const args = [
        '--address',
        socket,
        '--namespace',
        'clusterspec-test',
        'images',
        'pull',
        '--snapshotter',
        'native',
        ...(hostsDir ? ['--hosts-dir', hostsDir] : []),
        reference,
      ];
      const run = spawnSync(CTR, args, { encoding: 'utf8', timeout: deadline(60000) });
      return { status: run.status, output: `${run.stdout}${run.stderr}` };
    }

    function imageDigest(reference: string): string | undefined {
      const run = spawnSync(CTR, ['--address', socket, '--namespace', 'clusterspec-test', 'images', 'ls'], { encoding: 'utf8', timeout: deadline(20000) });
      const line = run.stdout.split('\n').find((entry) => entry.startsWith(`${reference} `));
      return line?.split(/\s+/).find((field) => field.startsWith('sha256:'));
    }

    it('https Harbor with a private CA: pulls with the generated hosts.toml (ca from harbor.caFile)', async () => {
      const digest = await pushImage(tlsBase, 'site/hello', '1', ca());
      const artifacts = siteArtifacts(tlsBase, { caFile: join(directory, 'ca.crt') });
      const hostsDir = join(directory, 'certs.d-https');
      expect(installCertsDir(artifacts, 'w1', hostsDir)).toEqual([`${tlsBase.replace('https://', '')}/hosts.toml`]);
      const reference = `${tlsBase.replace('https://', '')}/site/hello:1`;

      const trusted = pull(reference, hostsDir);
      if (trusted.status !== 0) throw new Error(trusted.output);
      expect(imageDigest(reference)).toBe(digest);
    });

    it('plain-http Harbor: pulls with the generated hosts.toml (http server)', async () => {
      const digest = await pushImage(httpBase, 'site/hello', '1');
      const artifacts = siteArtifacts(httpBase, {});
      const hostsDir = join(directory, 'certs.d-http');
      expect(installCertsDir(artifacts, 'k2', hostsDir)).toEqual([`${httpBase.replace('http://', '')}/hosts.toml`]);
      const reference = `${httpBase.replace('http://', '')}/site/hello:1`;

      const plain = pull(reference, hostsDir);
      if (plain.status !== 0) throw new Error(plain.output);
      expect(imageDigest(reference)).toBe(digest);
    });

    control(
      `without the generated hosts.toml the same pulls fail, as on a node that only has daemon.json${NO_CONTROL ? ` (skipped: ${NO_CONTROL})` : ''}`,
      () => {
        const untrusted = pull(`${tlsBase.replace('https://', '')}/site/hello:1`);
        expect(untrusted.status).not.toBe(0);
        expect(untrusted.output).toMatch(/x509: certificate signed by unknown authority/);
        const https = pull(`${httpBase.replace('http://', '')}/site/hello:1`);
        expect(https.status).not.toBe(0);
        expect(https.output).toMatch(/server gave HTTP response to HTTPS client/);
      },
    );

    it("Docker Hub's name through the mirror of docker.io's hosts.toml (registryMirrors)", async () => {
      const digest = await pushImage(httpBase, 'library/clusterspec-hello', '1');
      const artifacts = siteArtifacts(tlsBase, { caFile: join(directory, 'ca.crt'), mirror: httpBase });
      const hostsDir = join(directory, 'certs.d-mirror');
      expect(installCertsDir(artifacts, 'k1', hostsDir)).toContain('docker.io/hosts.toml');
      const reference = 'docker.io/library/clusterspec-hello:1';
      const mirrored = pull(reference, hostsDir);
      if (mirrored.status !== 0) throw new Error(mirrored.output);
      expect(imageDigest(reference)).toBe(digest);
    });
  },
);
