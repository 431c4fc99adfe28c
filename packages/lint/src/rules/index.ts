import type { LintRule } from '../rule';

/** Every rule, in the order the README lists them. */
export const rules: readonly LintRule[] = [];
