import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_FINDINGS, EXIT_OK, type Command } from '../command';
import { generateSite } from '../generate';
import { unifiedDiff } from '../line-diff';
import { loadAll } from '../load';
import { listFiles, modesAgree } from '../output';

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
Coloured on a terminal (NO_COLOR turns it off). Exits 1 when something would change, 0 when not.`,
  options: { out: { type: 'string', default: 'out' } },
  async run(positionals, values, io) {
    const colour = paint(io.colour);
    let changed = 0;
    for (const model of loadAll(positionals)) {
      const target = join(String(values.out), model.name);
      const artifacts = await generateSite(model);
      const expected = new Set(artifacts.map((item) => item.path));
      const print = (text: string) => {
        if (!text) return;
        changed += 1;
        io.out(text.trimEnd().split('\n').map(colour).join('\n'));
      };
      for (const item of artifacts) {
        const path = join(target, item.path);
        const present = existsSync(path);
        print(unifiedDiff(present ? path : '/dev/null', path, present ? readFileSync(path, 'utf8') : '', item.content) || (present ? '' : `new file ${path} (empty)`));
        const mode = present ? statSync(path).mode & 0o777 : item.mode;
        if (!modesAgree(mode, item.mode)) print(`mode ${path}: ${mode.toString(8)} -> ${item.mode.toString(8)}`);
      }
      for (const path of listFiles(target).filter((file) => !expected.has(file))) {
        const full = join(target, path);
        print(unifiedDiff(full, '/dev/null', readFileSync(full, 'utf8'), '') || `removed ${full} (empty)`);
      }
    }
    if (changed > 0) io.err(`${changed} file(s) would change; 'clusterspec generate' writes them.`);
    return changed > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
