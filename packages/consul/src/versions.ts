import { atLeast, type Version } from '@clusterspec/spec';

/** Everything about Consul that changes what we write with its version. */
export interface ConsulRelease {
  /**
   * How a server turns on the web UI: `ui = true` (1.0–1.8) or `ui_config { enabled = true }`
   * (1.9 on, which replaces `ui`).
   */
  readonly uiForm: 'ui' | 'ui_config';
}

type Change = { readonly from: readonly [number, number]; readonly why: string } & Partial<ConsulRelease>;

/**
 * Each row changes what the rows before it said, from the version it names on (Consul's history).
 * Only rows that change the output are here; facts that hold for every supported release (HCL
 * config files, space-separated client_addr, sd_notify, retry_join) are in the README.
 */
const RELEASE_HISTORY: readonly Change[] = [
  {
    from: [1, 0],
    why: 'HCL config files and binding client_addr to a space-separated list of addresses (1.0.0, GH-3480); sd_notify after LAN join (0.8.5, GH-2121)',
    uiForm: 'ui',
  },
  { from: [1, 9], why: 'ui_config { enabled } replaces ui', uiForm: 'ui_config' },
];

/** The oldest Consul these generators can configure: 1.0 first read HCL files and several client addresses. */
export const OLDEST_SUPPORTED: readonly [number, number] = RELEASE_HISTORY[0].from;

export function consulRelease(version: Version): ConsulRelease {
  if (!atLeast(version, OLDEST_SUPPORTED[0], OLDEST_SUPPORTED[1])) {
    throw new Error(`Consul ${version.text} is not supported: the generated /etc/consul.d/consul.hcl needs Consul ${OLDEST_SUPPORTED.join('.')} or newer (HCL config files)`);
  }
  let release = {} as ConsulRelease;
  for (const { from, why: _why, ...change } of RELEASE_HISTORY) {
    if (atLeast(version, from[0], from[1])) release = { ...release, ...change };
  }
  return release;
}
