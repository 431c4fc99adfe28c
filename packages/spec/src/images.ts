import type { ClusterModel, ImagesModel } from './model';

/** Docker Hub's registry name in image references (`nginx` is docker.io/library/nginx). */
export const DOCKER_HUB_REGISTRY = 'docker.io';

/**
 * Registries on the internet that the images of a generated site may name; an air-gapped site reaches none
 * (images.airgapped). k8s.gcr.io and gcr.io: where kubeadm pulled from before registry.k8s.io (1.25).
 */
export const PUBLIC_REGISTRIES: readonly string[] = ['registry.k8s.io', 'k8s.gcr.io', 'gcr.io', 'docker.io', 'registry-1.docker.io', 'ghcr.io', 'quay.io'];

/** An image reference split as the distribution reference grammar reads it. */
export interface ImageReference {
  /** Registry host[:port]; docker.io when the reference names none. */
  readonly registry: string;
  /** Repository path within the registry (library/nginx for `nginx`). */
  readonly path: string;
  /** `:tag` or `@digest`, with its separator; empty when absent. */
  readonly reference: string;
}

/**
 * Splits a reference: the first component is a registry when it holds a "." or ":" or is "localhost"
 * (github.com/distribution/reference, normalize.go: splitDockerDomain); otherwise the image is on Docker Hub,
 * a single-component name under library/.
 */
export function parseImageReference(text: string): ImageReference {
  const digestAt = text.indexOf('@');
  const name = digestAt >= 0 ? text.slice(0, digestAt) : text;
  const lastSlash = name.lastIndexOf('/');
  const tagAt = name.indexOf(':', lastSlash + 1);
  const repository = tagAt >= 0 ? name.slice(0, tagAt) : name;
  const reference = text.slice(repository.length);
  const slash = repository.indexOf('/');
  const first = slash >= 0 ? repository.slice(0, slash) : '';
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first, path: repository.slice(slash + 1), reference };
  }
  return { registry: DOCKER_HUB_REGISTRY, path: slash >= 0 ? repository : `library/${repository}`, reference };
}

/** The registry host[:port] of a registry or mirror prefix host[:port][/path]. */
export function registryHost(prefix: string): string {
  const slash = prefix.indexOf('/');
  return slash >= 0 ? prefix.slice(0, slash) : prefix;
}

/** The prefix the site pulls a source registry's images from: its mirror, else images.registry, else none (the source itself). */
export function replacementFor(images: ImagesModel, sourceRegistry: string): string | undefined {
  return images.mirrors[sourceRegistry] ?? images.registry;
}

/**
 * The name the site pulls an image by: the source's path and tag under its mirror or images.registry
 * (registry.k8s.io/pause:3.10.1 → registry.corp.example/k8s/pause:3.10.1), or the source unchanged when the
 * spec names neither, so a spec without `images` keeps the public names byte for byte.
 */
export function siteImage(images: ImagesModel, source: string): string {
  const parsed = parseImageReference(source);
  const prefix = replacementFor(images, parsed.registry);
  return prefix === undefined ? source : `${prefix}/${parsed.path}${parsed.reference}`;
}

/**
 * A repository prefix (kubeadm's imageRepository, e.g. registry.k8s.io or gcr.io/google_containers) as the site
 * names it: the same rewrite as siteImage, so `<prefix>/<name>:<tag>` comes out as siteImage would write it.
 */
export function siteRepository(images: ImagesModel, source: string): string {
  const slash = source.indexOf('/');
  const registry = slash >= 0 ? source.slice(0, slash) : source;
  const rest = slash >= 0 ? source.slice(slash) : '';
  const prefix = replacementFor(images, registry);
  return prefix === undefined ? source : `${prefix}${rest}`;
}

/** One image kubeadm (or, in the legacy flow, the hand-written static pods and kubeadm's add-ons) pulls. */
export interface KubeadmImage {
  /** What it is: kube-apiserver, etcd, coredns, pause, … */
  readonly component: string;
  /** Its public name, as kubeadm of the release writes it with its default repository. */
  readonly source: string;
  /** Which nodes pull it: the control-plane hosts, or every node (kube-proxy, pause; CoreDNS runs wherever it is scheduled). */
  readonly on: 'control-plane' | 'nodes';
}

/**
 * `kubeadm config images list` for the site's release, with kubeadm's default repository: the control plane
 * (with the Kubernetes version as tag), kube-proxy, etcd, pause and the DNS add-on (CoreDNS, or 1.6's kube-dns),
 * tags from the KUBEADM_IMAGES row of the release.
 */
export function kubeadmImageList(model: ClusterModel): KubeadmImage[] {
  const { release, kubeadmImages: tags, version } = model.kubernetes;
  const repository = release.imageRepository;
  const named = (name: string, tag: string) => `${repository}/${name}${tags.archSuffix}:${tag}`;
  const controlPlane = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((component) => ({
    component,
    source: named(component, `v${version.text}`),
    on: 'control-plane' as const,
  }));
  const dns: KubeadmImage[] = tags.coredns
    ? [{ component: 'coredns', source: `${repository}/${tags.corednsPath}:${tags.coredns}`, on: 'nodes' }]
    : Object.entries(tags.kubeDns ?? {}).map(([name, tag]) => ({ component: name, source: named(name, tag), on: 'nodes' as const }));
  return [
    ...controlPlane,
    { component: 'kube-proxy', source: named('kube-proxy', `v${version.text}`), on: 'nodes' },
    { component: 'etcd', source: named('etcd', tags.etcd), on: 'control-plane' },
    { component: 'pause', source: pauseImageSource(model), on: 'nodes' },
    ...dns,
  ];
}

/** The pause (sandbox) image kubeadm of the release expects, by its public name. */
export function pauseImageSource(model: ClusterModel): string {
  const { release, kubeadmImages: tags } = model.kubernetes;
  return `${release.imageRepository}/pause${tags.archSuffix}:${tags.pause}`;
}
