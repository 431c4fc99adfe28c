import { closestMatch, SpecError } from '@clusterspec/spec';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeFileError, errnoOf, EXIT_BAD_INPUT, EXIT_OK, FileError, UsageError, type Io } from './command';
import { commands } from './commands';

export { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK } from './command';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json lies outside src/ (the rootDir), where an import cannot reach
const VERSION = (require('../package.json') as { version: string }).version;

const MAIN_USAGE = `Usage: clusterspec <command> [options]

Commands:
${commands.map((command) => `  ${command.summary}`).join('\n')}

Run 'clusterspec <command> --help' for a command's options; 'clusterspec --version' for the version.
A spec of - is read from standard input (as YAML).
Exit codes: 0 ok, 1 check or lint findings, 2 bad input or usage.`;

let pipesWatched = false;

/**
 * The real stdout and stderr. A reader that goes away (`clusterspec lint … | head`) makes the next write
 * fail with EPIPE, which Node reports as an 'error' event and, unhandled, a stack trace: here the stream is
 * marked gone and later writes are dropped, so the run ends quietly with its own exit code.
 */
function processIo(): Io {
  const gone = new Set<NodeJS.WriteStream>();
  const watch = (stream: NodeJS.WriteStream) =>
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') gone.add(stream);
      else throw error;
    });
  if (!pipesWatched) {
    watch(process.stdout);
    watch(process.stderr);
    pipesWatched = true;
  }
  const writer = (stream: NodeJS.WriteStream) => (text: string) => {
    if (gone.has(stream) || stream.destroyed) return;
    stream.write(`${text}\n`);
  };
  return {
    out: writer(process.stdout),
    err: writer(process.stderr),
    colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    interactive: Boolean(process.stderr.isTTY),
  };
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `--workers -1` as `--workers=-1`: parseArgs refuses a value that starts with "-" as ambiguous, but no option
 * of clusterspec is a digit, so a negative number is a value, and the command can say what is wrong with it.
 */
function joinNegativeValues(args: readonly string[], options: Options): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const name = /^--([^=]+)$/.exec(args[index])?.[1];
    const next = args[index + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-[0-9]/.test(next)) {
      joined.push(`${args[index]}=${next}`);
      index += 1;
    } else joined.push(args[index]);
  }
  return joined;
}

/** parseArgs' messages (several sentences about '--' and positionals) as one line in the CLI's words. */
function parseArgsProblem(error: Error & { code?: string }, options: Options): string {
  const flag = /'(?:-[a-z], )?(--?[^' ]+)/.exec(error.message)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = closestMatch(flag.replace(/^-+/, ''), Object.keys(options));
    return `unknown option ${flag}${near ? ` (did you mean --${near}?)` : ''}`;
  }
  if (/argument missing/.test(error.message)) return `${flag} needs a value`;
  if (/does not take an argument/.test(error.message)) return `${flag} takes no value`;
  if (/ambiguous/.test(error.message)) return `${flag} needs a value; write ${flag}=VALUE for a value that starts with "-"`;
  return error.message.split('\n')[0];
}

/** The CLI: returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_USAGE);
    return EXIT_OK;
  }
  if (name === '--version') {
    io.out(`clusterspec ${VERSION}`);
    return EXIT_OK;
  }
  if (name === undefined) {
    io.err(`clusterspec: name a command (${commands.map((command) => command.name).join(', ')}); run 'clusterspec --help' for usage`);
    return EXIT_BAD_INPUT;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) {
    const near = closestMatch(
      name,
      commands.map((command) => command.name),
    );
    io.err(`clusterspec: unknown command "${name}"${near ? ` (did you mean "${near}"?)` : ''}; run 'clusterspec --help' for the commands`);
    return EXIT_BAD_INPUT;
  }
  const command = entry.load();
  const options: Options = { help: { type: 'boolean', short: 'h' }, ...command.options };
  const seeHelp = `run 'clusterspec ${name} --help' for usage`;
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeValues(rest, options), allowPositionals: true, options });
    if (values.help) {
      io.out(command.usage);
      return EXIT_OK;
    }
    return await command.run(positionals, values as Record<string, string | boolean | undefined>, io);
  } catch (error) {
    if (error instanceof SpecError) {
      io.err(error.message);
      io.err(`clusterspec: ${error.problems.length} problem(s)${command.readOnly ? '' : '; nothing was written'}.`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof UsageError) {
      io.err(`clusterspec ${name}: ${error.message}; ${seeHelp}`);
      return EXIT_BAD_INPUT;
    }
    // parseArgs reports unknown or malformed options as TypeErrors with an ERR_PARSE_ARGS code.
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`clusterspec ${name}: ${parseArgsProblem(error as Error, options)}; ${seeHelp}`);
      return EXIT_BAD_INPUT;
    }
    // A path the command cannot use: one line with the path and the cause, never a stack trace.
    if (error instanceof FileError) {
      io.err(`clusterspec ${name}: ${error.message}`);
      return EXIT_BAD_INPUT;
    }
    if (errnoOf(error)) {
      io.err(`clusterspec ${name}: ${describeFileError(error)}`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}
