import { AppError } from '../http/errors.js';
import { matchEnum } from './enum-aliases.js';

/** Parses a comma-separated filter; checks each value against `allowed` when given. */
export function parseList(
  name: string,
  raw: string | undefined,
  allowed?: readonly string[],
): string[] | undefined {
  if (raw === undefined) return undefined;
  const values = [
    ...new Set(
      raw
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0),
    ),
  ];
  if (values.length === 0) return undefined;
  if (allowed) {
    const bad = values.filter((v) => matchEnum(v, allowed) === undefined);
    if (bad.length > 0) {
      throw new AppError(
        'invalid_filter',
        `Unknown ${name} ${bad.map((b) => `"${b}"`).join(', ')}; allowed values: ${allowed.join(', ')}.`,
        { filter: name, invalid: bad, allowed },
      );
    }
    return [...new Set(values.map((v) => matchEnum(v, allowed)!))];
  }
  return values;
}

/** Parses a comma-separated filter whose values must match a pattern. */
export function parsePatternList(name: string, raw: string | undefined, pattern: RegExp, hint: string) {
  const values = parseList(name, raw);
  const bad = values?.filter((v) => !pattern.test(v)) ?? [];
  if (bad.length > 0) {
    throw new AppError('invalid_filter', `Invalid ${name} ${bad.map((b) => `"${b}"`).join(', ')}: ${hint}.`, {
      filter: name,
      invalid: bad,
    });
  }
  return values;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function parseIdList(name: string, raw: string | undefined): string[] | undefined {
  return parsePatternList(name, raw, UUID, 'expected UUIDs');
}

/** `from`/`to` as dates, checking that the range is not inverted. */
export function parseRange(from: string | undefined, to: string | undefined) {
  const range = { from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
  if (range.from && range.to && range.from > range.to) {
    throw new AppError('invalid_filter', '`from` is after `to`; swap them or widen the range.', { from, to });
  }
  return range;
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped (use with `escape '\'`). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
