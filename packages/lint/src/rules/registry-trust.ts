import { containerdConfigFile, registryHostsFile } from '@clusterspec/containerd';
import { DOCKER_DAEMON_PATH, dockerDaemonFile } from '@clusterspec/host';
import { hostFile, type ClusterModel, type FieldPath, type Host } from '@clusterspec/spec';
import { containerdConfig, containerdConfigPath, harborHostsFile, registryConfigRoots } from '@clusterspec/analysis';
import { defineRule, type Finding } from '../rule';

const URL_FIELD: FieldPath = ['spec', 'harbor', 'externalURL'];

interface HostsEntry {
  readonly url: string;
  readonly ca?: unknown;
  readonly skipVerify?: unknown;
}

/** The endpoints containerd tries for a registry, in order: every [host."…"] table, then server (docs/hosts.md). */
function endpoints(data: Record<string, unknown>, directory: string): HostsEntry[] {
  const hosts = (data.host ?? {}) as Record<string, Record<string, unknown>>;
  const listed = Object.entries(hosts).map(([url, table]) => ({ url, ca: table.ca ?? data.ca, skipVerify: table.skip_verify }));
  const server = typeof data.server === 'string' ? data.server : `https://${directory}`;
  // A [host] table for the server's own URL configures it; the server line is then only its name.
  if (listed.some((entry) => entry.url === server)) return listed;
  return [...listed, { url: server, ca: data.ca, skipVerify: data.skip_verify }];
}

/** What is wrong with how containerd on a node reaches Harbor, judged from its hosts.toml. */
/** What a containerd node's trust of Harbor can get wrong (registryTrust's messages but Docker's). */
type ContainerdMessage = 'noConfigPath' | 'noHostsToml' | 'noHostTable' | 'httpsToPlainHarbor' | 'plainToHttpsHarbor' | 'skipVerify' | 'noCa';

function containerdProblems(model: ClusterModel, artifacts: Parameters<typeof containerdConfig>[0], node: Host): Finding<ContainerdMessage>[] {
  const harbor = model.harbor;
  if (!harbor) return [];
  const configArtifact = containerdConfigPath(node);
  const config = containerdConfig(artifacts, configArtifact);
  const roots = registryConfigRoots(model, config);
  const authority = `${harbor.endpoint.host}:${harbor.endpoint.port}`;
  const failure = harbor.protocol === 'https' ? 'x509: certificate signed by unknown authority' : 'http: server gave HTTP response to HTTPS client';
  if (roots.length === 0) {
    return [
      {
        field: URL_FIELD,
        artifact: configArtifact,
        messageId: 'noConfigPath',
        data: { node: node.name, authority, failure },
      },
    ];
  }
  const found = harborHostsFile(model, artifacts, node, roots);
  if (!found?.file) {
    return [
      {
        field: URL_FIELD,
        artifact: found?.path,
        messageId: 'noHostsToml',
        data: { node: node.name, path: found?.path.replace(`hosts/${node.name}`, ''), authority, failure },
      },
    ];
  }
  if (!found.file.data.host) {
    // containerd's getSortedHosts requires the table (1.6.20 measured): the file is dropped, not half-read.
    return [
      {
        field: URL_FIELD,
        artifact: found.path,
        messageId: 'noHostTable',
        data: { node: node.name, authority, failure },
      },
    ];
  }
  const directory = found.path.split('/').slice(-2)[0];
  const all = endpoints(found.file.data, directory);
  if (harbor.protocol === 'http') {
    if (all.some((entry) => entry.url.startsWith('http://'))) return [];
    return [
      {
        field: URL_FIELD,
        artifact: found.path,
        messageId: 'httpsToPlainHarbor',
        data: { authority, node: node.name, failure },
      },
    ];
  }
  const findings: Finding<ContainerdMessage>[] = [];
  for (const entry of all) {
    if (entry.url.startsWith('http://'))
      findings.push({
        field: URL_FIELD,
        artifact: found.path,
        messageId: 'plainToHttpsHarbor',
        data: { authority, node: node.name, url: entry.url },
      });
    else if (entry.skipVerify === true)
      findings.push({
        field: URL_FIELD,
        artifact: found.path,
        messageId: 'skipVerify',
        data: { node: node.name, url: entry.url },
      });
    else if (typeof entry.ca !== 'string' && !(Array.isArray(entry.ca) && entry.ca.length > 0))
      findings.push({
        field: harbor.caFile ? ['spec', 'harbor', 'caFile'] : URL_FIELD,
        artifact: found.path,
        messageId: 'noCa',
        data: { node: node.name, url: entry.url, failure },
      });
  }
  return findings;
}

