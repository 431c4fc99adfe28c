import { releaseTable } from './table';

/**
 * The images kubeadm of a Kubernetes release pulls besides the control-plane components (which carry the
 * Kubernetes version itself): `kubeadm config images list` of that release. kubeadm also pins the pause
 * image the kubelet's runtime must use as its sandbox; containerd otherwise uses its own built-in one.
 */
export interface KubeadmImages {
  /** Tag of `<repository>/pause` (cmd/kubeadm/app/constants/constants.go: PauseVersion). */
  readonly pause: string;
  /** Tag of `<repository>/etcd` (DefaultEtcdVersion; kubeadm bumps it in some patch releases, the .0 release's here). */
  readonly etcd: string;
  /** Tag of CoreDNS (CoreDNSVersion); absent before kubeadm made CoreDNS its default (1.6 ran kube-dns). */
  readonly coredns?: string;
  /**
   * CoreDNS's path under the repository: `coredns` until 1.20, `coredns/coredns` from 1.21, when the image moved
   * (kubernetes#96685); kubeadm adds the `/coredns` only for the default repository, so a custom one needs
   * `dns.imageRepository` (GetDNSImage in cmd/kubeadm/app/images/images.go).
   */
  readonly corednsPath?: 'coredns' | 'coredns/coredns';
  /** The kube-dns images (name → tag) of releases before CoreDNS. */
  readonly kubeDns?: Readonly<Record<string, string>>;
  /** Image name suffix of releases that named images per architecture (kube-apiserver-amd64 until 1.11). */
  readonly archSuffix: '' | '-amd64';
}

/**
 * One row per supported minor release, the values of `kubeadm config images list` at its .0 release
 * (cmd/kubeadm/app/constants/constants.go at tag v1.<minor>.0: PauseVersion, DefaultEtcdVersion,
 * CoreDNSVersion; cross-checked with minikube's per-release table pkg/minikube/constants/constants_kubeadm_images.go
 * and CoreDNS's "CoreDNS version in Kubernetes" table). 1.6: cmd/kubeadm/app/images/images.go at v1.6.0.
 */
