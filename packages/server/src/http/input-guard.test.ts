import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exceedsDepth } from './input-guard.js';

/** The definition, one character at a time: brackets outside strings, strings ended by an unescaped quote. */
function depthOver(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > limit) return true;
    } else if (c === '}' || c === ']') depth--;
  }
  return false;
}

describe('exceedsDepth', () => {
  it('counts brackets outside strings only, as a character-by-character scan does, for any text', () => {
    const piece = fc.constantFrom('"', '\\', '\\\\', '\\"', '[', ']', '{', '}', 'a', ',', ':', ' ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 0, max: 5 }), (pieces, limit) => {
        const text = pieces.join('');
        expect(exceedsDepth(text, limit)).toBe(depthOver(text, limit));
      }),
      { numRuns: 20_000 },
    );
  });

  it('finds depth in real JSON: brackets in strings, escaped quotes, and exactly the limit', () => {
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(exceedsDepth(nested(64), 64)).toBe(false);
    expect(exceedsDepth(nested(65), 64)).toBe(true);
    expect(exceedsDepth(JSON.stringify({ a: '[[[[[[', b: 'x\\"[[[[' }), 2)).toBe(false);
    expect(exceedsDepth(`{"a":"\\\\"}` + nested(3), 3)).toBe(false);
    expect(exceedsDepth(`{"a":"\\\\"}` + nested(4), 3)).toBe(true);
    // Text after an unterminated string cannot count: the parser refuses the body anyway.
    expect(exceedsDepth(`"${nested(10)}`, 3)).toBe(false);
  });
});
