'use strict';
// The `clusterspec` executor of the cluster projects (executors.json): generate, lint, check, archive (generate
// --archive) or unpack one spec through the CLI's in-process `main(argv, io)` rather than a shell and a fresh Node
// process per task.
//
// Nx runs `runBatch` when it batches tasks (executors.json sets `preferBatch`, so it does by default; `--batch=false`
// or NX_BATCH_MODE=false turn it off and each task gets `runOne` in a process of its own). A batch is one Node process
// for every clusterspec task of the run: the CLI is loaded once, each task still gets its own exit status and its own
// captured output, which Nx prints and stores in that task's cache entry as if it had run alone.
// The batch function's shape is Nx's TaskGraphExecutor (https://nx.dev/docs/reference/devkit/TaskGraphExecutor): it
// yields { task, result } per task id; Nx 24 reads `batchImplementation` and `preferBatch` from executors.json.
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, isAbsolute, join, relative } = require('node:path');
const { OUT } = require('./index.js');

/**
 * The place of each command in a batch. Every check runs before any generate or unpack, and lint in between: check
 * judges the out/ that was there when Nx hashed its inputs (out/<name> is one of them), not the folder a generate
 * of the same run rewrote. archive, generate and unpack share the last place: an unpack waits for its archive (a dependency) and,
 * the plugin's task ids being <project>:archive and <project>:generate, comes right after it, so the CLI unpacks
 * the archive it has just encoded without reading it back (site-archive.ts) and holds one site at a time.
 */
const COMMAND_RANK = { check: 0, lint: 1, archive: 2, generate: 2, unpack: 2 };

/** The CLI's library entry (its package's main export, the bundled CLI), resolved from the workspace's node_modules. */
function loadCli(workspaceRoot) {
  return require(require.resolve('@clusterspec/cli', { paths: [workspaceRoot] }));
}

/** A workspace-relative path as the CLI should see it from the current directory (the spec names it in messages). */
function fromHere(workspaceRoot, path) {
  const absolute = isAbsolute(path) ? path : join(workspaceRoot, path);
  return relative(process.cwd(), absolute) || '.';
}

/** The archive file of an archive or unpack task (the plugin sets it per site). */
function archiveOf(options) {
  if (!options.archive) throw new Error(`clusterspec executor: ${options.command} needs the option "archive" (the site's archive file)`);
  return options.archive;
}

/** The CLI arguments of one task's options. */
function argvOf(options, workspaceRoot) {
  const spec = fromHere(workspaceRoot, options.spec);
  switch (options.command) {
    case 'generate':
    case 'check':
      return [options.command, spec, '--out', fromHere(workspaceRoot, options.out || OUT)];
    case 'lint':
      return options.sarif ? ['lint', spec, '--format', 'sarif'] : ['lint', spec];
    case 'archive':
      return ['generate', spec, '--archive', fromHere(workspaceRoot, archiveOf(options))];
    case 'unpack':
      return ['unpack', fromHere(workspaceRoot, archiveOf(options)), '--out', fromHere(workspaceRoot, options.out || OUT)];
    default:
      throw new Error(`clusterspec executor: unknown command "${options.command}" (generate, lint, check, archive or unpack)`);
  }
}

/**
 * Runs one task in this process. Output goes to `write(stream, text)` line by line, in the order the CLI wrote it.
 * Returns the CLI's exit code; an exception the CLI did not turn into one (a bug) is written out and counts as 2.
 */
async function runTask(cli, options, workspaceRoot, write) {
  let argv;
  try {
    argv = argvOf(options, workspaceRoot);
  } catch (error) {
    write('err', error.message);
    return 2;
  }
  const sarifLines = [];
  const io = {
    out: (text) => (options.sarif ? sarifLines.push(text) : write('out', text)),
    err: (text) => write('err', text),
    colour: false,
    interactive: false,
  };
  try {
    const code = await cli.main(argv, io);
    if (options.sarif && code !== 2) {
      const target = join(workspaceRoot, options.sarif);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `${sarifLines.join('\n')}\n`);
      write('out', `${options.spec}: SARIF written to ${options.sarif}${code === 1 ? ' (findings: exit 1)' : ''}`);
    }
    return code;
  } catch (error) {
    write('err', `clusterspec ${argv.join(' ')}: ${error && error.stack ? error.stack : String(error)}`);
    return 2;
  }
}

/** Nx's single-task entry: the task's own process, its output straight to stdout and stderr (Nx captures them). */
async function runOne(options, context) {
  const cli = loadCli(context.root);
  const code = await runTask(cli, options, context.root, (stream, text) => (stream === 'out' ? process.stdout : process.stderr).write(`${text}\n`));
  return { success: code === 0 };
}

/** Task ids in the order they run: dependencies first, then by COMMAND_RANK, then by id (deterministic). */
function runOrder(taskGraph, inputs) {
  const rank = (id) => COMMAND_RANK[inputs[id] && inputs[id].command] ?? -1;
  const pending = Object.keys(taskGraph.tasks).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const ordered = [];
  const placed = new Set();
  while (pending.length > 0) {
    const index = pending.findIndex((id) => (taskGraph.dependencies[id] || []).every((dep) => placed.has(dep) || !taskGraph.tasks[dep]));
    // A cycle cannot come from Nx's graph; take the next one rather than loop forever.
    const [id] = pending.splice(index < 0 ? 0 : index, 1);
    ordered.push(id);
    placed.add(id);
  }
  return ordered;
}

/**
 * Nx's batch entry: every task of the batch in this one process, one after another, each result yielded as soon as
 * it is known (Nx prints it and marks the task done while the rest run). A task whose dependency in the batch
 * failed is skipped, as Nx would skip it.
 */
async function* runBatch(taskGraph, inputs, _overrides, context) {
  const cli = loadCli(context.root);
  const failed = new Set();
  for (const id of runOrder(taskGraph, inputs)) {
    const startTime = Date.now();
    if ((taskGraph.dependencies[id] || []).some((dep) => failed.has(dep))) {
      failed.add(id);
      yield { task: id, result: { success: false, status: 'skipped', terminalOutput: '', startTime, endTime: startTime } };
      continue;
    }
    const lines = [];
    const code = await runTask(cli, inputs[id], context.root, (_stream, text) => lines.push(text));
    if (code !== 0) failed.add(id);
    const terminalOutput = lines.length > 0 ? `${lines.join('\n')}\n` : '';
    yield { task: id, result: { success: code === 0, terminalOutput, startTime, endTime: Date.now() } };
  }
}

module.exports = { runOne, runBatch, argvOf, runOrder };
