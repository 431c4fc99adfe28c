import type { Diagnostic, LintRule } from '../rule';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0: one run, every rule's metadata, one result per diagnostic with its spec location (and how many hosts it covers). */
export function formatSarif(diagnostics: readonly Diagnostic[], rules: readonly LintRule[], informationUri: string): string {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'clusterspec',
            informationUri,
            rules: rules.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.description },
              helpUri: `${informationUri}/blob/main/${rule.docs}`,
              defaultConfiguration: { level: LEVEL[rule.severity] },
            })),
          },
        },
        results: diagnostics.map((diagnostic) => ({
          ruleId: diagnostic.ruleId,
          ruleIndex: ruleIndex.get(diagnostic.ruleId),
          level: LEVEL[diagnostic.severity],
          message: { text: diagnostic.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: diagnostic.location.file.split('\\').join('/') },
                region: { startLine: diagnostic.location.line, startColumn: diagnostic.location.column },
              },
            },
          ],
          ...(diagnostic.artifact ? { relatedLocations: [{ id: 1, physicalLocation: { artifactLocation: { uri: diagnostic.artifact } } }] } : {}),
          // The count only: the message names the first hosts, --format json lists them all.
          ...(diagnostic.hosts ? { properties: { hostCount: diagnostic.hosts.length } } : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
