import { kubeVipManifestFile } from '@clusterspec/loadbalancer';
import { artifact, loadSpecText } from '@clusterspec/spec';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../../tests/support/fixtures';
import { testRule } from '@clusterspec/lint/testing';
import { generateArtifacts } from '@clusterspec/generators';
import { lintAcrossSites, lintSite } from '../engine';
import { vipConfig } from './vip-config';

testRule(vipConfig, {
  valid: [
    { name: 'keepalived between two balancer hosts (modern)', fixture: 'modern' },
    { name: 'kube-vip on three control-plane hosts, no balancer hosts (vip-pernode)', fixture: 'vip-pernode' },
    { name: 'no virtual address (seed-ha)', fixture: 'seed-ha' },
  ],
  invalid: [
    {
      name: 'a virtual address with one balancer to hold it (broken/vip-single-balancer)',
      fixture: 'broken/vip-single-balancer',
      errors: [
        {
          messageId: 'singleHolder',
          message: /^only emei can hold 10\.27\.52\.9 \(keepalived\): when it fails the address goes with it; give a second host the apiserver-lb role$/,
          severity: 'warning',
          line: 'virtualAddress: 10.27.52.9',
          artifact: 'hosts/emei/etc/keepalived/keepalived.conf',
        },
      ],
    },
    {
      name: 'one control-plane host holds the kube-vip address',
      fixture: 'vip-pernode',
      replacements: [
        [
          '    - name: cp-2\n      address: 10.30.0.12\n      roles: [control-plane]\n    - name: cp-3\n      address: 10.30.0.13\n      roles: [control-plane]\n',
          '',
        ],
      ],
      errors: [
        {
          messageId: 'singleHolder',
          message: /^only cp-1 can hold 10\.30\.0\.10 \(kube-vip\).*give a second host the control-plane role$/,
          severity: 'warning',
          line: 'virtualAddress: 10.30.0.10',
        },
      ],
    },
    {
      name: 'kube-vip chosen while apiserver-lb hosts apart from the control plane balance (their balancers are bypassed)',
      fixture: 'modern',
      replacements: [
        ['      provider: keepalived     # VRRP between lb-1 and lb-2 (the default with apiserver-lb hosts)', '      provider: kube-vip'],
        ['      vrrpPassword: {fromEnv: KEEPALIVED_AUTH_PASS}\n', ''],
      ],
      errors: [
        {
          messageId: 'balancersBypassed',
          message: /^kube-vip moves 10\.20\.0\.10 between the control-plane hosts only, so the balancers on lb-1, lb-2 are never behind it/,
          severity: 'warning',
          line: 'provider: kube-vip',
        },
      ],
    },
  ],
});

describe('vip-config where the generators never put kube-vip', () => {
  it('refuses a kube-vip static pod on a host that is not a control-plane host (written by hand beside the generated ones)', () => {
    const model = loadSpecText('vip-pernode.yaml', readFileSync(join(ROOT, 'fixtures/vip-pernode/cluster.yaml')));
    const generated = generateArtifacts(model);
    const kubeVip = generated.find((file) => file.path === 'hosts/cp-2/etc/kubernetes/manifests/kube-vip.yaml')!;
    const onWorker = artifact(kubeVipManifestFile, 'hosts/node-1/etc/kubernetes/manifests/kube-vip.yaml', kubeVip.data as IPod);
    const found = lintSite(model, [...generated, onWorker], [vipConfig]);
    expect(found.map((diagnostic) => [diagnostic.severity, diagnostic.field, diagnostic.artifact])).toEqual([
      ['error', 'spec.hosts[3].roles', 'hosts/node-1/etc/kubernetes/manifests/kube-vip.yaml'],
    ]);
    expect(found[0].message).toMatch(
      /^kube-vip runs on node-1, which is not a control-plane host: it leader-elects through the local apiserver and admin.conf/,
    );
    expect(lintSite(model, generated, [vipConfig])).toEqual([]);
  });
});

/** Several specs in one lint run, as `clusterspec lint a.yaml b.yaml` checks them. */
function lintTogether(...texts: string[]) {
  const sites = texts.map((text, index) => {
    const model = loadSpecText(`site-${index}.yaml`, Buffer.from(text));
    return { model, artifacts: generateArtifacts(model), text };
  });
  return { sites, across: lintAcrossSites(sites, [vipConfig]) };
}

describe('vip-config across the specs of one run', () => {
  const modern = readFileSync(join(ROOT, 'fixtures/modern/cluster.yaml'), 'utf8');
  const withRouterId = (text: string, id: number) => text.replace('      interface: ens192', `      interface: ens192\n      virtualRouterId: ${id}`);
  const second = modern.replace('  name: modern\n', '  name: modern-b\n').replace('virtualAddress: 10.20.0.10', 'virtualAddress: 10.20.0.9');

  it('refuses a virtual_router_id two keepalived sites share, on the later one, at its virtualRouterId', () => {
    const { sites, across } = lintTogether(withRouterId(modern, 51), withRouterId(second, 51));
    expect(across).toHaveLength(1);
    const [finding] = across;
    expect(finding.ruleId).toBe('vip-config');
    expect(finding.severity).toBe('error');
    const routerIdLine = sites[0].text.split('\n').findIndex((line) => line.includes('virtualRouterId: 51')) + 1;
    expect(finding.message).toBe(
      `virtual_router_id 51 (10.20.0.9) is also used by site modern (10.20.0.10, site-0.yaml:${routerIdLine}:24), and the two VRRP groups hear each other: unicast adverts sent to 10.20.0.12 (lb-2 here, lb-2 in modern) reach keepalived of both, and each takes the other's for its own; set loadBalancer.virtualRouterId`,
    );
    expect(finding.location.file).toBe('site-1.yaml');
    expect(finding.location.line).toBe(sites[1].text.split('\n').findIndex((line) => line.includes('virtualRouterId: 51')) + 1);
    // Each site alone is fine: only the run sees the clash.
    for (const site of sites) expect(lintSite(site.model, site.artifacts, [vipConfig])).toEqual([]);
  });

  it('passes one id on balancers of distinct addresses: unicast adverts reach only their own group (one layer-2 network or not)', () => {
    const elsewhere = withRouterId(second, 51).replace(/10\.20\.0\./g, '10.21.0.');
    expect(lintTogether(withRouterId(modern, 51), elsewhere).across).toEqual([]);
  });

  it("refuses one id when a single balancer address is both groups', naming it", () => {
    // modern-b's lb-1 moved away: its lb-2 (10.20.0.12) still listens where modern's lb-1 sends adverts.
    const oneShared = withRouterId(second, 51).replace('      address: 10.20.0.11\n', '      address: 10.21.0.11\n');
    const { across } = lintTogether(withRouterId(modern, 51), oneShared);
    expect(across.map((finding) => finding.message)).toEqual([
      expect.stringContaining('unicast adverts sent to 10.20.0.12 (lb-2 here, lb-2 in modern) reach keepalived of both'),
    ]);
  });

  it('passes distinct ids, and one site alone', () => {
    expect(lintTogether(withRouterId(modern, 51), withRouterId(second, 52)).across).toEqual([]);
    expect(lintTogether(withRouterId(modern, 51)).across).toEqual([]);
  });

  it('honours a site turning the rule off', () => {
    const off = withRouterId(second, 51).replace('\n  docker:\n', '\n  lint:\n    rules:\n      vip-config: off\n  docker:\n');
    expect(lintTogether(withRouterId(modern, 51), off).across).toEqual([]);
  });
});