/**
 * Every Kubernetes node pulls its pods' images from the site's Harbor through the kubelet's runtime: with
 * containerd, Harbor's hosts.toml under config_path; with Docker (before 1.24), insecure-registries for a
 * plain-http Harbor. The containerd twin of harbor-endpoint, which checks the Docker hosts.
 */
export const registryTrust = defineRule({
  id: 'registry-trust',
  description:
    "Every Kubernetes node's container runtime trusts the site's Harbor: containerd's hosts.toml (https with its CA, or http), or Docker's insecure-registries for plain http.",
  severity: 'error',
  messages: {
    noConfigPath: `containerd on {{node}} has no registry config_path, so it reads no hosts.toml: pulls from Harbor at {{authority}} fail with "{{failure}}"`,
    noHostsToml: `containerd on {{node}} has no hosts.toml for Harbor ({{path}}): pulls from {{authority}} fail with "{{failure}}"`,
    noHostTable: `Harbor's hosts.toml on {{node}} has no [host."…"] table: containerd 1.6 refuses such a file ("invalid \`host\` tree") and pulls from {{authority}} fail with "{{failure}}"`,
    httpsToPlainHarbor: `Harbor at {{authority}} is plain http, but its hosts.toml on {{node}} names no http:// endpoint: containerd speaks https to it and fails with "{{failure}}"`,
    plainToHttpsHarbor: `Harbor at {{authority}} serves https, but its hosts.toml on {{node}} sends pulls to {{url}} in plain http`,
    skipVerify: `Harbor's hosts.toml on {{node}} sets skip_verify for {{url}}: images would be pulled from anyone who answers; name the CA in ca instead`,
    noCa: `Harbor's hosts.toml on {{node}} names no ca for {{url}}: unless a public CA signed Harbor's certificate, pulls fail with "{{failure}}"`,
    dockerWithoutDaemonJson: `the kubelet on {{node}} pulls through Docker without a daemon.json (not in docker.hosts), so nothing lists the plain-http Harbor {{authority}} in insecure-registries: pulls fail with "http: server gave HTTP response to HTTPS client"`,
  },
  reads: [containerdConfigFile.pattern, registryHostsFile.pattern, dockerDaemonFile.pattern],
  check({ model, artifacts, report }) {
    const harbor = model.harbor;
    if (!harbor) return;
    const dockerHosts = new Set(model.docker?.hosts ?? []);
    const authority = `${harbor.endpoint.host}:${harbor.endpoint.port}`;
    for (const node of model.kubernetes.nodes) {
      if (model.kubernetes.containerRuntime === 'containerd') {
        for (const finding of containerdProblems(model, artifacts, node)) report({ ...finding, host: node.name });
      } else if (harbor.protocol === 'http' && !dockerHosts.has(node)) {
        // A Docker host's insecure-registries is harbor-endpoint's to check; a node outside docker.hosts gets no daemon.json at all.
        report({
          field: ['spec', 'docker', 'hosts'],
          artifact: hostFile(node, DOCKER_DAEMON_PATH),
          host: node.name,
          messageId: 'dockerWithoutDaemonJson',
          data: { node: node.name, authority },
        });
      }
    }
  },
});
