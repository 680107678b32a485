import { AppError } from '../http/errors.js';
import { parseList } from '../shared/filters.js';

/** Status codes from `min` (inclusive) to `max` (exclusive). */
export interface StatusRange {
  min: number;
  max: number;
}

/** `statusCode=500,4xx` → exact codes and whole classes as ranges. */
export function parseStatusCodes(raw: string | undefined): StatusRange[] | undefined {
  const values = parseList('statusCode', raw);
  if (!values) return undefined;
  const bad: string[] = [];
  const ranges = values.flatMap((value) => {
    if (/^\d{1,3}$/.test(value)) return [{ min: Number(value), max: Number(value) + 1 }];
    const cls = /^([1-9])xx$/i.exec(value)?.[1];
    if (cls) return [{ min: Number(cls) * 100, max: Number(cls) * 100 + 100 }];
    bad.push(value);
    return [];
  });
  if (bad.length > 0) {
    throw new AppError(
      'invalid_filter',
      `Invalid statusCode ${bad.map((b) => `"${b}"`).join(', ')}: expected codes such as 500 or classes such as 4xx.`,
      { filter: 'statusCode', invalid: bad },
    );
  }
  return ranges;
}
