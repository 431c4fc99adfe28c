import type { SecretRef } from './model';

/**
 * The marked text that stands in out/ where a secret goes; filled in at deploy time.
 * Its shape names the source so the value itself never needs to be known here.
 */
export function secretPlaceholder(ref: SecretRef): string {
  return 'fromEnv' in ref ? `{{secret:env:${ref.fromEnv}}}` : `{{secret:file:${ref.fromFile}}}`;
}
