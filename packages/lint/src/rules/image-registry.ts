import { containerdConfig, containerdConfigPath, imageReferences, registryConfigRoots } from '@clusterspec/analysis';
import { CERTS_DIR, registryHostDirectory, registryHostsFile } from '@clusterspec/containerd';
import { DOCKER_DAEMON_PATH, dockerDaemonFile, dockerRegistryCas } from '@clusterspec/host';
import { dataOf, hostFile, parseImageReference, PUBLIC_REGISTRIES, type Artifact, type ClusterModel, type FieldPath, type Host } from '@clusterspec/spec';
import { DOCKER_IMAGE_FILES, filesOfKind, isOfKind, KUBELET_IMAGE_FILES } from '../image-files';
import { defineRule } from '../rule';

/** ESLint's meta.messages: one text per messageId, `{{name}}` filled from the finding's data. */
export const IMAGE_REGISTRY_MESSAGES = {
  untrusted:
    '{{runtime}} on {{host}} pulls {{image}} ({{file}}) from {{registry}}, which {{what}} configures: it is tried over https with the system CAs only, so unless a public CA signed its certificate the pull fails with "x509: certificate signed by unknown authority"; point images.registry at the site\'s Harbor, or trust {{registry}} on the hosts yourself',
  harborSpelledOtherwise:
    "{{runtime}} on {{host}} pulls {{image}} ({{file}}) from {{registry}}, the site's Harbor spelled otherwise than {{harbor}}: the runtime looks its trust up by the name as written, finds none and fails; write the registry as {{harbor}}",
} as const;

const FIELD: FieldPath = ['spec', 'images', 'registry'];

/** What the rule reads: the files naming images, and where each runtime keeps its trust. */
const READ_FILES = [...KUBELET_IMAGE_FILES, ...DOCKER_IMAGE_FILES, registryHostsFile, dockerDaemonFile];

/** The registry hosts a node's containerd has a hosts.toml for (under its config_path). */
function containerdTrusts(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>, host: Host, registry: string): boolean {
  const roots = registryConfigRoots(model, containerdConfig(artifacts, containerdConfigPath(host)));
  return (roots.length > 0 ? roots : [CERTS_DIR]).some(
    (root) => dataOf(artifacts.get(hostFile(host, `${root}/${registry}/hosts.toml`)), registryHostsFile) !== undefined,
  );
}

/** Whether Docker on a host reaches a registry: listed as insecure (plain http), or its CA copied to certs.d. */
function dockerTrusts(model: ClusterModel, artifacts: ReadonlyMap<string, Artifact>, host: Host, registry: string): boolean {
  const daemon = dataOf(artifacts.get(hostFile(host, DOCKER_DAEMON_PATH)), dockerDaemonFile);
  if (daemon?.['insecure-registries']?.includes(registry)) return true;
  return dockerRegistryCas(model, host).some((copy) => copy.to === `/etc/docker/certs.d/${registry}/ca.crt`);
}

/**
 * Every image the generated files make a host pull comes from a registry that host's runtime trusts: a public
 * registry (whether the site may reach it is public-registry's question), the site's Harbor (registry-trust and
 * harbor-endpoint judge how), or one its containerd has a hosts.toml for, or its Docker a certs.d CA or an
 * insecure-registries entry for. Anything else (images.registry on another private registry, or Harbor's name
 * spelled with its default port) is tried with the system CAs only.
 */
export const imageRegistry = defineRule({
  id: 'image-registry',
  description:
    "Every image a host pulls comes from a registry its runtime trusts: public, the site's Harbor, or one configured in its hosts.toml, certs.d or insecure-registries.",
  severity: 'warning',
  messages: IMAGE_REGISTRY_MESSAGES,
  // It goes through every file naming an image, so it reads every file of those kinds ('**', narrowed by kind).
  reads: ['**'],
  readsWhen: (descriptor) => isOfKind(READ_FILES, descriptor),
  check({ model, artifacts, report }) {
    const harbor = model.harbor ? registryHostDirectory(model.harbor) : undefined;
    const harborHost = model.harbor?.endpoint.host;
    const kubeletRuntime = model.kubernetes.containerRuntime;
    const uses = [
      ...imageReferences(filesOfKind(artifacts, KUBELET_IMAGE_FILES)).map((use) => ({ ...use, runtime: kubeletRuntime })),
      ...imageReferences(filesOfKind(artifacts, DOCKER_IMAGE_FILES)).map((use) => ({ ...use, runtime: 'docker' as const })),
    ];
    for (const use of uses) {
      const { registry } = parseImageReference(use.image);
      if (registry === harbor || PUBLIC_REGISTRIES.includes(registry)) continue;
      const [, hostName, ...rest] = use.path.split('/');
      const host = model.hosts.find((candidate) => candidate.name === hostName);
      if (!host) continue;
      const trusted = use.runtime === 'containerd' ? containerdTrusts(model, artifacts, host, registry) : dockerTrusts(model, artifacts, host, registry);
      if (trusted) continue;
      const data = { runtime: use.runtime, host: host.name, image: use.image, file: `/${rest.join('/')}`, registry };
      const spelledOtherwise = harbor !== undefined && registry.split(':')[0] === harborHost;
      const where = { field: FIELD, artifact: use.path, host: host.name };
      if (spelledOtherwise) report({ ...where, messageId: 'harborSpelledOtherwise', data: { ...data, harbor } });
      else
        report({
          ...where,
          messageId: 'untrusted',
          data: { ...data, what: use.runtime === 'containerd' ? 'no hosts.toml' : 'neither certs.d nor insecure-registries' },
        });
    }
  },
});
