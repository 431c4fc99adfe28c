import TOML from '@iarna/toml';
import { Composer, CST, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, YAMLParseError, type Document, type Node } from 'yaml';
import { SpecError, type FieldPath, type SourceLocation } from './errors';
import { upgradeData, upgradeDocument } from './migrations';

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
/**
 * Collections inside collections, the root mapping counting as one. A spec nests about 7 levels
 * (spec.hosts[].taints[] is 6); the YAML and TOML parsers recurse per level and run out of stack
 * near 800, so anything deeper than this is refused before they get there.
 */
export const MAX_NESTING_DEPTH = 64;
const NESTING_HINT = 'a cluster spec nests about 7 levels: check for unclosed brackets, or a file that is not a spec';

const EMPTY_HINT = 'write a cluster spec; see fixtures/seed-ha/cluster.yaml';

function problemAt(file: string, line: number, column: number, message: string, hint?: string): SpecError {
  return new SpecError([{ file, line, column, field: '', message, hint }]);
}

export function parseSource(file: string, bytes: Buffer): ParsedSource {
  if (bytes.length === 0) throw problemAt(file, 1, 1, 'the file is empty', EMPTY_HINT);
  if (bytes.length > MAX_SPEC_BYTES) {
    throw problemAt(
      file,
      1,
      1,
      `the file is ${bytes.length} bytes, over the ${MAX_SPEC_BYTES}-byte limit`,
      'a cluster spec of even 5,000 hosts is far smaller; check that this is the right file',
    );
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

const tooDeep = (file: string, location: { line: number; column: number }) =>
  problemAt(file, location.line, location.column, `nested more than ${MAX_NESTING_DEPTH} levels deep`, NESTING_HINT);
const emptyFile = (file: string) => problemAt(file, 1, 1, 'the file is empty', `it holds only blank lines and comments; ${EMPTY_HINT}`);

/**
 * The YAML CST, refusing flow nesting ([ and {) deeper than MAX_NESTING_DEPTH as the lexer meets it:
 * the parser spends microseconds per open bracket, so 4 MiB of "[" would otherwise take most of a minute.
 */
function yamlTokens(file: string, text: string, lineCounter: LineCounter): CST.Token[] {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  let flowDepth = 0;
  let scalarSourceNext = false;
  for (const lexeme of new Lexer().lex(text)) {
    // After the scalar marker comes the scalar's own text, which may be a lone "[" in a block scalar.
    if (scalarSourceNext) scalarSourceNext = false;
    else if (lexeme === CST.SCALAR) scalarSourceNext = true;
    else if (lexeme === '[' || lexeme === '{') {
      flowDepth += 1;
      if (flowDepth > MAX_NESTING_DEPTH) {
        const { line, col } = lineCounter.linePos(parser.offset);
        throw tooDeep(file, { line, column: col });
      }
    } else if (lexeme === ']' || lexeme === '}') flowDepth -= 1;
    tokens.push(...parser.next(lexeme));
  }
  tokens.push(...parser.end());
  return tokens;
}

/** The offset of the first collection nested deeper than MAX_NESTING_DEPTH, block and flow together; walked without recursion. */
function tooDeepOffset(tokens: readonly CST.Token[]): number | undefined {
  const pending: [CST.Token | null | undefined, number][] = tokens.map((token) => [token, 0]);
  while (pending.length > 0) {
    const [token, depth] = pending.pop()!;
    if (!token) continue;
    if (token.type === 'document') pending.push([token.value, depth]);
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > MAX_NESTING_DEPTH) return token.offset;
      for (const item of token.items) pending.push(['key' in item ? item.key : undefined, depth + 1], [item.value, depth + 1]);
    }
  }
  return undefined;
}

/** What parseDocument does, from tokens already checked for depth. */
function composeDocument(tokens: readonly CST.Token[], length: number): Document.Parsed {
  let document: Document.Parsed | undefined;
  for (const next of new Composer({ uniqueKeys: true }).compose(tokens, true, length)) {
    if (!document) document = next;
    else {
      document.errors.push(
        new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'),
      );
      break;
    }
  }
  return document!;
}

