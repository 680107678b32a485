import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isDateTime } from './validation.js';

const reference = (fullFormats['date-time'] as { validate: (text: string) => boolean }).validate;

describe('isDateTime', () => {
  it('agrees with ajv-formats on ISO times and on near misses of them', () => {
    const time = fc.date({
      min: new Date(-62_000_000_000_000),
      max: new Date(250_000_000_000_000),
      noInvalidDate: true,
    });
    const mutated = fc
      .tuple(
        time,
        fc.array(fc.tuple(fc.nat(30), fc.constantFrom(...'0123456789TZtz:.-+ 6')), { maxLength: 3 }),
      )
      .map(([date, edits]) => {
        const chars = date.toISOString().split('');
        for (const [at, c] of edits) chars[at % chars.length] = c;
        return chars.join('');
      });
    fc.assert(
      fc.property(
        fc.oneof(
          time.map((d) => d.toISOString()),
          mutated,
        ),
        (text) => {
          expect(isDateTime(text)).toBe(reference(text));
        },
      ),
      { numRuns: 50_000 },
    );
  });

  it('checks the calendar on the fast path: leap years, month lengths, hours', () => {
    const cases: [string, boolean][] = [
      ['2024-02-29T00:00:00Z', true],
      ['2023-02-29T00:00:00Z', false],
      ['1900-02-29T00:00:00Z', false],
      ['2000-02-29T12:30:00.123Z', true],
      ['2024-04-31T00:00:00Z', false],
      ['2024-13-01T00:00:00Z', false],
      ['2024-01-00T00:00:00Z', false],
      ['2024-01-01T24:00:00Z', false],
      ['2024-01-01T23:59:60Z', true],
      ['2024-01-01T10:00:00+02:00', true],
      ['2024-01-01T10:00:00', false],
    ];
    for (const [text, valid] of cases) {
      expect(isDateTime(text), text).toBe(valid);
      expect(reference(text), text).toBe(valid);
    }
  });
});
