import { join } from 'node:path';
import { EXIT_FINDINGS, EXIT_OK, type Command } from '../command';
import { generateSite } from '../generate';
import { loadAll } from '../load';
import { compareArtifacts } from '../output';
import { progress, verbosity, VERBOSITY_OPTIONS, VERBOSITY_USAGE } from '../progress';

export const check: Command = {
  name: 'check',
  usage: `Usage: clusterspec check <spec...> [--out DIR] [--quiet|--verbose]

Exits 1 and lists every file in DIR/<cluster>/ (default DIR: out) that is missing,
stale or extra compared with a fresh generation; exits 0 when they match.
${VERBOSITY_USAGE}`,
  options: { out: { type: 'string', default: 'out' }, ...VERBOSITY_OPTIONS },
  async run(positionals, values, io) {
    const level = verbosity(values);
    const models = loadAll(positionals);
    const step = progress(io, level, models, 'checking');
    let findings = 0;
    for (const model of models) {
      await step(model, async () => {
        const artifacts = await generateSite(model);
        const target = join(String(values.out), model.name);
        const drift = compareArtifacts(target, artifacts);
        const lines = [
          ...drift.missing.map((path) => `missing  ${join(target, path)}`),
          ...drift.stale.map((path) => `stale    ${join(target, path)}`),
          ...drift.extra.map((path) => `extra    ${join(target, path)}`),
        ];
        lines.forEach((line) => io.out(line));
        findings += lines.length;
        if (lines.length === 0 && level !== 'quiet') io.out(`${model.file}: ${target} is current (${artifacts.length} files)`);
        return `${artifacts.length} files, ${lines.length} differ`;
      });
    }
    if (findings > 0) io.err(`${findings} file(s) differ; run 'clusterspec generate' and review the diff.`);
    return findings > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
