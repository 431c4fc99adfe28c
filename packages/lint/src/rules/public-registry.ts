import { imageReferences, publicRegistryOf } from '@clusterspec/analysis';
import { KUBEADM_CONFIG_PATH, kubeadmConfigFile } from '@clusterspec/kubernetes';
import { dataOf, hostFile, type FieldPath } from '@clusterspec/spec';
import { DOCKER_IMAGE_FILES, filesOfKind, isOfKind, KUBELET_IMAGE_FILES } from '../image-files';
import { defineRule } from '../rule';

const FIELD: FieldPath = ['spec', 'images', 'airgapped'];
/** The kinds of generated file that name an image a host pulls, and kubeadm's configuration (its imageRepository). */
const IMAGE_FILES = [...KUBELET_IMAGE_FILES, ...DOCKER_IMAGE_FILES, kubeadmConfigFile];

/** ESLint's meta.messages: one text per messageId, `{{name}}` filled from the finding's data. */
export const PUBLIC_REGISTRY_MESSAGES = {
  publicImage:
    '{{file}} on {{host}} names {{image}}, from the public registry {{registry}}: an air-gapped site cannot pull it; set images.registry (or images.mirrors for {{registry}}) and copy it there (`clusterspec images` prints the skopeo copy lines)',
  kubeadmDefault:
    '{{file}} on {{host}} sets no imageRepository, so kubeadm pulls the control plane, etcd, CoreDNS, kube-proxy and pause from {{registry}}, a public registry: set images.registry and copy them there (`clusterspec images`)',
} as const;

/**
 * An air-gapped site (images.airgapped) pulls nothing from the internet: every image reference of the generated
 * files, and kubeadm's own repository, must name a registry of the site. Harbor's own images are left out: its
 * offline installer loads them (`docker load`) on the Harbor hosts, and Docker never pulls an image it has.
 */
export const publicRegistry = defineRule({
  id: 'public-registry',
  description: 'With images.airgapped, no generated file names an image of a public registry (registry.k8s.io, docker.io, ghcr.io, quay.io, gcr.io).',
  severity: 'error',
  messages: PUBLIC_REGISTRY_MESSAGES,
  // It goes through every file naming an image, so it reads every file of those kinds ('**', narrowed by kind).
  reads: ['**'],
  readsWhen: (descriptor) => isOfKind(IMAGE_FILES, descriptor),
  check({ model, artifacts, report }) {
    if (!model.images.airgapped) return;
    const files = filesOfKind(artifacts, IMAGE_FILES);
    for (const use of imageReferences(files)) {
      const registry = publicRegistryOf(use.image);
      if (!registry) continue;
      // Every file that names an image is a host's: hosts/<host>/<path on the host>.
      const [, host, ...rest] = use.path.split('/');
      report({
        field: FIELD,
        artifact: use.path,
        host,
        messageId: 'publicImage',
        data: { file: `/${rest.join('/')}`, host, image: use.image, registry },
      });
    }
    const first = model.kubernetes.controlPlaneHosts[0];
    const kubeadm = first && artifacts.get(hostFile(first, KUBEADM_CONFIG_PATH));
    const documents = dataOf(kubeadm, kubeadmConfigFile);
    if (!kubeadm || !documents) return;
    const cluster = documents.find((document) => document.kind === 'ClusterConfiguration') as { imageRepository?: unknown } | undefined;
    const set = typeof cluster?.imageRepository === 'string' ? cluster.imageRepository : undefined;
    const registry = publicRegistryOf(`${set ?? model.kubernetes.release.imageRepository}/pause:tag`);
    if (!registry) return;
    const data = { file: KUBEADM_CONFIG_PATH, host: first.name, image: `${set}/*`, registry };
    const where = { field: FIELD, artifact: kubeadm.path, host: first.name };
    if (set) report({ ...where, messageId: 'publicImage', data });
    else report({ ...where, messageId: 'kubeadmDefault', data });
  },
});
