import { AppError } from '../http/errors.js';

/** A JSON schema, as far as flattening needs to read it. */
interface SchemaLike {
  type?: unknown;
  properties?: Record<string, SchemaLike>;
  anyOf?: SchemaLike[];
}

/** The object schema of a field that is an object or null (`Nullable(Type.Object(…))`), if it is one. */
function objectOf(property: SchemaLike): SchemaLike | undefined {
  const candidates = property.anyOf ?? [property];
  return candidates.find(
    (c) => c.type === 'object' && c.properties !== undefined && Object.keys(c.properties).length > 0,
  );
}

/**
 * The columns of an exported list, from the schema of its rows: one per leaf field, nested objects
 * flattened with dotted names (`counters.errors`, `source.system`; an object that may be null, such as
 * `lastRun`, too: its cells are empty when it is). Free-form objects (details, headers) stay one
 * column holding their JSON.
 */
export function columnsOf(schema: object, prefix = ''): string[] {
  const properties = (schema as SchemaLike).properties ?? {};
  return Object.entries(properties).flatMap(([name, property]) => {
    const nested = objectOf(property);
    return nested ? columnsOf(nested, `${prefix}${name}.`) : [`${prefix}${name}`];
  });
}

/** `columns=` as asked (picked and ordered), or every column; unknown names answer 400. */
export function pickColumns(all: readonly string[], raw: string | undefined): string[] {
  if (raw === undefined) return [...all];
  const asked = [
    ...new Set(
      raw
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c.length > 0),
    ),
  ];
  if (asked.length === 0) return [...all];
  const bad = asked.filter((c) => !all.includes(c));
  if (bad.length > 0) {
    throw new AppError(
      'invalid_filter',
      `Unknown column ${bad.map((b) => `"${b}"`).join(', ')}; allowed columns: ${all.join(', ')}.`,
      { filter: 'columns', invalid: bad, allowed: all },
    );
  }
  return asked;
}

/** Reads a path, already split, out of a row. */
export function valueAtPath(row: unknown, path: readonly string[]): unknown {
  let value: unknown = row;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A spreadsheet runs a cell starting with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell as text: empty for null, JSON for objects, and text a spreadsheet would evaluate
 * prefixed with an apostrophe (numbers are left alone: `-3` is a value, not a formula).
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return FORMULA_START.test(value) ? `'${value}` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value);
  return FORMULA_START.test(json) ? `'${json}` : json;
}
