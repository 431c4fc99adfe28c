import { join } from 'node:path';
import { EXIT_FINDINGS, EXIT_OK, type Command } from '../command';
import { generateSite } from '@clusterspec/generators';
import { unifiedDiff } from '../line-diff';
import { loadAll, outFolder } from '../load';
import { listEntries, modesAgree, readRegularFile } from '../safe-read';

const paint = (colour: boolean) => (line: string) => {
  if (!colour) return line;
  if (/^(---|\+\+\+) /.test(line)) return `\u001b[1m${line}\u001b[0m`;
  if (line.startsWith('@@')) return `\u001b[36m${line}\u001b[0m`;
  if (line.startsWith('+')) return `\u001b[32m${line}\u001b[0m`;
  if (line.startsWith('-')) return `\u001b[31m${line}\u001b[0m`;
  return line;
};

export const diff: Command = {
  name: 'diff',
  usage: `Usage: clusterspec diff <spec...> [--out DIR]

Prints a unified diff from DIR/<cluster>/ (default DIR: out) to a fresh generation, without
writing anything: new files come from /dev/null, removed ones go to it, mode changes are named.
Symbolic links, FIFOs and devices in DIR/<cluster>/ are never followed or opened: each is
named as an unexpected entry, which generate replaces. A spec of - is read from standard input.
Coloured on a terminal (NO_COLOR turns it off). Exits 1 when something would change, 0 when not.`,
  options: { out: { type: 'string', default: 'out' } },
  readOnly: true,
  async run(positionals, values, io) {
    const colour = paint(io.colour);
    let changed = 0;
    const out = outFolder(values);
    for (const model of loadAll(positionals, out)) {
      const target = join(out, model.name);
      const artifacts = await generateSite(model);
      const expected = new Set(artifacts.map((item) => item.path));
      const print = (text: string) => {
        if (!text) return;
        changed += 1;
        io.out(text.trimEnd().split('\n').map(colour).join('\n'));
      };
      const listing = listEntries(target);
      const onDisk = new Set(listing.files);
      const odd = new Set(listing.unexpected.map((entry) => entry.path));
      const unexpected = (path: string, kind: string) => print(`unexpected ${path}: ${kind}, not read; generate replaces it with a regular file or removes it`);
      for (const entry of listing.unexpected) unexpected(join(target, entry.path), entry.kind);
      for (const item of artifacts) {
        const path = join(target, item.path);
        if (odd.has(item.path) || odd.has('')) continue; // named above
        const found = onDisk.has(item.path) ? readRegularFile(path) : undefined;
        if (found && 'kind' in found) {
          unexpected(path, found.kind);
          continue;
        }
        print(unifiedDiff(found ? path : '/dev/null', path, found?.text ?? '', item.content) || (found ? '' : `new file ${path} (empty)`));
        const mode = found ? found.mode & 0o777 : item.mode;
        if (!modesAgree(mode, item.mode)) print(`mode ${path}: ${mode.toString(8)} -> ${item.mode.toString(8)}`);
      }
      for (const path of listing.files.filter((file) => !expected.has(file))) {
        const full = join(target, path);
        const found = readRegularFile(full);
        if ('kind' in found) unexpected(full, found.kind);
        else print(unifiedDiff(full, '/dev/null', found.text, '') || `removed ${full} (empty)`);
      }
    }
    if (changed > 0) io.err(`${changed} file(s) would change; 'clusterspec generate' writes them.`);
    return changed > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
