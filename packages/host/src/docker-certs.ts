import { harborCaFile, registryHostDirectory } from '@clusterspec/containerd';
import type { ClusterModel, Host } from '@clusterspec/spec';

/** Where dockerd looks for a registry's CA: certs.d/<host[:port]>/*.crt, read on every connection (no restart). */
export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

/** A CA file the host already holds, copied where Docker reads it. */
export interface RegistryCaCopy {
  /** The CA on the host: harbor.caFile, else the default beside containerd's hosts.toml (what hosts.toml's `ca` names). */
  readonly from: string;
  /** /etc/docker/certs.d/<host[:port]>/ca.crt, the folder named as image references name the registry. */
  readonly to: string;
}

/**
 * The CAs a Docker host must trust to pull from and push to the site's https Harbor: Docker reads no path from
 * its daemon.json for that, only `/etc/docker/certs.d/<host[:port]>/ca.crt` (Docker docs, "Verify repository
 * client with certificates"), so the deploy copies there the same file containerd's hosts.toml names. clusterspec
 * never writes a certificate itself. Nothing for a plain-http Harbor (insecure-registries in daemon.json).
 */
export function dockerRegistryCas(model: ClusterModel, host: Host): RegistryCaCopy[] {
  const harbor = model.harbor;
  if (!harbor || harbor.protocol !== 'https' || !model.docker?.hosts.includes(host)) return [];
  return [{ from: harborCaFile(harbor), to: `${DOCKER_CERTS_DIR}/${registryHostDirectory(harbor)}/ca.crt` }];
}
