import type { Generator } from '@clusterspec/spec';
import { generateDockerDaemonConfig } from './docker-daemon';
import { generateHostsFragments } from './etc-hosts';
import { generateResolvConfBase } from './resolv-conf';

export { consulDnsAddresses } from './consul-dns';

export const hostGenerators: readonly Generator[] = [generateDockerDaemonConfig, generateResolvConfBase, generateHostsFragments];
