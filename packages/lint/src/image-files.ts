import { containerdConfigFile } from '@clusterspec/containerd';
import { registratorUnitFile } from '@clusterspec/consul';
import { staticPodFile } from '@clusterspec/kubernetes';
import { kubeVipInitManifestFile, kubeVipManifestFile, perNodeProxyManifestFile } from '@clusterspec/loadbalancer';
import type { Artifact, ArtifactDescriptor } from '@clusterspec/spec';

/**
 * The kinds of generated file that name an image a host pulls, shared by image-registry and public-registry:
 * those the kubelet's runtime pulls (containerd's sandbox image, the static pods) and those Docker pulls
 * (registrator's unit). Harbor's docker-compose.yml is not among them: its images come with its offline installer.
 */
export const KUBELET_IMAGE_FILES: readonly ArtifactDescriptor[] = [
  containerdConfigFile,
  staticPodFile,
  kubeVipManifestFile,
  kubeVipInitManifestFile,
  perNodeProxyManifestFile,
];
export const DOCKER_IMAGE_FILES: readonly ArtifactDescriptor[] = [registratorUnitFile];

/** Whether a descriptor is one of these kinds. */
export const isOfKind = (kinds: readonly ArtifactDescriptor[], descriptor: ArtifactDescriptor) => kinds.some((kind) => kind.id === descriptor.id);

/** The artifacts of these kinds. */
export const filesOfKind = (artifacts: ReadonlyMap<string, Artifact>, kinds: readonly ArtifactDescriptor[]) =>
  [...artifacts.values()].filter((item) => isOfKind(kinds, item.descriptor));
