import { join } from 'node:path';
import type { Artifact, ClusterModel } from '@clusterspec/spec';
import { EXIT_OK, UsageError, type Command } from '../command';
import { generateSite } from '@clusterspec/generators';
import { loadAll, outFolder } from '../load';
import { writeFileWhole, writeReport, writeSites } from '../atomic-write';
import { encodeArchive } from '../site-archive';
import { progress, verbosity, VERBOSITY_OPTIONS, VERBOSITY_USAGE } from '../progress';

export const generate: Command = {
  name: 'generate',
  usage: `Usage: clusterspec generate <spec...> [--out DIR | --archive FILE] [--quiet|--verbose]

Writes every artifact of each spec into DIR/<cluster>/ (default DIR: out), replacing
that folder as a whole, with DIR/<cluster>/topology.svg, the site's picture. A folder that
already holds those files' bytes and nothing else is not replaced; only modes that differ are set.
Nothing is written unless every spec is valid. Leftovers of a killed run beside DIR/<cluster>/
(<cluster>.tmp-<pid>, <cluster>.old-<pid>) are cleaned up first, and each is named.
With --archive FILE, every site's files go into that one file instead (gzipped, written
whole or not at all), for a build cache or a CI artifact; 'clusterspec unpack FILE' writes them out.
A spec of - is read from standard input.
${VERBOSITY_USAGE}`,
  // No default for --out: generate must tell a DIR given with --archive (which writes no folder) from none.
  options: { out: { type: 'string' }, archive: { type: 'string' }, ...VERBOSITY_OPTIONS },
  async run(positionals, values, io) {
    const level = verbosity(values);
    const out = outFolder(values);
    const archive = values.archive as string | undefined;
    if (archive === '') throw new UsageError('--archive "" names no file; give one (e.g. --archive dist/sites.archive.gz)');
    if (archive !== undefined && values.out !== undefined)
      throw new UsageError(
        `--archive ${archive} writes every site into that one file and no folder, so --out ${out} would be ignored; drop --out, and write the sites out with clusterspec unpack ${archive} --out ${out}`,
      );
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
    if (archive !== undefined) {
      writeFileWhole(archive, encodeArchive(generated.map(({ model, artifacts }) => ({ name: model.name, files: artifacts }))));
      if (level !== 'quiet') for (const { model, artifacts } of generated) io.out(`${model.file}: archived ${artifacts.length} files in ${archive}`);
      return EXIT_OK;
    }
    // What a killed run left behind (a staging folder, a previous output), cleaned up before the swap.
    const writes = writeSites(generated);
    const written = generated.map(({ model, artifacts }) => ({ source: model.file, files: artifacts.length }));
    if (level !== 'quiet') writeReport(writes, written).forEach((line) => io.out(line));
    return EXIT_OK;
  },
};
