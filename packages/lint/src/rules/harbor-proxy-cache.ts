import { registryHostDirectory } from '@clusterspec/containerd';
import { registryHost } from '@clusterspec/spec';
import { defineRule } from '../rule';

/** ESLint's meta.messages: one text per messageId, `{{name}}` filled from the finding's data. */
export const HARBOR_PROXY_CACHE_MESSAGES = {
  undeclared:
    'images.mirrors sends {{source}} to {{mirror}}, a project of the site\'s Harbor that spec.harbor.proxyCacheProjects does not declare: unless it is a proxy cache of {{source}}, every image not copied into it reads "not found"; create it as a proxy-cache project and list "{{project}}" in harbor.proxyCacheProjects, or copy the images there (`clusterspec images`)',
  noProject:
    "images.mirrors sends {{source}} to {{mirror}}, the site's Harbor without a project: Harbor serves images only under a project; name the proxy-cache project, e.g. {{mirror}}/{{example}}",
} as const;

/**
 * A mirror on the site's Harbor is a Harbor proxy-cache project (Harbor docs, "Configure Proxy Cache"): Harbor
 * pulls from the upstream on first use. A project the spec does not declare as one is either a normal project,
 * which has only what was copied in, or missing, and both answer "not found" for the rest.
 */
export const harborProxyCache = defineRule({
  id: 'harbor-proxy-cache',
  description: "A mirror on the site's Harbor (images.mirrors) names a project that spec.harbor.proxyCacheProjects declares.",
  severity: 'error',
  messages: HARBOR_PROXY_CACHE_MESSAGES,
  check({ model, report }) {
    const harbor = model.harbor;
    if (!harbor) return;
    const harborHosts = new Set([registryHostDirectory(harbor), `${harbor.endpoint.host}:${harbor.endpoint.port}`]);
    for (const [source, mirror] of Object.entries(model.images.mirrors)) {
      if (!harborHosts.has(registryHost(mirror))) continue;
      const field = ['spec', 'images', 'mirrors', source];
      const project = mirror.slice(registryHost(mirror).length + 1).split('/')[0];
      if (!project) {
        report({ field, messageId: 'noProject', data: { source, mirror, example: source.split('.')[0] } });
      } else if (!harbor.proxyCacheProjects.includes(project)) {
        report({ field, messageId: 'undeclared', data: { source, mirror, project } });
      }
    }
  },
});
