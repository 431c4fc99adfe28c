import { formatGithub, formatJson, formatSarif, formatText, lintSite, rules, summarise } from '@clusterspec/lint';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type Command } from '../command';
import { generateArtifacts } from '../generate';
import { loadAll } from '../load';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

export const lint: Command = {
  name: 'lint',
  summary: 'lint <spec...> [--format F]     find what would fail at deploy (text, json, sarif, github)',
  usage: `Usage: clusterspec lint <spec...> [--format text|json|sarif|github] [--max-warnings N]

Checks each site and its generated artifacts against every rule (docs/rules/).
Exits 1 when there is an error, or more than N warnings; 0 when clean.`,
  options: { format: { type: 'string', default: 'text' }, 'max-warnings': { type: 'string', default: '-1' } },
  run(positionals, values, io) {
    const format = String(values.format);
    const maxWarnings = Number(values['max-warnings']);
    if (!(FORMATS as readonly string[]).includes(format) || !Number.isInteger(maxWarnings)) {
      throw new UsageError(`--format takes ${FORMATS.join(', ')}; --max-warnings takes a whole number`);
    }
    const diagnostics = loadAll(positionals).flatMap((model) => lintSite(model, generateArtifacts(model)));
    const formatted = {
      text: () => formatText(diagnostics, { colour: io.colour }),
      json: () => formatJson(diagnostics).trimEnd(),
      sarif: () => formatSarif(diagnostics, rules, 'https://github.com/clusterspec/clusterspec').trimEnd(),
      github: () => formatGithub(diagnostics).trimEnd(),
    }[format as (typeof FORMATS)[number]]();
    if (formatted) io.out(formatted);
    const { errors, warnings } = summarise(diagnostics);
    if (errors > 0) return EXIT_FINDINGS;
    if (maxWarnings >= 0 && warnings > maxWarnings) {
      io.err(`clusterspec lint: ${warnings} warnings, more than --max-warnings ${maxWarnings}`);
      return EXIT_FINDINGS;
    }
    return EXIT_OK;
  },
};
