import { PER_NODE_PROXY_ADDRESS, perNodeProxyHosts } from '@clusterspec/kubernetes';
import { createHash } from 'node:crypto';
import { artifact, defineArtifact, hostFile, yamlDocuments, type Artifact, type ClusterModel, type SpecPath } from '@clusterspec/spec';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { apiServerStream, renderApiServerStream, type ApiServerStream } from './apiserver-stream';
import { NGINX_PROXY_IMAGE } from './images';
import { renderNginxConf } from './nginx-conf';

export const PER_NODE_PROXY_DIR = '/etc/kubernetes/nginx-proxy';
export const PER_NODE_PROXY_CONF_PATH = `${PER_NODE_PROXY_DIR}/nginx.conf`;
/**
 * The digest of the proxy's nginx.conf on its pod: a changed configuration changes the manifest, and the kubelet
 * recreates a static pod whose manifest changed. Without it a new nginx.conf stays unseen: a file replaced by
 * rename (as every deploy tool writes) is a new inode, and the running container keeps the old one.
 */
export const CONFIG_DIGEST_ANNOTATION = 'clusterspec.io/nginx-conf-sha256';
/**
 * The proxy's own health endpoint, on loopback (kubespray's nginx-proxy answers /healthz on 8081): the kubelet's
 * liveness probe asks it over http, which a TCP probe of the apiserver port cannot tell from a hung nginx.
 */
export const PER_NODE_PROXY_HEALTH = { address: PER_NODE_PROXY_ADDRESS, port: 8081, path: '/healthz' } as const;

const HEALTH_SERVER = [
  "# The proxy itself is alive (the kubelet's liveness probe).",
  'server {',
  `    listen ${PER_NODE_PROXY_HEALTH.address}:${PER_NODE_PROXY_HEALTH.port};`,
  `    location = ${PER_NODE_PROXY_HEALTH.path} {`,
  '        access_log off;',
  '        return 200;',
  '    }',
  '}',
].join('\n');
export const PER_NODE_PROXY_MANIFEST_PATH = '/etc/kubernetes/manifests/nginx-proxy.yaml';

const PER_NODE_READS: readonly SpecPath[] = [
  'spec.hosts[].name',
  'spec.hosts[].roles',
  'spec.kubernetes.loadBalancer.mode',
  'spec.kubernetes.loadBalancer.port',
];
/** What the proxy's nginx.conf is made from; its pod carries the conf's digest, so it is made from the same. */
const CONF_READS: readonly SpecPath[] = [
  ...PER_NODE_READS,
  'spec.hosts[].address',
  'spec.kubernetes.loadBalancer.connectTimeout',
  'spec.kubernetes.loadBalancer.proxyTimeout',
  'spec.kubernetes.apiServer.bindPort',
];

/** The proxy's nginx.conf: the central balancer's stream section (same upstreams and watch-safe timeouts), on loopback only. */
export const perNodeProxyConfFile = defineArtifact<ApiServerStream>({
  id: 'loadbalancer/per-node-proxy-conf',
  pattern: `hosts/*${PER_NODE_PROXY_CONF_PATH}`,
  description:
    "the node's own apiserver proxy: nginx (official image, stream built in; 2 workers of 16384 connections, as kubespray's nginx-proxy) listening on `127.0.0.1:<port>` with every apiserver upstream and the spec's timeouts (the central balancer's stream section), and `/healthz` on `127.0.0.1:8081` for its liveness probe",
  where: 'nodes that are not control-plane hosts, per-node mode',
  reads: CONF_READS,
  secretKeys: [],
  consumer: 'nginx in the nginx-proxy static pod',
  format: 'nginx',
  render: (stream) => renderNginxConf({ http: [HEALTH_SERVER], stream: [renderApiServerStream(stream)] }, 'container'),
});

export const perNodeProxyManifestFile = defineArtifact<IPod>({
  id: 'loadbalancer/per-node-proxy-pod',
  pattern: `hosts/*${PER_NODE_PROXY_MANIFEST_PATH}`,
  description:
    "the static pod running the node's apiserver proxy on the host network, its folder mounted from the host (a replaced nginx.conf is seen), the digest of its nginx.conf as an annotation (a changed one recreates the pod)",
  where: 'nodes that are not control-plane hosts, per-node mode',
  reads: CONF_READS,
  secretKeys: [],
  consumer: 'the kubelet (static pod)',
  format: 'yaml',
  render: (pod) => yamlDocuments(pod),
});

function proxyPod(confText: string): IPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'nginx-proxy',
      namespace: 'kube-system',
      labels: { component: 'nginx-proxy', tier: 'node' },
      annotations: { [CONFIG_DIGEST_ANNOTATION]: createHash('sha256').update(confText).digest('hex') },
    },
    spec: {
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      containers: [
        {
          name: 'nginx-proxy',
          image: NGINX_PROXY_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          resources: { requests: { cpu: '25m', memory: '32Mi' } },
          livenessProbe: {
            httpGet: { host: PER_NODE_PROXY_HEALTH.address, port: PER_NODE_PROXY_HEALTH.port, path: PER_NODE_PROXY_HEALTH.path },
            periodSeconds: 10,
          },
          // The folder, not the file: a file mounted alone keeps the inode it had when the container started.
          volumeMounts: [{ name: 'nginx-conf', mountPath: '/etc/nginx', readOnly: true }],
        },
      ],
      volumes: [{ name: 'nginx-conf', hostPath: { path: PER_NODE_PROXY_DIR, type: 'Directory' } }],
    },
  };
}

/**
 * Per-node mode (kubespray's localhost load balancer): on every node that runs no apiserver, nginx as a
 * static pod on 127.0.0.1 at the balancer port with every apiserver upstream. The node's kubelet and
 * kube-proxy dial it, so losing a central balancer or one apiserver does not cut the node off.
 */
export function generatePerNodeProxy(model: ClusterModel): Artifact[] {
  const hosts = perNodeProxyHosts(model);
  if (hosts.length === 0) return [];
  const stream = apiServerStream(model, PER_NODE_PROXY_ADDRESS);
  const pod = proxyPod(perNodeProxyConfFile.render(stream));
  return hosts.flatMap((host) => [
    artifact(perNodeProxyConfFile, hostFile(host, PER_NODE_PROXY_CONF_PATH), stream),
    artifact(perNodeProxyManifestFile, hostFile(host, PER_NODE_PROXY_MANIFEST_PATH), pod),
  ]);
}
