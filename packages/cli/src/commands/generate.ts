import { join } from 'node:path';
import type { Artifact, ClusterModel } from '@clusterspec/spec';
import { EXIT_OK, type Command } from '../command';
import { generateSite } from '../generate';
import { loadAll, outFolder } from '../load';
import { leftAs, writeSites } from '../output';
import { progress, verbosity, VERBOSITY_OPTIONS, VERBOSITY_USAGE } from '../progress';

export const generate: Command = {
  name: 'generate',
  usage: `Usage: clusterspec generate <spec...> [--out DIR] [--quiet|--verbose]

Writes every artifact of each spec into DIR/<cluster>/ (default DIR: out), replacing
that folder as a whole, with DIR/<cluster>/topology.svg, the site's picture. A folder that
already holds exactly those files (bytes and modes) and nothing else is left as it was.
Nothing is written unless every spec is valid. Leftovers of a killed run beside DIR/<cluster>/
(<cluster>.tmp-<pid>, <cluster>.old-<pid>) are cleaned up first, and each is named.
A spec of - is read from standard input.
${VERBOSITY_USAGE}`,
  options: { out: { type: 'string', default: 'out' }, ...VERBOSITY_OPTIONS },
  async run(positionals, values, io) {
    const level = verbosity(values);
    const out = outFolder(values);
    const models = loadAll(positionals, out);
    const step = progress(io, level, models, 'generating');
    // Every spec is generated before anything is written: one failure leaves every folder as it was.
    const generated: { model: ClusterModel; artifacts: Artifact[]; target: string }[] = [];
    for (const model of models) {
      await step(model, async () => {
        const artifacts = await generateSite(model);
        generated.push({ model, artifacts, target: join(out, model.name) });
        return `${artifacts.length} files`;
      });
    }
    // What a killed run left behind (a staging folder, a previous output), cleaned up before the swap.
    const writes = writeSites(generated);
    if (level !== 'quiet') writes.forEach((write) => write.recovered.forEach((line) => io.out(line)));
    if (level !== 'quiet')
      generated.forEach(({ model, artifacts, target }, index) =>
        io.out(
          writes[index].written
            ? `${model.file}: wrote ${artifacts.length} files to ${target}`
            : `${model.file}: ${target} already holds these ${artifacts.length} files; ${leftAs(writes[index].modesSet)}`,
        ),
      );
    return EXIT_OK;
  },
};
