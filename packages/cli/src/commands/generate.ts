import { join } from 'node:path';
import { EXIT_OK, type Command } from '../command';
import { generateArtifacts } from '../generate';
import { loadAll } from '../load';
import { writeArtifacts } from '../output';

export const generate: Command = {
  name: 'generate',
  summary: 'generate <spec...> [--out DIR]  write the artifacts of each spec into DIR/<cluster>/',
  usage: `Usage: clusterspec generate <spec...> [--out DIR]

Writes every artifact of each spec into DIR/<cluster>/ (default DIR: out), replacing
that folder as a whole. Nothing is written unless every spec is valid.`,
  options: { out: { type: 'string', default: 'out' } },
  run(positionals, values, io) {
    const models = loadAll(positionals);
    // Every spec is generated before anything is written: one failure leaves every folder as it was.
    const generated = models.map((model) => ({ model, artifacts: generateArtifacts(model), target: join(String(values.out), model.name) }));
    for (const { model, artifacts, target } of generated) {
      writeArtifacts(target, artifacts);
      io.out(`${model.file}: wrote ${artifacts.length} files to ${target}`);
    }
    return EXIT_OK;
  },
};
