import { compareCodePoints } from './order';

describe('compareCodePoints', () => {
  it('orders by code point, upper case and punctuation before lower case, whatever the locale', () => {
    const names = ['b', 'a-b', 'B', 'a', 'ab', '_a', 'a_b', 'A', ''];
    expect([...names].sort(compareCodePoints)).toEqual(['', 'A', 'B', '_a', 'a', 'a-b', 'a_b', 'ab', 'b']);
  });

  it('puts a character above U+FFFF after one in U+E000–U+FFFF (where UTF-16 code units disagree)', () => {
    const astral = '\u{1F600}'; // a surrogate pair, U+D83D U+DE00
    const private_ = '\uE000';
    expect(compareCodePoints(astral, private_)).toBe(1);
    expect(compareCodePoints(private_, astral)).toBe(-1);
    expect(compareCodePoints('x\u{10000}', 'x\uFFFF')).toBe(1);
    // Below U+D800 code units and code points agree.
    expect(compareCodePoints('\u00e9', astral)).toBe(-1);
  });

  it('is a total order consistent with equality', () => {
    expect(compareCodePoints('same', 'same')).toBe(0);
    expect(compareCodePoints('pre', 'prefix')).toBe(-1);
    expect(compareCodePoints('prefix', 'pre')).toBe(1);
  });
});
