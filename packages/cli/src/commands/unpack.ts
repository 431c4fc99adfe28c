import { join } from 'node:path';
import { EXIT_OK, UsageError, type Command } from '../command';
import { outFolder } from '../load';
import { writeReport, writeSites } from '../atomic-write';
import { MAX_EXPANSION, MAX_SITE_BYTES, readArchive, type ArchivedSite } from '../site-archive';
import { verbosity, VERBOSITY_OPTIONS, VERBOSITY_USAGE } from '../progress';

export const unpack: Command = {
  name: 'unpack',
  usage: `Usage: clusterspec unpack <archive...> [--out DIR] [--quiet|--verbose]

Writes each site of the archives (made by 'clusterspec generate --archive FILE') into
DIR/<cluster>/ (default DIR: out) exactly as generate would: the folder is replaced as a whole,
one that already holds those files' bytes and nothing else is not (only modes that differ are
set), under the same lock. Nothing is written unless every archive is whole and well formed.
An archive is a regular file (not a pipe or a device); one that would unpack to more than
${MAX_EXPANSION} times its size, or to a site larger than ${MAX_SITE_BYTES >> 20} MiB, is refused as it is read.
${VERBOSITY_USAGE}`,
  options: { out: { type: 'string', default: 'out' }, ...VERBOSITY_OPTIONS },
  async run(positionals, values, io) {
    const level = verbosity(values);
    const out = outFolder(values);
    if (positionals.length === 0) throw new UsageError('name at least one archive (made by clusterspec generate --archive FILE)');
    // Every archive is read and checked before anything is written; two sites of one name would write one folder.
    const sites: { archive: string; site: ArchivedSite }[] = [];
    const from = new Map<string, string>();
    for (const archive of positionals) {
      for (const site of await readArchive(archive)) {
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
