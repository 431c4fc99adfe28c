import { defineGenerator, type Generator } from '@clusterspec/spec';
import { dockerDaemonFile, generateDockerDaemonConfig } from './docker-daemon';
import { generateHostsFragments, hostsFragmentFile } from './etc-hosts';
import { generateResolvConfBase, resolvConfBaseFile } from './resolv-conf';

export { consulDnsAddresses } from './consul-dns';
export { DOCKER_DAEMON_PATH, dockerDaemonFile, type DockerDaemonConfig } from './docker-daemon';
export { HOSTS_FRAGMENT_PATH, hostsFragmentFile, type HostsEntry } from './etc-hosts';
export { resolvConfBaseFile, type ResolvConfBase } from './resolv-conf';

export const hostGenerators: readonly Generator[] = [
  defineGenerator([dockerDaemonFile], generateDockerDaemonConfig),
  defineGenerator([resolvConfBaseFile], generateResolvConfBase),
  defineGenerator([hostsFragmentFile], generateHostsFragments),
];
