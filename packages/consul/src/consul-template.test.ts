import { loadBalancerGenerators, NGINX_CONF_PATH } from '@clusterspec/loadbalancer';
import type { ClusterModel } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFixture, variant } from '../../../tests/support/fixtures';
import { generateIngress } from './consul-template';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const modern = loadFixture('fixtures/modern/cluster.yaml');
const edge = loadFixture('fixtures/edge/cluster.yaml');
const file = (model: ClusterModel, host: string, path: string) => {
  const found = generateIngress(model).find((each) => each.path === `hosts/${host}${path}`);
  if (!found) throw new Error(`no ${path} on ${host}`);
  return found.content;
};

const configOf = (model: ClusterModel, host: string) => file(model, host, '/etc/consul-template/config.hcl');

describe('consul-template on the ingress hosts: its configuration, unit and reload script', () => {
  it('writes config, unit, template and preview on every ingress host and nowhere else', () => {
    const hosts = (model: ClusterModel) => [...new Set(generateIngress(model).map((each) => each.path.split('/')[1]))];
    expect(hosts(seed)).toEqual(['consul-1', 'consul-2']);
    expect(hosts(modern)).toEqual(['lb-1', 'lb-2']);
    expect(hosts(edge)).toEqual(['c3', 'c4']);
    expect(
      generateIngress(seed)
        .filter((each) => each.path.startsWith('hosts/consul-1/'))
        .map((each) => each.path),
    ).toEqual([
      'hosts/consul-1/etc/consul-template/config.hcl',
      'hosts/consul-1/etc/consul-template/nginx.conf.ctmpl',
      'hosts/consul-1/etc/consul-template/nginx.conf.preview',
      'hosts/consul-1/etc/consul-template/reload-nginx.sh',
      'hosts/consul-1/etc/systemd/system/consul-template.service',
    ]);
  });

  it('owns nginx.conf where the load balancer package does not write it, and never writes it itself', () => {
    for (const model of [seed, modern, edge]) {
      const written = new Set(loadBalancerGenerators.flatMap((generate) => generate(model)).map((each) => each.path));
      for (const host of model.consul!.ingressHosts) expect(written.has(`hosts/${host.name}${NGINX_CONF_PATH}`)).toBe(false);
      expect(generateIngress(model).some((each) => each.path.endsWith(NGINX_CONF_PATH))).toBe(false);
    }
  });

  it('config.hcl: perms is the string "0644", a backup of the previous file, the reload script as command, the template renders to nginx.conf', () => {
    const hcl = configOf(seed, 'consul-1');
    expect(hcl).toMatch(/^\s*perms\s*=\s*"0644"$/m);
    expect(hcl).not.toMatch(/perms\s*=\s*0?644\b/);
    expect(hcl).toMatch(/^\s*backup\s*=\s*true$/m);
    expect(/^\s*command\s*=\s*"(.*)"$/m.exec(hcl)![1]).toBe('/etc/consul-template/reload-nginx.sh');
    expect(hcl).toMatch(/^\s*command_timeout\s*=\s*"30s"$/m);
    expect(hcl).toMatch(/^\s*source\s*=\s*"\/etc\/consul-template\/nginx\.conf\.ctmpl"$/m);
    expect(hcl).toMatch(/^\s*destination\s*=\s*"\/etc\/nginx\/nginx\.conf"$/m);
    expect(hcl).toMatch(/wait \{\n\s+min = "2s"\n\s+max = "10s"\n\s+\}/);
  });

  it('config.hcl: signals as the unit sends them, stale reads from any server, de-duplication from five ingress hosts on', () => {
    const hcl = configOf(modern, 'lb-1');
    expect(hcl).toMatch(/^reload_signal = "SIGHUP"$/m);
    expect(hcl).toMatch(/^kill_signal\s+= "SIGINT"$/m);
    const unit = file(modern, 'lb-1', '/etc/systemd/system/consul-template.service');
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    expect(unit).toMatch(/^KillSignal=SIGINT$/m);
    expect(hcl).toMatch(/^max_stale = "10s"$/m);
    expect(hcl).not.toContain('deduplicate {');
    // Five ingress hosts: three workers become ingress hosts too.
    const four = variant(
      'modern',
      [0, 1].map(() => ['roles: [worker, consul-client]', 'roles: [worker, ingress, consul-client]'] as [string, string]),
    );
    expect(four.consul!.ingressHosts.length).toBe(4);
    expect(configOf(four, 'lb-1')).not.toContain('deduplicate {');
    const five = variant(
      'modern',
      [0, 1, 2].map(() => ['roles: [worker, consul-client]', 'roles: [worker, ingress, consul-client]'] as [string, string]),
    );
    expect(five.consul!.ingressHosts.length).toBe(5);
    expect(configOf(five, 'lb-1')).toMatch(/deduplicate \{\n\s+enabled = true\n\s+prefix\s+= "consul-template\/dedup\/"\n\}/);
  });

  describe('reload-nginx.sh, with a stand-in nginx whose -t refuses files holding BROKEN', () => {
    const script = file(seed, 'consul-1', '/etc/consul-template/reload-nginx.sh');
    let directory: string;
    let conf: string;
    const run = () => {
      const fake = join(directory, 'bin', 'nginx');
      const body = `#!/bin/sh\nif [ "$1" = -t ]; then ! grep -q BROKEN "$4"; exit $?; fi\necho "$@" >> ${directory}/reloads\n`;
      spawnSync('mkdir', ['-p', join(directory, 'bin')]);
      writeFileSync(fake, body);
      chmodSync(fake, 0o755);
      const local = join(directory, 'reload-nginx.sh');
      writeFileSync(local, script.split('/etc/nginx/nginx.conf').join(conf));
      return spawnSync('sh', [local], { encoding: 'utf8', env: { PATH: `${join(directory, 'bin')}:/usr/bin:/bin` } });
    };
    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), 'clusterspec-reload-'));
      conf = join(directory, 'nginx.conf');
    });
    afterEach(() => rmSync(directory, { recursive: true, force: true }));

    it('is the file consul-template runs, executable', () => {
      const artifact = generateIngress(seed).find((each) => each.path === 'hosts/consul-1/etc/consul-template/reload-nginx.sh')!;
      expect(artifact.mode).toBe(0o755);
      expect(artifact.content.startsWith('#!/bin/sh\n')).toBe(true);
    });

    it('with no nginx master running, keeps the accepted file for nginx to load when it starts, and says so', () => {
      writeFileSync(conf, 'good new\n');
      writeFileSync(`${conf}.bak`, 'good old\n');
      const result = run();
      expect(result.status).toBe(0);
      expect(readFileSync(conf, 'utf8')).toBe('good new\n');
      expect(result.stderr).toMatch(/no nginx master runs \(no live pid in \/run\/nginx\.pid\)/);
    });

    it('puts the previous file back, keeps the refused one aside, does not reload, and exits 0 so consul-template keeps running', () => {
      writeFileSync(conf, 'BROKEN new\n');
      writeFileSync(`${conf}.bak`, 'good old\n');
      const result = run();
      expect(result.status).toBe(0);
      expect(existsSync(join(directory, 'reloads'))).toBe(false);
      expect(readFileSync(conf, 'utf8')).toBe('good old\n');
      expect(readFileSync(`${conf}.refused`, 'utf8')).toBe('BROKEN new\n');
      expect(result.stderr).toMatch(/nginx -t refused the new .*nginx\.conf \(kept as .*nginx\.conf\.refused\); the previous file is back/);
    });

    it('reports the same refused render once: the next identical one is put back without a word, a different one is reported', () => {
      writeFileSync(`${conf}.bak`, 'good old\n');
      writeFileSync(conf, 'BROKEN new\n');
      expect(run().stderr).toMatch(/nginx -t refused/);
      writeFileSync(conf, 'BROKEN new\n');
      const again = run();
      expect(again.status).toBe(0);
      expect(again.stderr).toBe('');
      expect(readFileSync(conf, 'utf8')).toBe('good old\n');
      writeFileSync(conf, 'BROKEN other\n');
      expect(run().stderr).toMatch(/nginx -t refused/);
      expect(readFileSync(`${conf}.refused`, 'utf8')).toBe('BROKEN other\n');
    });

    it('without a backup, leaves the refused file in place and says so', () => {
      writeFileSync(conf, 'BROKEN new\n');
      const result = run();
      expect(result.status).toBe(0);
      expect(existsSync(join(directory, 'reloads'))).toBe(false);
      expect(result.stderr).toMatch(/there is no .*nginx\.conf\.bak to put back/);
    });
  });

  it('asks its own agent where it runs one, else the first server', () => {
    expect(configOf(seed, 'consul-2')).toMatch(/^\s*address = "127\.0\.0\.1:8500"$/m);
    expect(configOf(modern, 'lb-1')).toMatch(/^\s*address = "127\.0\.0\.1:8500"$/m);
    const emeiIngress = variant('seed-ha', [['roles: [control-plane, apiserver-lb]', 'roles: [control-plane, apiserver-lb, ingress]']]);
    expect(configOf(emeiIngress, 'emei')).toMatch(/^\s*address = "192\.168\.0\.129:8500"$/m);
    const unit = file(emeiIngress, 'emei', '/etc/systemd/system/consul-template.service');
    expect(unit).not.toContain('consul.service');
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/bin\/consul-template -config=\/etc\/consul-template\/config\.hcl$/m);
    expect(file(seed, 'consul-1', '/etc/systemd/system/consul-template.service')).toMatch(/^After=network-online\.target nginx\.service consul\.service$/m);
  });

  it('is deterministic', () => {
    expect(generateIngress(loadFixture('fixtures/modern/cluster.yaml'))).toEqual(generateIngress(modern));
  });
});
