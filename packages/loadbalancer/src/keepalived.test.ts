import { loadFixture, variant } from '../../../tests/support/fixtures';
import { CHECK_APISERVER_PATH, generateKeepalived, KEEPALIVED_CONF_PATH, NONLOCAL_BIND_SYSCTL_PATH } from './keepalived';

const modern = loadFixture('fixtures/modern/cluster.yaml');
const byPath = (files: readonly { path: string; content: string }[]) => new Map(files.map((file) => [file.path, file.content]));
const threeBalancers = () =>
  variant('modern', [['    - name: harbor-1\n', '    - name: lb-3\n      address: 10.20.0.13\n      roles: [apiserver-lb]\n    - name: harbor-1\n']]);

describe('keepalived on the apiserver-lb hosts', () => {
  const files = byPath(generateKeepalived(modern));

  it('writes keepalived.conf, the check script (executable) and the sysctl on every balancer host, nowhere else', () => {
    expect([...files.keys()].sort()).toEqual(
      ['lb-1', 'lb-2'].flatMap((host) => [CHECK_APISERVER_PATH, KEEPALIVED_CONF_PATH, NONLOCAL_BIND_SYSCTL_PATH].map((path) => `hosts/${host}${path}`)).sort(),
    );
    expect(generateKeepalived(modern).find((file) => file.path.endsWith('check_apiserver.sh'))?.mode).toBe(0o755);
    expect(files.get(`hosts/lb-1${NONLOCAL_BIND_SYSCTL_PATH}`)).toMatch(/^net\.ipv4\.ip_nonlocal_bind = 1$/m);
  });

  it('gives one VRRP instance: one priority and BACKUP everywhere, unicast peers, the interface, a placeholder password, the weighted check', () => {
    const sites = byPath(generateKeepalived(threeBalancers()));
    const conf = (host: string) => sites.get(`hosts/${host}${KEEPALIVED_CONF_PATH}`) as string;
    expect(['lb-1', 'lb-2', 'lb-3'].map((host) => Number(/\n\s+priority (\d+)/.exec(conf(host))?.[1]))).toEqual([100, 100, 100]);
    expect(['lb-1', 'lb-2', 'lb-3'].map((host) => /state (\w+)/.exec(conf(host))?.[1])).toEqual(['BACKUP', 'BACKUP', 'BACKUP']);
    // A failed check lowers the priority (the address moves to a passing host) instead of FAULT (it would leave every host).
    expect(conf('lb-1')).toMatch(/vrrp_script check_apiserver \{[^}]*\n\s+weight -10\n/);
    expect(conf('lb-1')).not.toMatch(/nopreempt|state MASTER/);
    expect(conf('lb-2')).toMatch(/unicast_src_ip 10\.20\.0\.12\n\s+unicast_peer \{\n\s+10\.20\.0\.11\n\s+10\.20\.0\.13\n\s+\}/);
    expect(conf('lb-1')).toContain('interface ens192');
    expect(conf('lb-1')).toContain('auth_pass {{secret:env:KEEPALIVED_AUTH_PASS}}');
    expect(conf('lb-1')).toMatch(/virtual_ipaddress \{\n\s+10\.20\.0\.10\/32 dev ens192\n/);
    expect(conf('lb-1')).toMatch(/track_script \{\n\s+check_apiserver\n/);
    expect(conf('lb-1')).toContain(`script "${CHECK_APISERVER_PATH}"`);
  });

  it('derives virtual_router_id from the cluster name and address, the same on every host, unless the spec sets it', () => {
    const ids = [...files.entries()]
      .filter(([path]) => path.endsWith('keepalived.conf'))
      .map(([, content]) => Number(/virtual_router_id (\d+)/.exec(content)?.[1]));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(modern.kubernetes.loadBalancer.virtualIP?.virtualRouterId);
    expect(ids[0]).toBeGreaterThanOrEqual(1);
    expect(ids[0]).toBeLessThanOrEqual(255);
    const renamed = variant('modern', [['  name: modern\n', '  name: modern-2\n']]);
    expect(renamed.kubernetes.loadBalancer.virtualIP?.virtualRouterId).not.toBe(ids[0]);
    const chosen = variant('modern', [['      interface: ens192', '      interface: ens192\n      virtualRouterId: 51']]);
    expect(byPath(generateKeepalived(chosen)).get(`hosts/lb-2${KEEPALIVED_CONF_PATH}`)).toContain('virtual_router_id 51');
  });

  it('checks the local listener and every apiserver directly (not one round-robin pick), each probe bounded in time', () => {
    const script = files.get(`hosts/lb-1${CHECK_APISERVER_PATH}`) as string;
    expect(script).toContain('ss -Hltn "( sport = :8443 )"');
    expect(script).toContain('for apiserver in 10.20.0.21:6443 10.20.0.22:6443 10.20.0.23:6443; do');
    expect(script).toContain('--max-time 2');
    expect(script).not.toContain('127.0.0.1:8443');
    // keepalived's timeout covers every probe at its limit.
    expect(files.get(`hosts/lb-1${KEEPALIVED_CONF_PATH}`)).toMatch(/\n\s+timeout 7\n/);
  });

  it('is written only with provider keepalived', () => {
    expect(generateKeepalived(loadFixture('fixtures/seed-ha/cluster.yaml'))).toEqual([]);
    expect(generateKeepalived(loadFixture('fixtures/vip-pernode/cluster.yaml'))).toEqual([]);
  });
});
