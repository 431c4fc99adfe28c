import { releaseTable } from './table';

/** What changes in containerd's configuration file with its version. */
export interface ContainerdRelease {
  /** The `version` line of /etc/containerd/config.toml: 2 for containerd 1.x, 3 from 2.0. */
  readonly configVersion: 2 | 3;
  /** Key path of the table holding the registry `config_path`. */
  readonly registryTable: readonly string[];
  /** Key path of the runc runtime's table (its `options` hold `SystemdCgroup`). */
  readonly runcTable: readonly string[];
  /**
   * Key path of the sandbox (pause) image: `sandbox_image` of the CRI plugin in config version 2,
   * `pinned_images.sandbox` of the images plugin in version 3 (containerd docs/cri/config.md of each release).
   */
  readonly sandboxImageKey: readonly string[];
}

/**
 * containerd's history, from the release each row names on. config_path (the hosts.toml directory)
 * arrived in containerd 1.5 (docs/hosts.md); containerd 2.0 introduced config version 3, which splits the
 * CRI plugin into an images and a runtime plugin (docs/cri/config.md). containerd 1.x reads version 2 only.
 */
export const CONTAINERD_RELEASES = releaseTable<ContainerdRelease>({
  program: 'containerd',
  rows: [
    {
      since: [1, 5],
      why: 'registry config_path (hosts.toml); config version 2',
      configVersion: 2,
      registryTable: ['plugins', 'io.containerd.grpc.v1.cri', 'registry'],
      runcTable: ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc'],
      sandboxImageKey: ['plugins', 'io.containerd.grpc.v1.cri', 'sandbox_image'],
    },
    {
      since: [2, 0],
      why: 'config version 3: the CRI plugin split into io.containerd.cri.v1.images and io.containerd.cri.v1.runtime',
      configVersion: 3,
      registryTable: ['plugins', 'io.containerd.cri.v1.images', 'registry'],
      runcTable: ['plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes', 'runc'],
      sandboxImageKey: ['plugins', 'io.containerd.cri.v1.images', 'pinned_images', 'sandbox'],
    },
  ],
  supported: [{ from: [1, 5], to: [2, 2] }],
  unsupported: (version, supportedText) => ({
    message: `containerd ${version.text} has no registry config_path (hosts.toml arrived in 1.5)`,
    hint: `use containerd ${supportedText}`,
  }),
});
