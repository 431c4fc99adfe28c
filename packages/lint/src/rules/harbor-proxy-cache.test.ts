import { testRule } from '@clusterspec/lint/testing';
import { harborProxyCache } from './harbor-proxy-cache';

const DOCKER = '  docker:\n';
const mirrors = (lines: string): [string, string] => [DOCKER, `  images:\n    mirrors:\n${lines}${DOCKER}`];
const PROXY_PROJECTS: [string, string] = [
  '    adminPassword: {fromEnv: HARBOR_ADMIN_PASSWORD}\n',
  '    adminPassword: {fromEnv: HARBOR_ADMIN_PASSWORD}\n    proxyCacheProjects: [dockerhub]\n',
];

testRule(harborProxyCache, {
  valid: [
    { name: 'no mirrors (modern)', fixture: 'modern' },
    {
      name: 'a declared proxy-cache project',
      fixture: 'modern',
      replacements: [mirrors('      docker.io: registry.corp.example/dockerhub\n'), PROXY_PROJECTS],
    },
    { name: 'a mirror on another registry than Harbor', fixture: 'modern', replacements: [mirrors('      docker.io: mirror.corp.example/dockerhub\n')] },
  ],
  invalid: [
    {
      name: 'a Harbor project the spec does not declare as a proxy cache',
      fixture: 'modern',
      replacements: [mirrors('      docker.io: registry.corp.example/dockerhub\n      ghcr.io: registry.corp.example/ghcr\n'), PROXY_PROJECTS],
      errors: [
        {
          messageId: 'undeclared',
          message:
            'images.mirrors sends ghcr.io to registry.corp.example/ghcr, a project of the site\'s Harbor that spec.harbor.proxyCacheProjects does not declare: unless it is a proxy cache of ghcr.io, every image not copied into it reads "not found"',
          line: 'ghcr.io: registry.corp.example/ghcr',
          field: 'spec.images.mirrors.ghcr.io',
        },
      ],
    },
    {
      name: "Harbor's host without a project (seed: Harbor on hub.tonybai.com:8989)",
      fixture: 'seed-ha',
      replacements: [mirrors('      gcr.io: hub.tonybai.com:8989\n')],
      errors: [
        {
          messageId: 'noProject',
          message: "images.mirrors sends gcr.io to hub.tonybai.com:8989, the site's Harbor without a project",
          line: 'gcr.io: hub.tonybai.com:8989',
        },
      ],
    },
  ],
});