export const KUBEADM_IMAGES = releaseTable<KubeadmImages>({
  program: 'Kubernetes',
  rows: [
    {
      since: [1, 6],
      why: 'kubeadm v1.6.0 images.go: pause-amd64:3.0, etcd-amd64:3.0.17, kube-dns 1.14.1 (kubedns, dnsmasq-nanny, sidecar)',
      pause: '3.0',
      etcd: '3.0.17',
      kubeDns: { 'k8s-dns-kubedns': '1.14.1', 'k8s-dns-dnsmasq-nanny': '1.14.1', 'k8s-dns-sidecar': '1.14.1' },
      archSuffix: '-amd64',
    },
    {
      since: [1, 15],
      why: 'kubeadm v1.15.0 constants.go: pause 3.1, etcd 3.3.10, CoreDNS 1.3.1',
      pause: '3.1',
      etcd: '3.3.10',
      coredns: '1.3.1',
      corednsPath: 'coredns',
      kubeDns: undefined,
      archSuffix: '',
    },
    { since: [1, 16], why: 'kubeadm v1.16.0 constants.go: pause 3.1, etcd 3.3.15-0, CoreDNS 1.6.2', etcd: '3.3.15-0', coredns: '1.6.2' },
    { since: [1, 17], why: 'kubeadm v1.17.0 constants.go: pause 3.1, etcd 3.4.3-0, CoreDNS 1.6.5', etcd: '3.4.3-0', coredns: '1.6.5' },
    { since: [1, 18], why: 'kubeadm v1.18.0 constants.go: pause 3.2, etcd 3.4.3-0, CoreDNS 1.6.7', pause: '3.2', coredns: '1.6.7' },
    { since: [1, 19], why: 'kubeadm v1.19.0 constants.go: pause 3.2, etcd 3.4.9-1, CoreDNS 1.7.0', etcd: '3.4.9-1', coredns: '1.7.0' },
    { since: [1, 20], why: 'kubeadm v1.20.0 constants.go: pause 3.2, etcd 3.4.13-0, CoreDNS 1.7.0', etcd: '3.4.13-0' },
    {
      since: [1, 21],
      why: 'kubeadm v1.21.0 constants.go: pause 3.4.1, etcd 3.4.13-0, CoreDNS v1.8.0 as coredns/coredns (kubernetes#96685)',
      pause: '3.4.1',
      coredns: 'v1.8.0',
      corednsPath: 'coredns/coredns',
    },
    { since: [1, 22], why: 'kubeadm v1.22.0 constants.go: pause 3.5, etcd 3.5.0-0, CoreDNS v1.8.4', pause: '3.5', etcd: '3.5.0-0', coredns: 'v1.8.4' },
    { since: [1, 23], why: 'kubeadm v1.23.0 constants.go: pause 3.6, etcd 3.5.1-0, CoreDNS v1.8.6', pause: '3.6', etcd: '3.5.1-0', coredns: 'v1.8.6' },
    { since: [1, 24], why: 'kubeadm v1.24.0 constants.go: pause 3.7, etcd 3.5.3-0, CoreDNS v1.8.6', pause: '3.7', etcd: '3.5.3-0' },
    { since: [1, 25], why: 'kubeadm v1.25.0 constants.go: pause 3.8, etcd 3.5.4-0, CoreDNS v1.9.3', pause: '3.8', etcd: '3.5.4-0', coredns: 'v1.9.3' },
    { since: [1, 26], why: 'kubeadm v1.26.0 constants.go: pause 3.9, etcd 3.5.6-0, CoreDNS v1.9.3', pause: '3.9', etcd: '3.5.6-0' },
    { since: [1, 27], why: 'kubeadm v1.27.0 constants.go: pause 3.9, etcd 3.5.7-0, CoreDNS v1.10.1', etcd: '3.5.7-0', coredns: 'v1.10.1' },
    { since: [1, 28], why: 'kubeadm v1.28.0 constants.go: pause 3.9, etcd 3.5.9-0, CoreDNS v1.10.1', etcd: '3.5.9-0' },
    { since: [1, 29], why: 'kubeadm v1.29.0 constants.go: pause 3.9, etcd 3.5.10-0, CoreDNS v1.11.1', etcd: '3.5.10-0', coredns: 'v1.11.1' },
    { since: [1, 30], why: 'kubeadm v1.30.0 constants.go: pause 3.9, etcd 3.5.12-0, CoreDNS v1.11.1', etcd: '3.5.12-0' },
    { since: [1, 31], why: 'kubeadm v1.31.0 constants.go: pause 3.10, etcd 3.5.15-0, CoreDNS v1.11.3', pause: '3.10', etcd: '3.5.15-0', coredns: 'v1.11.3' },
    { since: [1, 32], why: 'kubeadm v1.32.0 constants.go: pause 3.10, etcd 3.5.16-0, CoreDNS v1.11.3', etcd: '3.5.16-0' },
    { since: [1, 33], why: 'kubeadm v1.33.0 constants.go: pause 3.10, etcd 3.5.21-0, CoreDNS v1.12.0', etcd: '3.5.21-0', coredns: 'v1.12.0' },
    { since: [1, 34], why: 'kubeadm v1.34.0 constants.go: pause 3.10.1, etcd 3.6.4-0, CoreDNS v1.12.1', pause: '3.10.1', etcd: '3.6.4-0', coredns: 'v1.12.1' },
  ],
  supported: [
    { from: [1, 6], to: [1, 6] },
    { from: [1, 15], to: [1, 34] },
  ],
  unsupported: (version, supportedText) => ({ message: `Kubernetes ${version.text} is not supported`, hint: `use ${supportedText}` }),
});
