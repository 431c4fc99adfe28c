export { lintSettingsCheck, lintSite } from './engine';
export { formatGithub } from './formatters/github';
export { formatJson } from './formatters/json';
export { formatSarif } from './formatters/sarif';
export { formatText, summarise } from './formatters/text';
export type { Diagnostic, LintRule } from './rule';
export { rules } from './rules';
// The analyses other packages draw from (the topology picture): the same paths the rules check.
export { apiServerPaths, type ApiServerPath } from './analysis/apiserver-paths';
export { streamBalancers, type StreamBalancer } from './analysis/balancers';
