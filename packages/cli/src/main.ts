import { SpecError } from '@clusterspec/spec';
import { parseArgs } from 'node:util';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Io } from './command';
import { commands } from './commands';

export { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK } from './command';

const MAIN_USAGE = `Usage: clusterspec <command> [options]

Commands:
${commands.map((command) => `  ${command.summary}`).join('\n')}

Run 'clusterspec <command> --help' for a command's options.
Exit codes: 0 ok, 1 check or lint findings, 2 bad input or usage.`;

const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  interactive: Boolean(process.stderr.isTTY),
};

/** The CLI: returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_USAGE);
    return name === undefined ? EXIT_BAD_INPUT : EXIT_OK;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) {
    io.err(`clusterspec: unknown command "${name}"\n\n${MAIN_USAGE}`);
    return EXIT_BAD_INPUT;
  }
  const command = entry.load();
  try {
    const { values, positionals } = parseArgs({ args: [...rest], allowPositionals: true, options: { help: { type: 'boolean', short: 'h' }, ...command.options } });
    if (values.help) {
      io.out(command.usage);
      return EXIT_OK;
    }
    return await command.run(positionals, values, io);
  } catch (error) {
    if (error instanceof SpecError) {
      io.err(error.message);
      io.err(`clusterspec: ${error.problems.length} problem(s); nothing was written.`);
      return EXIT_BAD_INPUT;
    }
    // parseArgs reports unknown or malformed options as TypeErrors with an ERR_PARSE_ARGS code.
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`clusterspec ${name}: ${(error as Error).message}\n\n${command.usage}`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}
