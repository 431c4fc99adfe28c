/**
 * Values from outside (collected file names, certificate subjects and SANs, lint messages quoting them) made
 * inert for the two places clusterspec prints them: a terminal, and a runbook's sh block an operator pastes as
 * root. One place for both, so every printer escapes the same way.
 */

/**
 * What a terminal must never receive raw: C0 and C1 controls (ESC starts a terminal escape sequence, ECMA-48;
 * a newline would start a new runbook line; U+009B is an 8-bit CSI), the line and paragraph separators, and
 * the bidirectional overrides and isolates that reorder what is shown (CVE-2021-42574, "Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this expression's whole purpose
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The unsafe characters JSON.stringify leaves raw (it escapes U+0000–U+001F itself). */
const LEFT_RAW_BY_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** "\x1b", "\u2028": the escape a reader recognises for one unsafe character. */
function escapeOf(character: string): string {
  const code = character.codePointAt(0)!;
  return SHORT_ESCAPES[character] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** Text for a terminal: every unsafe character shown as its escape (a newline as \n, ESC as \x1b), the rest as it is. */
export function visible(text: string): string {
  return text.replace(UNSAFE, escapeOf);
}

/** The most of one outside value a line shows: a hostile certificate's 28,000 names must not make megabytes of runbook. */
export const MAX_SHOWN_CHARACTERS = 2000;

/** visible(), cut at MAX_SHOWN_CHARACTERS with the count of what was left out. */
export function clipped(text: string, limit = MAX_SHOWN_CHARACTERS): string {
  const shown = visible(text);
  return shown.length <= limit ? shown : `${shown.slice(0, limit)}… (${shown.length - limit} more characters)`;
}

/** Words the shell reads as themselves: left bare so the runbook stays readable (POSIX sh, 2.2 Quoting). */
const BARE_WORD = /^[A-Za-z0-9@%+=:,./_-]+$/;

/**
 * One shell word for a POSIX sh: bare when it is plain, else in single quotes (inside which sh gives no
 * character a meaning, so `;`, `$()`, backticks and newlines stay data), a quote written as '\''. Unsafe
 * characters are first shown as their escapes, so the terminal receives none raw; such a word then names a
 * file that does not exist and the command fails rather than doing anything else.
 */
export function shellQuote(value: string): string {
  const shown = visible(value);
  return BARE_WORD.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

/** A comment line in a sh block: whatever the text holds, it stays one line that starts with #. */
export function shellComment(text: string): string {
  return `# ${clipped(text)}`;
}

/**
 * JSON for a terminal: JSON.stringify escapes U+0000–U+001F but leaves DEL, the C1 controls, U+2028/2029 and
 * the bidirectional controls raw; they can occur only inside strings, where \uXXXX is the same data.
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(LEFT_RAW_BY_JSON, (character) => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
