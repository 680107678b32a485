import { describe, expect, it } from 'vitest';
import { parseStatusCodes } from './call-filters.js';

describe('statusCode filter', () => {
  it('reads exact codes and classes, case-insensitively', () => {
    expect(parseStatusCodes('500, 4xx,2XX')).toEqual([
      { min: 500, max: 501 },
      { min: 400, max: 500 },
      { min: 200, max: 300 },
    ]);
    expect(parseStatusCodes(undefined)).toBeUndefined();
    expect(parseStatusCodes(' , ')).toBeUndefined();
  });

  it('rejects anything else, naming the bad values', () => {
    expect(() => parseStatusCodes('500,teapot,1000')).toThrow(/"teapot", "1000".*4xx/);
  });
});
