import type { Diagnostic } from '../rule';
import { summarise } from './text';

export function formatJson(diagnostics: readonly Diagnostic[]): string {
  // messageId stays in the process (tests, tools): the output keeps the shape it has always had.
  const shown = diagnostics.map(({ messageId: _messageId, ...diagnostic }) => diagnostic);
  return `${JSON.stringify({ diagnostics: shown, summary: summarise(diagnostics) }, null, 2)}\n`;
}
