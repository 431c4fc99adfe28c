import TOML from '@iarna/toml';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { SpecError, type FieldPath, type SourceLocation } from './errors';

/** Where a field sits: its key (for "unknown key") and its value (for "bad value"). */
export interface FieldLocator {
  (path: FieldPath, part?: 'key' | 'value'): SourceLocation;
}

export interface ParsedSource {
  readonly file: string;
  readonly format: 'yaml' | 'toml';
  readonly data: unknown;
  readonly locate: FieldLocator;
}

/** Bounds that keep a hostile spec from exhausting memory before validation. */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;
const MAX_ALIAS_COUNT = 100;

function problemAt(file: string, line: number, column: number, message: string, hint?: string): SpecError {
  return new SpecError([{ file, line, column, field: '', message, hint }]);
}

export function parseSource(file: string, bytes: Buffer): ParsedSource {
  if (bytes.length === 0) throw problemAt(file, 1, 1, 'the file is empty', 'write a cluster spec; see fixtures/seed-ha/cluster.yaml');
  if (bytes.length > MAX_SPEC_BYTES) {
    throw problemAt(file, 1, 1, `the file is ${bytes.length} bytes, over the ${MAX_SPEC_BYTES}-byte limit`, 'a cluster spec of even 5,000 hosts is far smaller; check that this is the right file');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw problemAt(file, firstNonUtf8Line(bytes), 1, 'the file is not valid UTF-8', 'save it as UTF-8');
  }
  return file.endsWith('.toml') ? parseToml(file, text) : parseYaml(file, text);
}

/**
 * The line holding the first invalid byte, so a stray Latin-1 character in a long file can be found.
 * Splitting at newline bytes is safe: 0x0A never occurs inside a multi-byte UTF-8 sequence.
 */
function firstNonUtf8Line(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; ; line += 1) {
    const end = bytes.indexOf(0x0a, start);
    try {
      decoder.decode(bytes.subarray(start, end === -1 ? bytes.length : end));
    } catch {
      return line;
    }
    if (end === -1) return 1;
    start = end + 1;
  }
}

function parseYaml(file: string, text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  if (document.errors.length > 0) {
    throw new SpecError(
      document.errors.map((error) => ({
        ...at(error.pos[0]),
        field: '',
        message:
          error.code === 'DUPLICATE_KEY'
            ? `duplicate key "${/^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0].trim()}": a key may appear only once in a mapping`
            : `YAML syntax: ${error.message.split(' at line')[0]}`,
        hint: error.code === 'DUPLICATE_KEY' ? 'remove or merge the second occurrence' : 'fix the YAML syntax at this position',
      })),
    );
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw problemAt(file, 1, 1, `YAML aliases expand too far: ${(error as Error).message}`, 'write the values out instead of nesting anchors');
  }
  const locate: FieldLocator = (path, part = 'value') => {
    let node: unknown = document.contents;
    // The root mapping, not offset 0: a file usually opens with comments.
    let best: SourceLocation = at((node as Node | null)?.range?.[0] ?? 0);
    for (const [index, segment] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
        if (!pair) return best;
        const keyNode = pair.key as Node;
        best = at(keyNode.range?.[0] ?? 0);
        node = pair.value;
        // By position, not by name: spec.kubernetes.kubernetes must stop at the inner key.
        if (part === 'key' && index === path.length - 1) return best;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else {
        return best;
      }
      const range = (node as Node | undefined)?.range;
      if (range) best = at(range[0]);
    }
    return best;
  };
  return { file, format: 'yaml', data, locate };
}

function parseToml(file: string, text: string): ParsedSource {
  let data: unknown;
  try {
    data = TOML.parse(text);
  } catch (error) {
    const { line, col, message } = error as { line?: number; col?: number; message: string };
    const what = message.split(' at row')[0];
    throw problemAt(
      file,
      (line ?? 0) + 1,
      (col ?? 0) + 1,
      /redefine/.test(what) ? 'duplicate key: a key or table may be defined only once' : `TOML syntax: ${what}`,
      /redefine/.test(what) ? 'remove or merge the second definition' : 'fix the TOML syntax at this position',
    );
  }
  const positions = indexTomlKeys(file, text);
  const locate: FieldLocator = (path) => {
    for (let length = path.length; length > 0; length -= 1) {
      const found = positions.get(JSON.stringify(path.slice(0, length)));
      if (found) return found;
    }
    return { file, line: 1, column: 1 };
  };
  // Plain JSON data, as YAML gives: dates become strings, and integers beyond 64-bit range (which
  // @iarna/toml returns as BigInt, and JSON.stringify refuses) become numbers the schema can refuse.
  const plain = JSON.parse(JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value)));
  return { file, format: 'toml', data: plain, locate };
}

/**
 * @iarna/toml keeps no positions, so key lines are recovered from the text: table headers
 * ([a.b], [[a.b]] with their running array index) and `key = value` lines under them.
 * Keys inside inline tables resolve to the line of the key that holds them.
 */
function indexTomlKeys(file: string, text: string): Map<string, SourceLocation> {
  const positions = new Map<string, SourceLocation>();
  const arrayCounts = new Map<string, number>();
  let table: (string | number)[] = [];
  const splitKey = (key: string) => key.split('.').map((part) => part.trim().replace(/^"(.*)"$/, '$1'));
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const header = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?/.exec(raw);
    if (header) {
      const keys = splitKey(header[2]);
      const column = raw.indexOf(header[2]) + 1;
      if (header[1] === '[[') {
        const name = JSON.stringify(keys);
        const count = arrayCounts.get(name) ?? 0;
        arrayCounts.set(name, count + 1);
        table = [...keys, count];
      } else {
        table = keys;
      }
      positions.set(JSON.stringify(table), { file, line, column });
      return;
    }
    const assignment = /^(\s*)([A-Za-z0-9_."-]+)\s*=/.exec(raw);
    if (assignment) {
      const path = [...table, ...splitKey(assignment[2])];
      positions.set(JSON.stringify(path), { file, line, column: assignment[1].length + 1 });
    }
  });
  return positions;
}
