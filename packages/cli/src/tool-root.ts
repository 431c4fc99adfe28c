import { join } from 'node:path';

/**
 * The root of clusterspec's own files (docs/rules/, docs/ci/, .githooks/), from src/ or dist/ alike: this
 * repository's root, or runtime/ in the installed package, which holds them at the same paths
 * (scripts/package-runtime.js).
 */
export const TOOL_ROOT = join(__dirname, '..', '..', '..');
