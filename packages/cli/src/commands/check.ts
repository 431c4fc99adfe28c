import { join } from 'node:path';
import { EXIT_FINDINGS, EXIT_OK, type Command } from '../command';
import { generateSite } from '@clusterspec/generators';
import { loadAll, outFolder } from '../load';
import { replacedPlaceholders, strayEntries } from '../out-audit';
import { compareArtifacts, readRegularFile } from '../safe-read';
import { deadLeftovers } from '../site-lock';
import { progress, verbosity, VERBOSITY_OPTIONS, VERBOSITY_USAGE } from '../progress';

export const check: Command = {
  name: 'check',
  usage: `Usage: clusterspec check <spec...> [--out DIR] [--exact] [--quiet|--verbose]

Exits 1 and lists every file in DIR/<cluster>/ (default DIR: out) that is missing,
stale or extra compared with a fresh generation, every entry that is not a regular file
(a symbolic link, a FIFO: never followed or opened), and every DIR/<cluster>.tmp-<pid> or
.old-<pid> left by a killed generate (the next generate removes them); exits 0 when they match.
A stale file that lacks a {{secret:...}} placeholder generate writes is listed as 'secret', with
the line and the placeholder (never what stands there: it may be the secret's value).
A spec of - is read from standard input.

  --exact   DIR must hold only the folders of the specs given: list every other entry
            (another site's folder, render's output, another site's leftovers) as extra.
            Give every spec that writes into DIR; with none, DIR must be empty.
${VERBOSITY_USAGE}`,
  options: { out: { type: 'string', default: 'out' }, exact: { type: 'boolean' }, ...VERBOSITY_OPTIONS },
  readOnly: true,
  async run(positionals, values, io) {
    const level = verbosity(values);
    const out = outFolder(values);
    const models = positionals.length === 0 && values.exact ? [] : loadAll(positionals, out);
    const step = progress(io, level, models, 'checking');
    let findings = 0;
    let secretFiles = 0;
    const reportedLeftovers = new Set<string>();
    for (const model of models) {
      await step(model, async () => {
        const artifacts = await generateSite(model);
        const target = join(out, model.name);
        const drift = compareArtifacts(target, artifacts);
        const generated = new Map(artifacts.map((item) => [item.path, item.content]));
        const staleLines = drift.stale.map((path) => {
          const onDisk = readRegularFile(join(target, path));
          const replaced = 'text' in onDisk ? replacedPlaceholders(generated.get(path) ?? '', onDisk.text) : [];
          if (replaced.length === 0) return `stale    ${join(target, path)}`;
          secretFiles += 1;
          const where = replaced.map(({ line, placeholder }) => `line ${line} holds something else where generate writes ${placeholder}`);
          return `secret   ${join(target, path)}: ${where.join('; ')}`;
        });
        const leftovers = deadLeftovers(target);
        leftovers.forEach((leftover) => reportedLeftovers.add(leftover.path));
        const lines = [
          ...drift.missing.map((path) => `missing  ${join(target, path)}`),
          ...staleLines,
          ...drift.extra.map((path) => `extra    ${join(target, path)}`),
          ...drift.unexpected.map((entry) => `unexpected ${join(target, entry.path)} (${entry.kind}; out/ holds only regular files)`),
          ...leftovers.map((leftover) => `leftover ${leftover.path} (left by a killed run, pid ${leftover.pid}; the next generate removes it)`),
        ];
        lines.forEach((line) => io.out(line));
        findings += lines.length;
        if (lines.length === 0 && level !== 'quiet') io.out(`${model.file}: ${target} is current (${artifacts.length} files)`);
        return `${artifacts.length} files, ${lines.length} differ`;
      });
    }
    if (values.exact) {
      // Leftovers already reported above are not listed twice.
      const stray = strayEntries(out, new Set(models.map((model) => model.name))).filter(
        (entry) => !reportedLeftovers.has(join(out, entry.name.replace(/\/$/, ''))),
      );
      for (const entry of stray) io.out(`extra    ${join(out, entry.name)} (${entry.description})`);
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
