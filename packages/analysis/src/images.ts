import { REGISTRATOR_IMAGE } from '@clusterspec/consul';
import { perNodeProxyHosts } from '@clusterspec/kubernetes';
import { KUBE_VIP_IMAGE, NGINX_PROXY_IMAGE } from '@clusterspec/loadbalancer';
import { kubeadmImageList, parseImageReference, PUBLIC_REGISTRIES, siteImage, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';

/** How an image reaches its hosts. */
export type ImageOrigin =
  /** kubeadm pulls it (`kubeadm config images pull`, init, join), or the kubelet for the pods kubeadm writes. */
  | 'kubeadm'
  /** A static pod or unit clusterspec writes names it. */
  | 'generated'
  /** Harbor's offline installer brings it (`docker load` of the archive inside it): Harbor cannot pull from itself. */
  | 'harbor-installer';

/** One image the site pulls, and where. */
export interface SiteImage {
  /** What it is: kube-apiserver, pause, kube-vip, registrator, harbor-core, … */
  readonly component: string;
  /** Its public name, where it is published. */
  readonly source: string;
  /** The name the site's hosts pull it by (spec.images); the source itself when the spec moves nothing. */
  readonly destination: string;
  readonly origin: ImageOrigin;
  /** The hosts that pull it, in spec order. */
  readonly hosts: readonly string[];
}

const names = (hosts: readonly Host[]) => hosts.map((host) => host.name);

function harborImages(model: ClusterModel, artifacts: readonly Artifact[]): SiteImage[] {
  const harbor = model.harbor;
  if (!harbor) return [];
  const hosts = names(harbor.instances);
  const installer = harbor.release.installerImages;
  // Harbor 1.1: the images of the docker-compose.yml generated for it (its own names, as ./install.sh loads them).
  const sources = installer
    ? installer.filter((name) => name !== 'harbor-db' || harbor.database.embedded).map((name) => `goharbor/${name}:v${harbor.version.text}`)
    : [...new Set(imageReferences(artifacts.filter((item) => item.path.endsWith('/opt/harbor/docker-compose.yml'))).map((reference) => reference.image))];
  return sources.map((source) => ({
    component: parseImageReference(source).path.split('/').pop() as string,
    source,
    destination: source,
    origin: 'harbor-installer' as const,
    hosts,
  }));
}

/**
 * Every image the site pulls: kubeadm's for the release (control plane, kube-proxy, etcd, pause, DNS), the
 * static pods (kube-vip, the per-node nginx), registrator, and Harbor's own; each with the name the site pulls
 * it by. Harbor's images are not moved: its offline installer loads them on the Harbor hosts.
 */
export function siteImages(model: ClusterModel, artifacts: readonly Artifact[]): SiteImage[] {
  const { kubernetes, images } = model;
  const move = (component: string, source: string, hosts: readonly Host[], origin: ImageOrigin): SiteImage => ({
    component,
    source,
    destination: siteImage(images, source),
    origin,
    hosts: names(hosts),
  });
  const list: SiteImage[] = kubeadmImageList(model).map((image) =>
    move(image.component, image.source, image.on === 'control-plane' ? kubernetes.controlPlaneHosts : kubernetes.nodes, 'kubeadm'),
  );
  const virtualIP = kubernetes.loadBalancer.virtualIP;
  if (virtualIP?.provider === 'kube-vip') list.push(move('kube-vip', KUBE_VIP_IMAGE, virtualIP.holders, 'generated'));
  const proxied = perNodeProxyHosts(model);
  if (proxied.length > 0) list.push(move('nginx-proxy', NGINX_PROXY_IMAGE, proxied, 'generated'));
  if (model.consul && model.docker && model.docker.hosts.length > 0) list.push(move('registrator', REGISTRATOR_IMAGE, model.docker.hosts, 'generated'));
  return [...list, ...harborImages(model, artifacts)];
}

/** An image reference found in a generated file. */
export interface ImageReferenceUse {
  /** The artifact path. */
  readonly path: string;
  /** The key path inside its data, e.g. spec.containers.0.image. */
  readonly field: string;
  readonly image: string;
}

/** Keys whose string value is an image reference in the files clusterspec writes (pods, compose, units, containerd). */
const IMAGE_KEYS = new Set(['image', 'sandbox_image', 'sandbox']);

/**
 * Every image reference in the generated files' data: `image` of pods, compose services and registrator's unit,
 * containerd's sandbox image. Bounded by the data clusterspec itself built (no cycles, depth below 32).
 */
export function imageReferences(artifacts: readonly Artifact[]): ImageReferenceUse[] {
  const found: ImageReferenceUse[] = [];
  const visit = (value: unknown, path: string, field: string, depth: number) => {
    if (depth > 32 || !value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const at = field ? `${field}.${key}` : key;
      if (typeof child === 'string' && IMAGE_KEYS.has(key) && child.includes(':')) found.push({ path, field: at, image: child });
      else visit(child, path, at, depth + 1);
    }
  };
  for (const item of artifacts) visit(item.data, item.path, '', 0);
  return found;
}

/** Whether an image reference names a public registry (images.airgapped refuses them). */
export function publicRegistryOf(image: string): string | undefined {
  const { registry } = parseImageReference(image);
  return PUBLIC_REGISTRIES.includes(registry) ? registry : undefined;
}

/** `clusterspec images` as data: every image, each host's, and the copy lines that fill the site's registry. */
export interface ImagesReport {
  readonly cluster: string;
  readonly registry?: string;
  readonly images: readonly SiteImage[];
  /** Per host (spec order), the names it pulls, sorted. */
  readonly hosts: readonly { readonly host: string; readonly images: readonly string[] }[];
  /** One `skopeo copy` per image the site pulls by another name than its source (none when the spec moves nothing). */
  readonly copy: readonly string[];
}

/**
 * The copy line of an image: skopeo (Debian's `skopeo` package) copies every platform of a manifest list
 * (`--all`) so arm64 and amd64 nodes alike find theirs; log in to the destination first (`skopeo login`).
 */
export function copyLine(image: Pick<SiteImage, 'source' | 'destination'>): string {
  return `skopeo copy --all docker://${image.source} docker://${image.destination}`;
}

export function imagesReport(model: ClusterModel, artifacts: readonly Artifact[]): ImagesReport {
  const images = siteImages(model, artifacts);
  const hosts = model.hosts
    .map((host) => ({
      host: host.name,
      images: [...new Set(images.filter((image) => image.hosts.includes(host.name)).map((image) => image.destination))].sort(),
    }))
    .filter((entry) => entry.images.length > 0);
  const moved = images.filter((image) => image.destination !== image.source);
  return {
    cluster: model.name,
    ...(model.images.registry ? { registry: model.images.registry } : {}),
    images,
    hosts,
    copy: [...new Set(moved.map(copyLine))],
  };
}
