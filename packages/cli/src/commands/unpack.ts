import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_OK, fileError, UsageError, type Command } from '../command';
import { outFolder } from '../load';
import { writeReport, writeSites } from '../output';
import { decodeArchive, type ArchivedSite } from '../site-archive';
import { verbosity, VERBOSITY_OPTIONS, VERBOSITY_USAGE } from '../progress';

export const unpack: Command = {
  name: 'unpack',
  usage: `Usage: clusterspec unpack <archive...> [--out DIR] [--quiet|--verbose]

Writes each site of the archives (made by 'clusterspec generate --archive FILE') into
DIR/<cluster>/ (default DIR: out) exactly as generate would: the folder is replaced as a whole,
one that already holds those files' bytes and nothing else is not (only modes that differ are
set), under the same lock. Nothing is written unless every archive is whole and well formed.
${VERBOSITY_USAGE}`,
  options: { out: { type: 'string', default: 'out' }, ...VERBOSITY_OPTIONS },
  run(positionals, values, io) {
    const level = verbosity(values);
    const out = outFolder(values);
    if (positionals.length === 0) throw new UsageError('name at least one archive (made by clusterspec generate --archive FILE)');
    // Every archive is read and checked before anything is written; two sites of one name would write one folder.
    const sites: { archive: string; site: ArchivedSite }[] = [];
    const from = new Map<string, string>();
    for (const archive of positionals) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(archive);
      } catch (error) {
        throw fileError(error, 'read', archive);
      }
      for (const site of decodeArchive(bytes, archive)) {
        const earlier = from.get(site.name);
        if (earlier !== undefined) throw new UsageError(`${archive} and ${earlier} both hold site ${site.name}; unpack one of them`);
        from.set(site.name, archive);
        sites.push({ archive, site });
      }
    }
    const writes = writeSites(sites.map(({ site }) => ({ target: join(out, site.name), artifacts: site.files })));
    const written = sites.map(({ archive, site }) => ({ source: archive, files: site.files.length }));
    if (level !== 'quiet') writeReport(writes, written).forEach((line) => io.out(line));
    return EXIT_OK;
  },
};
