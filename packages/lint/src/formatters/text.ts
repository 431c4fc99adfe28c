import { visible } from '@clusterspec/pki';
import type { Diagnostic } from '../rule';

const COLOURS = { error: '\u001b[31m', warning: '\u001b[33m', info: '\u001b[36m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };

export function summarise(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number; infos: number } {
  const count = (severity: Diagnostic['severity']) => diagnostics.filter((diagnostic) => diagnostic.severity === severity).length;
  return { errors: count('error'), warnings: count('warning'), infos: count('info') };
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** One line per finding, `file:line:col severity message rule-id`, grouped per file, then a summary. */
export function formatText(diagnostics: readonly Diagnostic[], options: { colour: boolean }): string {
  const paint = (colour: keyof typeof COLOURS, text: string) => (options.colour ? `${COLOURS[colour]}${text}${COLOURS.reset}` : text);
  const files = [...new Set(diagnostics.map((diagnostic) => diagnostic.location.file))];
  const blocks = files.map((file) => {
    const lines = diagnostics
      .filter((diagnostic) => diagnostic.location.file === file)
      .map((diagnostic) => {
        const { line, column } = diagnostic.location;
        // A message can carry text from outside (a collected certificate's names): shown, never sent to the terminal.
        const artifact = diagnostic.artifact ? paint('dim', ` (${visible(diagnostic.artifact)})`) : '';
        return `${visible(file)}:${line}:${column} ${paint(diagnostic.severity, diagnostic.severity)} ${visible(diagnostic.message)}${artifact} ${paint('dim', diagnostic.ruleId)}`;
      });
    return [paint('bold', visible(file)), ...lines].join('\n');
  });
  const { errors, warnings, infos } = summarise(diagnostics);
  const summary =
    diagnostics.length === 0
      ? 'no problems'
      : `${plural(diagnostics.length, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'info')})`;
  return [...blocks, paint(errors > 0 ? 'error' : warnings > 0 ? 'warning' : 'bold', summary)].join('\n\n');
}
