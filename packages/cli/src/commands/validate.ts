import { EXIT_OK, type Command } from '../command';
import { loadAll } from '../load';

export const validate: Command = {
  name: 'validate',
  summary: 'validate <spec...>              check specs without writing anything',
  usage: `Usage: clusterspec validate <spec...>

Parses, validates and normalises each spec; prints every problem with file:line:column.`,
  options: {},
  run(positionals, _values, io) {
    for (const model of loadAll(positionals)) io.out(`${model.file}: ok (${model.name}, ${model.hosts.length} hosts)`);
    return EXIT_OK;
  },
};
