import { bundleDigest, RENDER_STAMP_FILE } from '@clusterspec/deploy';
import { closestMatch } from '@clusterspec/spec';
import { join } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Command } from '../command';
import { generateArtifacts } from '@clusterspec/generators';
import { loadAll } from '../load';
import { writeArtifacts, writeLine } from '../atomic-write';
import { renderTarget } from '../render-target';
import { fillSecrets, formatSecretProblem } from '../secrets-fill';

/** What a file with a secret never grants: any access by accounts other than its owner and group. */
const SECRET_HIDDEN_BITS = 0o007;

export const render: Command = {
  name: 'render',
  usage: `Usage: clusterspec render <spec> (--host <host> | --all) --to DIR

Generates the site (as generate does) and fills every {{secret:env:NAME}} placeholder from the
environment and every {{secret:file:PATH}} from that file (its contents without one trailing newline;
relative paths from the current directory).

  --host H   write host H's files into DIR/H/ (DIR/H/etc/..., copy it onto the host's /)
  --all      write every file into DIR/<cluster>/, laid out as out/<cluster>/ (hosts/<host>/..., cluster/, pki/)
  --to DIR   where to write; required. Judged by its real path (symbolic links followed) and refused
             inside any git work tree (ignored folders included) and inside ./out: the files hold
             real secrets, which 'git add' must never pick up. Use e.g. /tmp/rendered.

The folder is replaced as a whole, under the same lock and swap as generate. Files that carry a
secret get no access for other accounts (0600, or 0640 for the group of the service that reads
them). With --all, DIR/<cluster>/${RENDER_STAMP_FILE} records the digest of the files rendered and
when: the deploy playbook refuses a tree whose digest is not its own. If any secret is missing,
empty, unreadable or cannot be written safely in its file's format (e.g. a newline in a harbor.cfg
value), every such secret is listed with the spec field and the files that use it, nothing is
written, and the exit code is 2. Secret values are never printed.`,
  options: { host: { type: 'string' }, all: { type: 'boolean' }, to: { type: 'string' } },
  run(positionals, values, io) {
    if (positionals.length !== 1) throw new UsageError('name exactly one spec file');
    const host = values.host === undefined ? undefined : String(values.host);
    if ((host === undefined) === !values.all) throw new UsageError('give either --host <host> or --all');
    if (typeof values.to !== 'string' || values.to === '') throw new UsageError('--to DIR is required');
    const to = values.to;
    const destination = renderTarget(to);
    if ('problem' in destination) {
      io.err(`clusterspec render: ${destination.problem}`);
      return EXIT_BAD_INPUT;
    }
    const [model] = loadAll(positionals);
    if (host !== undefined && !model.hosts.some((candidate) => candidate.name === host)) {
      const names = model.hosts.map((candidate) => candidate.name);
      const suggestion = closestMatch(host, names);
      const listed = names.length > 10 ? `${names.slice(0, 10).join(', ')}, … (${names.length} hosts)` : names.join(', ');
      throw new UsageError(`host "${host}" is not in ${model.file}${suggestion ? `; did you mean "${suggestion}"?` : ''} (hosts: ${listed})`);
    }
    const prefix = host === undefined ? '' : `hosts/${host}/`;
    const selected = generateArtifacts(model).filter((item) => item.path.startsWith(prefix));
    const filled = fillSecrets(model, selected);
    if (!filled.ok) {
      for (const problem of filled.problems) io.err(`${model.file}: error: ${formatSecretProblem(problem)}`);
      io.err(`clusterspec render: ${filled.problems.length} secret(s) cannot be filled; nothing was written.`);
      return EXIT_BAD_INPUT;
    }
    const target = join(to, host ?? model.name);
    const files = filled.artifacts.map((item) => ({
      ...item,
      path: item.path.slice(prefix.length),
      // A declared secret file has its tight mode already (defaultMode); one whose placeholder went undeclared loses its world bits.
      mode: filled.secretBearing.has(item.path) ? item.mode & ~SECRET_HIDDEN_BITS : item.mode,
    }));
    // The stamp the playbook asks for (--all only: the playbook reads DIR/<cluster>): which files were rendered
    // (their digest, placeholders unfilled, as generate computes it for the deploy folder) and when.
    const stamp = {
      path: RENDER_STAMP_FILE,
      content: `${JSON.stringify({ bundle: bundleDigest(model, selected), spec: model.file, rendered: new Date().toISOString() }, null, 2)}\n`,
      mode: 0o644,
    };
    // Into the folder that was judged, not the path as given: a symbolic link changed since cannot redirect it.
    const write = writeArtifacts(join(destination.folder, host ?? model.name), host === undefined ? [...files, stamp] : files);
    io.out(`${writeLine(model.file, write, filled.artifacts.length, target)} (${filled.secretBearing.size} with secrets, no access for other accounts)`);
    return EXIT_OK;
  },
};
