import { matchesPattern, patternsOverlap } from './artifact';

describe('patternsOverlap: whether some path matches both patterns', () => {
  it.each([
    ['hosts/*/etc/kubernetes/manifests/*.yaml', 'hosts/*/etc/kubernetes/manifests/etcd.yaml'],
    ['**', 'pki/plan.json'],
    ['hosts/**', 'hosts/*/etc/nginx/nginx.conf'],
    ['hosts/*/etc/kubernetes/{kubelet,controller-manager,scheduler}.conf', 'hosts/*/etc/kubernetes/scheduler.conf'],
    ['hosts/*/etc/containerd/certs.d/*/hosts.toml', 'hosts/emei/etc/containerd/certs.d/*/hosts.toml'],
    ['cluster/kubeconfig/*.conf', 'cluster/kubeconfig/admin*'],
  ])('%s and %s overlap', (a, b) => {
    expect(patternsOverlap(a, b)).toBe(true);
    expect(patternsOverlap(b, a)).toBe(true);
  });

  it.each([
    ['hosts/*/etc/kubernetes/manifests/*.yaml', 'hosts/*/etc/kubernetes/kubeadm-config.yaml'],
    ['pki/plan.json', 'pki/openssl/*.ext'],
    ['hosts/*/etc/kubernetes/{kubelet,controller-manager,scheduler}.conf', 'hosts/*/etc/kubernetes/admin.conf'],
    ['hosts/*/etc/nginx/nginx.conf', 'hosts/*/etc/consul-template/nginx.conf.preview'],
    ['cluster/kubeconfig/*.conf', 'cluster/kubeconfig/admin.yaml'],
    ['hosts/**', 'pki/plan.json'],
    ['hosts/*', 'hosts/*/etc/hosts.d/clusterspec'],
  ])('%s and %s do not', (a, b) => {
    expect(patternsOverlap(a, b)).toBe(false);
    expect(patternsOverlap(b, a)).toBe(false);
  });

  it('agrees with matchesPattern where one side is a path', () => {
    const patterns = ['hosts/*/etc/**', 'hosts/*/etc/kubernetes/{kubelet,scheduler}.conf', '*.svg', 'pki/openssl/*.csr.cnf'];
    const paths = [
      'hosts/emei/etc/nginx/nginx.conf',
      'hosts/emei/etc/kubernetes/kubelet.conf',
      'topology.svg',
      'pki/openssl/apiserver.csr.cnf',
      'pki/openssl/apiserver.ext',
      'hosts/emei/opt/harbor/harbor.yml',
    ];
    for (const pattern of patterns)
      for (const path of paths)
        expect({ pattern, path, overlap: patternsOverlap(pattern, path) }).toEqual({ pattern, path, overlap: matchesPattern(pattern, path) });
  });
});
