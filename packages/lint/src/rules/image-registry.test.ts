import { testRule } from '@clusterspec/lint/testing';
import { imageRegistry } from './image-registry';

const KUBERNETES = '\n  kubernetes:\n';
const images = (lines: string): [string, string] => [KUBERNETES, `\n  images:\n${lines}${KUBERNETES.slice(1)}`];

testRule(imageRegistry, {
  valid: [
    { name: 'public images (modern, no images section)', fixture: 'modern' },
    { name: "every image from the site's https Harbor (modern)", fixture: 'modern', replacements: [images('    registry: registry.corp.example/k8s\n')] },
    {
      name: "every image from the site's plain-http Harbor, Docker runtime (seed)",
      fixture: 'seed-ha',
      replacements: [images('    registry: hub.tonybai.com:8989/library\n')],
    },
    {
      name: 'a mirror that only moves public images to another public registry',
      fixture: 'modern',
      replacements: [images('    mirrors:\n      ghcr.io: quay.io/mirror\n')],
    },
  ],
  invalid: [
    {
      name: 'images.registry on a private registry that no hosts.toml, certs.d or insecure-registries configures',
      fixture: 'modern',
      replacements: [images('    registry: registry.other.example:5000/k8s\n')],
      errors: [
        {
          messageId: 'untrusted',
          message:
            'containerd on 7 hosts (cp-1, cp-2, cp-3 and 4 more) pulls registry.other.example:5000/k8s/pause:3.10.1 (/etc/containerd/config.toml) from registry.other.example:5000, which no hosts.toml configures',
          line: 'registry: registry.other.example:5000/k8s',
        },
        {
          messageId: 'untrusted',
          message:
            'docker on 6 hosts (harbor-1, harbor-2, worker-1 and 3 more) pulls registry.other.example:5000/k8s/gliderlabs/registrator:v7 (/etc/systemd/system/registrator.service) from registry.other.example:5000, which neither certs.d nor insecure-registries configures',
          line: 'registry: registry.other.example:5000/k8s',
        },
      ],
    },
    {
      name: "Harbor's name with its default port: containerd looks for certs.d/registry.corp.example:443, which does not exist",
      fixture: 'modern',
      replacements: [images('    registry: registry.corp.example:443/k8s\n')],
      errors: [
        {
          messageId: 'harborSpelledOtherwise',
          message:
            "containerd on 7 hosts (cp-1, cp-2, cp-3 and 4 more) pulls registry.corp.example:443/k8s/pause:3.10.1 (/etc/containerd/config.toml) from registry.corp.example:443, the site's Harbor spelled otherwise than registry.corp.example",
        },
        {
          messageId: 'harborSpelledOtherwise',
          message: 'docker on 6 hosts (harbor-1, harbor-2, worker-1 and 3 more) pulls registry.corp.example:443/k8s/gliderlabs/registrator:v7',
        },
      ],
    },
  ],
});
