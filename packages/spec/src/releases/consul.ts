import { releaseTable } from './table';

/** Everything about Consul that changes what we write with its version. */
export interface ConsulRelease {
  /**
   * How a server turns on the web UI: `ui = true` (1.0–1.8) or `ui_config { enabled = true }`
   * (1.9 on, which replaces `ui`).
   */
  readonly uiForm: 'ui' | 'ui_config';
}

/**
 * Consul's history, from the release each row names on. Only rows that change the output are here; facts
 * that hold for every supported release (HCL config files, space-separated client_addr, sd_notify,
 * retry_join) are in packages/consul/README.md. Before 1.0 Consul read no HCL configuration file.
 */
export const CONSUL_RELEASES = releaseTable<ConsulRelease>({
  program: 'Consul',
  rows: [
    {
      since: [1, 0],
      why: 'HCL config files and binding client_addr to a space-separated list of addresses (1.0.0, GH-3480); sd_notify after LAN join (0.8.5, GH-2121)',
      uiForm: 'ui',
    },
    { since: [1, 9], why: 'ui_config { enabled } replaces ui', uiForm: 'ui_config' },
  ],
  supported: [{ from: [1, 0], to: [1, 21] }],
  unsupported: (version, supportedText) => ({
    message: `Consul ${version.text} reads no HCL configuration files`,
    hint: `use Consul ${supportedText}: the generated /etc/consul.d/consul.hcl needs HCL config files`,
  }),
});
