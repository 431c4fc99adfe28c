export { lintAcrossSites, lintSettingsCheck, lintSite } from './engine';
export { formatGithub } from './formatters/github';
export { formatJson } from './formatters/json';
export { formatSarif } from './formatters/sarif';
export { formatText, summarise } from './formatters/text';
export { readsDescriptor } from './rule';
export type { Diagnostic, LintRule } from './rule';
export { rules } from './rules';
export { ruleTable } from './rule-table';
