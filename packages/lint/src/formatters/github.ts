import type { Diagnostic } from '../rule';

/** GitHub's workflow-command escaping: data escapes %, CR and LF; properties also : and ,. */
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** Workflow annotation lines: `::error file=…,line=…,col=…,title=<rule>::<message>`. */
export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((diagnostic) => {
      const { file, line, column } = diagnostic.location;
      const properties = `file=${escapeProperty(file)},line=${line},col=${column},title=${escapeProperty(diagnostic.ruleId)}`;
      return `::${COMMAND[diagnostic.severity]} ${properties}::${escapeData(diagnostic.message)}\n`;
    })
    .join('');
}
