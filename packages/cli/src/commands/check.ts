import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_FINDINGS, EXIT_OK, type Command } from '../command';
import { generateSite } from '../generate';
import { loadAll } from '../load';
import { compareArtifacts } from '../output';
import { replacedPlaceholders, strayEntries } from '../out-audit';
import { progress, verbosity, VERBOSITY_OPTIONS, VERBOSITY_USAGE } from '../progress';

export const check: Command = {
  name: 'check',
  usage: `Usage: clusterspec check <spec...> [--out DIR] [--exact] [--quiet|--verbose]

Exits 1 and lists every file in DIR/<cluster>/ (default DIR: out) that is missing,
stale or extra compared with a fresh generation; exits 0 when they match. A stale file
that lacks a {{secret:...}} placeholder generate writes is listed as 'secret', with the
line and the placeholder (never what stands there: it may be the secret's value).

  --exact   DIR must hold only the folders of the specs given: list every other entry
            (another site's folder, render's output, leftovers of a killed run) as extra.
            Give every spec that writes into DIR; with none, DIR must be empty.
${VERBOSITY_USAGE}`,
  options: { out: { type: 'string', default: 'out' }, exact: { type: 'boolean' }, ...VERBOSITY_OPTIONS },
  async run(positionals, values, io) {
    const level = verbosity(values);
    const models = positionals.length === 0 && values.exact ? [] : loadAll(positionals);
    const step = progress(io, level, models, 'checking');
    let findings = 0;
    let secretFiles = 0;
    for (const model of models) {
      await step(model, async () => {
        const artifacts = await generateSite(model);
        const target = join(String(values.out), model.name);
        const drift = compareArtifacts(target, artifacts);
        const generated = new Map(artifacts.map((item) => [item.path, item.content]));
        const staleLines = drift.stale.map((path) => {
          const replaced = replacedPlaceholders(generated.get(path) ?? '', readFileSync(join(target, path), 'utf8'));
          if (replaced.length === 0) return `stale    ${join(target, path)}`;
          secretFiles += 1;
          const where = replaced.map(({ line, placeholder }) => `line ${line} holds something else where generate writes ${placeholder}`);
          return `secret   ${join(target, path)}: ${where.join('; ')}`;
        });
        const lines = [
          ...drift.missing.map((path) => `missing  ${join(target, path)}`),
          ...staleLines,
          ...drift.extra.map((path) => `extra    ${join(target, path)}`),
        ];
        lines.forEach((line) => io.out(line));
        findings += lines.length;
        if (lines.length === 0 && level !== 'quiet') io.out(`${model.file}: ${target} is current (${artifacts.length} files)`);
        return `${artifacts.length} files, ${lines.length} differ`;
      });
    }
    if (values.exact) {
      const stray = strayEntries(String(values.out), new Set(models.map((model) => model.name)));
      for (const entry of stray) io.out(`extra    ${join(String(values.out), entry.name)} (${entry.description})`);
      findings += stray.length;
    }
    if (secretFiles > 0) {
      io.err(
        `${secretFiles} file(s) lack a {{secret:...}} placeholder that generate writes: if a real value stands there, ` +
          `never commit it: run 'clusterspec generate' to put the placeholder back, and rotate the secret if the file left this machine.`,
      );
    }
    if (findings > 0) io.err(`${findings} file(s) differ; run 'clusterspec generate' and review the diff.`);
    return findings > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
