/**
 * Orders two strings by Unicode code point, the same on every machine. Not `localeCompare`: that builds an ICU
 * collator on its first call (about 10 ms of a short command) and orders by the locale of the machine it runs on
 * (upper case, punctuation and accents move between locales), and output must be byte-for-byte the same
 * everywhere. Not plain `<` either: that compares UTF-16 code units, which put a character above U+FFFF (a
 * surrogate pair, U+D800–U+DFFF) before one in U+E000–U+FFFF; this corrects that single case.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    // A surrogate (part of a code point above U+FFFF) sorts after every other code unit of U+E000 and up.
    if (x >= 0xd800 && x <= 0xdfff && y >= 0xe000) return 1;
    if (y >= 0xd800 && y <= 0xdfff && x >= 0xe000) return -1;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}
