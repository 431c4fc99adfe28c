import { EXIT_OK, type Command } from '../command';
import { loadAll } from '../load';

export const validate: Command = {
  name: 'validate',
  usage: `Usage: clusterspec validate <spec...>

Parses, validates and normalises each spec, and runs every component's checks (the same phase
every command runs first); prints every problem with file:line:column. Writes nothing.
A spec of - is read from standard input.`,
  readOnly: true,
  options: {},
  run(positionals, _values, io) {
    const models = loadAll(positionals);
    for (const model of models) io.out(`${model.file}: ok (${model.name}, ${model.hosts.length} hosts)`);
    return EXIT_OK;
  },
};