function parseYaml(file: string, text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const tokens = yamlTokens(file, text, lineCounter);
  const deep = tooDeepOffset(tokens);
  if (deep !== undefined) throw tooDeep(file, at(deep));
  const document = composeDocument(tokens, text.length);
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
  // No content at all, or only a document marker (`---`), whose value is a zero-width null.
  const contents = document.contents;
  if (contents === null || (isScalar(contents) && contents.range[0] === contents.range[1])) throw emptyFile(file);
  // A spec of an older apiVersion is read in the current shape (migrations.ts); its nodes keep their positions.
  upgradeDocument(document);
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

/**
 * Where TOML text first opens more than MAX_NESTING_DEPTH brackets ([ and {), or dots more than that many
 * keys together (a.b.c…), outside strings and comments. @iarna/toml spends seconds on 4 MiB of either
 * before it fails, so they are refused first; nesting that mixes the two stays far below the parser's
 * stack and is measured exactly once parsed.
 */
function tomlNestingOffset(text: string): number | undefined {
  let brackets = 0;
  let dots = 0;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character === '#') {
      const end = text.indexOf('\n', index);
      index = end === -1 ? text.length : end - 1;
    } else if (character === '"' || character === "'") {
      const triple = text.startsWith(character.repeat(3), index);
      const close = triple ? character.repeat(3) : character;
      let at = index + close.length;
      // Only basic strings ("…") have escapes; an unterminated string is the parser's to report.
      while (at < text.length && !text.startsWith(close, at)) at += character === '"' && text[at] === '\\' ? 2 : 1;
      index = at + close.length - 1;
    } else if (character === '[' || character === '{') {
      brackets += 1;
      dots = 0;
      if (brackets > MAX_NESTING_DEPTH) return index;
    } else if (character === ']' || character === '}') {
      brackets -= 1;
      dots = 0;
    } else if (character === '.') {
      dots += 1;
      if (dots > MAX_NESTING_DEPTH) return index;
    } else if (character === '=' || character === ',' || character === '\n') dots = 0;
  }
  return undefined;
}

function parseToml(file: string, text: string): ParsedSource {
  const deepAt = tomlNestingOffset(text);
  if (deepAt !== undefined) {
    const before = text.slice(0, deepAt);
    throw tooDeep(file, { line: before.split('\n').length, column: deepAt - before.lastIndexOf('\n') });
  }
  let data: unknown;
  try {
    data = TOML.parse(text);
  } catch (error) {
    // @iarna/toml recurses per level of arrays, inline tables and dotted keys, and keeps no position when it overflows.
    if (error instanceof RangeError) throw tooDeep(file, { line: 1, column: 1 });
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
  const deep = tooDeepPath(data);
  if (deep) throw tooDeep(file, locate(deep));
  if (Object.keys(data as object).length === 0) throw emptyFile(file);
  // Plain JSON data, as YAML gives: dates become strings, and integers beyond 64-bit range (which
  // @iarna/toml returns as BigInt, and JSON.stringify refuses) become numbers the schema can refuse.
  const plain = JSON.parse(JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value))) as unknown;
  // A spec of an older apiVersion is read in the current shape (migrations.ts).
  upgradeData(plain);
  return { file, format: 'toml', data: plain, locate };
}

/** The path to the first value nested deeper than MAX_NESTING_DEPTH (the root table counting as one), walked without recursion. */
function tooDeepPath(data: unknown): FieldPath | undefined {
  const pending: [unknown, FieldPath][] = [[data, []]];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (path.length + 1 > MAX_NESTING_DEPTH) return path;
    for (const [key, child] of Object.entries(value)) pending.push([child, [...path, Array.isArray(value) ? Number(key) : key]]);
  }
  return undefined;
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
