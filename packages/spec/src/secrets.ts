import type { SecretRef } from './model';

/**
 * The marked text that stands in out/ where a secret goes; filled in at deploy time.
 * Its shape names the source so the value itself never needs to be known here.
 */
export function secretPlaceholder(ref: SecretRef): string {
  return 'fromEnv' in ref ? `{{secret:env:${ref.fromEnv}}}` : `{{secret:file:${ref.fromFile}}}`;
}

/** Every placeholder in a text: group 1 the source kind (env or file), group 2 its name. */
export const SECRET_PLACEHOLDER = /\{\{secret:(env|file):([^{}\n]*)\}\}/g;

/**
 * Whether a generated file carries a secret, i.e. holds a placeholder: the one test `render` (mode 0600,
 * filling) and the deploy playbook (no_log, no diff, taken from the rendered tree) both use.
 */
export function carriesSecret(content: string): boolean {
  return content.includes('{{secret:');
}
