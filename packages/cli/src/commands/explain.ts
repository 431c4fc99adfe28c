import { rules } from '@clusterspec/lint';
import { closestMatch, LOAD_CHECKS, matchesPattern, type LoadCheck } from '@clusterspec/spec';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Command } from '../command';
import { ARTIFACT_DESCRIPTORS } from '@clusterspec/generators';
import { TOOL_ROOT } from '../tool-root';

/** The descriptors whose pattern matches an artifact path (one, for every path generate writes). */
const descriptorsOf = (path: string) => ARTIFACT_DESCRIPTORS.filter((descriptor) => matchesPattern(descriptor.pattern, path));

/** out/seed-ha/hosts/… and hosts/… name the same artifact: drop leading segments until a row matches. */
function artifactPath(argument: string): string | undefined {
  const segments = argument.replace(/^\.\//, '').split('/').filter(Boolean);
  for (let start = 0; start < segments.length; start += 1) {
    const path = segments.slice(start).join('/');
    if (descriptorsOf(path).length > 0) return path;
  }
  return undefined;
}

const LOAD_CHECK_LIST: readonly LoadCheck[] = Object.values(LOAD_CHECKS);

/** The nearest pattern or rule id, comparing with the host segment generalised as the patterns write it. */
function suggestion(argument: string): string | undefined {
  const ids = rules.map((rule) => rule.id);
  if (!argument.includes('/')) return closestMatch(argument, [...ids, 'topology.svg']);
  if (argument.startsWith('load/'))
    return closestMatch(
      argument,
      LOAD_CHECK_LIST.map((check) => check.id),
    );
  const segments = argument.split('/').filter(Boolean);
  const tails = segments.map((_, start) =>
    segments
      .slice(start)
      .join('/')
      .replace(/^hosts\/[^/]+\//, 'hosts/*/'),
  );
  const patterns = ARTIFACT_DESCRIPTORS.map((descriptor) => descriptor.pattern);
  return tails.map((tail) => closestMatch(tail, patterns)).find(Boolean);
}

export const explain: Command = {
  name: 'explain',
  usage: `Usage: clusterspec explain <artifact path | rule id | load/check>

For a generated file (hosts/emei/etc/nginx/nginx.conf, or out/seed-ha/hosts/emei/…): the generator
that writes it, the spec fields it is made from and the lint rules that read it.
For a rule id (san-coverage): its documentation, docs/rules/<id>.md.
For a check the loader makes (load/dockershim, the tag of a refusal of validate): what it refuses, and
that it is no lint rule (it refuses the spec before any rule runs) but which rule is about the same.
Exits 2 with the nearest match for an unknown path or rule.`,
  readOnly: true,
  options: {},
  run(positionals, _values, io) {
    if (positionals.length !== 1) throw new UsageError('name one artifact path or rule id');
    const argument = positionals[0];
    const rule = rules.find((candidate) => candidate.id === argument);
    if (rule) {
      const docs = join(TOOL_ROOT, rule.docs);
      io.out(existsSync(docs) ? readFileSync(docs, 'utf8').trimEnd() : `${rule.id} (${rule.severity}): ${rule.description}`);
      return EXIT_OK;
    }
    const check = LOAD_CHECK_LIST.find((candidate) => candidate.id === argument);
    if (check) {
      io.out(
        `${check.id}: checked when the spec is loaded (validate and every command refuse the spec, exit 2), not a lint rule\n  ${check.description}${check.rule ? `\n  the lint rule about the same: ${check.rule} (clusterspec explain ${check.rule})` : ''}`,
      );
      return EXIT_OK;
    }
    const path = artifactPath(argument);
    if (!path) {
      const near = suggestion(argument);
      io.err(`clusterspec explain: "${argument}" is neither a generated file, a rule id nor a load check${near ? `; did you mean "${near}"?` : ''}`);
      return EXIT_BAD_INPUT;
    }
    const readers = rules.filter(
      (candidate) =>
        candidate.reads?.some((pattern) => matchesPattern(pattern, path)) &&
        descriptorsOf(path).some((descriptor) => candidate.readsWhen?.(descriptor) ?? true),
    );
    for (const descriptor of descriptorsOf(path)) {
      const generator = descriptor.id.split('/')[0];
      io.out(
        `${path}\n  ${descriptor.description}\n  on: ${descriptor.where}\n  written by: @clusterspec/${generator} (${descriptor.id}, matches ${descriptor.pattern}, ${descriptor.format})\n  read at deploy time by: ${descriptor.consumer}`,
      );
      io.out(`  secret-bearing keys:${descriptor.secretKeys.length === 0 ? ' none' : ` ${descriptor.secretKeys.join(', ')}`}\n  made from these spec fields:`);
      descriptor.reads.forEach((field) => io.out(`    ${field}`));
    }
    io.out(`  read by lint rules:${readers.length === 0 ? ' none' : ''}`);
    readers.forEach((reader) => io.out(`    ${reader.id.padEnd(28)} ${reader.description}`));
    return EXIT_OK;
  },
};
