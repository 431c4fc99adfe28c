import { HOST_FIELDS, artifact, compileTemplate, defineArtifact, hostFile, siteImage, type Artifact, type ClusterModel, type Host } from '@clusterspec/spec';
import { join } from 'node:path';
import { agentFor, CONSUL_HTTP_PORT } from './topology';

export const REGISTRATOR_UNIT_PATH = '/etc/systemd/system/registrator.service';

/** registrator's unit as data: the container it runs and the arguments it hands registrator, in order. */
export interface RegistratorUnit {
  readonly hostName: string;
  readonly localAgent: boolean;
  readonly image: string;
  /** registrator's flags, then the registry URI (registrator ignores anything after it). */
  readonly arguments: readonly string[];
}

/** v7 is the last tagged release; `latest` and `master` move. */
export const REGISTRATOR_IMAGE = 'gliderlabs/registrator:v7';
/** Seconds between full re-registrations; repairs the catalog after an agent lost its state. */
export const REGISTRATOR_RESYNC = 60;
/**
 * The TTL of the check registrator registers with every service (`-ttl`), in seconds: with a TTL check
 * Consul marks the service critical when it is not refreshed within that time
 * (https://developer.hashicorp.com/consul/docs/services/usage/checks#time-to-live-ttl-checks), and
 * consul-template's `service` (healthy instances only) drops it. Without it a service registered on
 * another host's agent (a Docker host without its own) only has that agent's node health, so the
 * instances of a dead Docker host stayed passing for ever.
 */
export const REGISTRATOR_TTL = 30;
/** How often registrator refreshes the TTL check (`-ttl-refresh`): below the TTL, so two refreshes may be lost before a live host's services turn critical. */
export const REGISTRATOR_TTL_REFRESH = 10;

/**
 * registrator's options, in order; they must precede the registry URI, or registrator ignores them
 * silently (https://gliderlabs.github.io/registrator/latest/user/run/: `registrator [options] <registry uri>`).
 */
export function registratorFlags(host: Host): string[] {
  return [`-ip ${host.address}`, `-ttl ${REGISTRATOR_TTL}`, `-ttl-refresh ${REGISTRATOR_TTL_REFRESH}`, `-resync ${REGISTRATOR_RESYNC}`];
}

export const registratorUnitFile = defineArtifact<RegistratorUnit>({
  id: 'consul/registrator-unit',
  pattern: `hosts/*${REGISTRATOR_UNIT_PATH}`,
  description: `registrator (\`${REGISTRATOR_IMAGE}\`, host network, the Docker socket), its flags (\`-ip\`, a TTL check \`-ttl ${REGISTRATOR_TTL} -ttl-refresh ${REGISTRATOR_TTL_REFRESH}\` so a dead host's services turn critical, \`-resync ${REGISTRATOR_RESYNC}\`) before \`consul://localhost:8500\` where an agent runs, else a server's`,
  where: 'Docker hosts',
  reads: [...HOST_FIELDS, 'spec.docker.hosts', 'spec.docker.registrator.consul', 'spec.consul', 'spec.images'],
  secretKeys: [],
  consumer: 'systemd (docker run gliderlabs/registrator)',
  format: 'systemd',
  render: compileTemplate<RegistratorUnit>(join(__dirname, '../templates/registrator.service.ejs')),
});

/** consul://localhost:8500 where the host runs an agent, else the first server's address, unless the spec names one. */
export function registratorRegistry(model: ClusterModel, host: Host): string {
  if (model.docker?.registratorConsul) return `consul://${model.docker.registratorConsul.host}:${model.docker.registratorConsul.port}`;
  const agent = agentFor(model.consul!, host);
  return `consul://${agent.local ? 'localhost' : agent.host.address}:${CONSUL_HTTP_PORT}`;
}

/** registrator's systemd unit on every Docker host. */
export function generateRegistrators(model: ClusterModel): Artifact[] {
  const consul = model.consul;
  if (!consul || !model.docker) return [];
  return model.docker.hosts.map((host) =>
    artifact(registratorUnitFile, hostFile(host, REGISTRATOR_UNIT_PATH), {
      hostName: host.name,
      localAgent: agentFor(consul, host).local,
      image: siteImage(model.images, REGISTRATOR_IMAGE),
      arguments: [...registratorFlags(host), registratorRegistry(model, host)],
    }),
  );
}
