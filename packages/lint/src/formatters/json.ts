import type { Diagnostic } from '../rule';
import { summarise } from './text';

export function formatJson(diagnostics: readonly Diagnostic[]): string {
  return `${JSON.stringify({ diagnostics, summary: summarise(diagnostics) }, null, 2)}\n`;
}
