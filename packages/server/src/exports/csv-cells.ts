import { sql, type AliasedRawBuilder, type RawBuilder } from 'kysely';
import type { EngineKind } from '../storage/engine.js';

/**
 * How a column becomes the text of its CSV cell when the database writes the CSV (`Engine.copyCsv`),
 * the same text `cellText()` gives the JavaScript path: `text` neutralised against spreadsheet
 * formulas; `number` and `id` as they are; `code` (a value of one of the API's enumerations, or an HTTP
 * method: capitals, digits and `_` only, validated on every way in) as it is; `time` as ISO 8601 in UTC
 * with milliseconds; `json` as JSON.
 */
export type CellKind = 'text' | 'code' | 'number' | 'id' | 'time' | 'json';

export interface CellSource {
  /** An SQL expression over the exported table (a column, or a field of a JSON column). */
  expr: RawBuilder<unknown>;
  kind: CellKind;
  /** The expression computes its value (a JSON extraction): better evaluated as few times as may be. */
  computed?: true;
}

export const column = (name: string, kind: CellKind): CellSource => ({ expr: sql.ref(name), kind });

/** A text field of a JSON column (`request->>'body'`; both engines have the operator). */
export const jsonText = (name: string, field: string): CellSource => ({
  expr: sql`(${sql.ref(name)} ->> ${sql.lit(field)})`,
  kind: 'text',
  computed: true,
});

/** A JSON field of a JSON column, as JSON (`request->'headers'`). */
export const jsonField = (name: string, field: string): CellSource => ({
  expr: sql`(${sql.ref(name)} -> ${sql.lit(field)})`,
  kind: 'json',
  computed: true,
});

/**
 * The code points a spreadsheet reads as the start of a formula: `=`, `+`, `-`, `@`, tab and CR.
 * Compared as the first character's code (`ascii()` on PostgreSQL, `unicode()` on SQLite), which costs
 * about what reading the column does; `substr(…) in (…)` doubled the time of a text cell.
 */
const FORMULA_STARTS = sql.raw('(61, 43, 45, 64, 9, 13)');

/** A cell a spreadsheet would run as a formula gets an apostrophe first, as `cellText()` does. */
function neutralised(expr: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql`(case when ascii(${expr}) in ${FORMULA_STARTS} then '''' || ${expr} else ${expr} end)`;
}

/** The cell's text as PostgreSQL computes it; null stays null (an empty cell). */
function postgresCell({ expr, kind }: CellSource): RawBuilder<string | null> {
  switch (kind) {
    case 'time':
      return sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case 'number':
    case 'id':
    case 'code':
    case 'json':
      return sql`(${expr})::text`;
    case 'text':
      return neutralised(expr);
  }
}

/**
 * The cell as pieces of an SQLite-written record, for one `concat()` of the whole record (which
 * skips null pieces and copies each piece once, where a chain of `||` copied the growing record at
 * every step): times are epoch milliseconds, JSON is stored as its text. Only text and JSON can hold
 * a quote, a comma or a line break, so only they are quoted (always: an empty string as `""`, null as
 * nothing, as PostgreSQL's CSV tells them apart). Each cell is a single piece, in which `||` turns a
 * null into null for `concat()` to skip, so no cell tests for null: those tests were a quarter of a
 * text cell's cost.
 */
function sqlitePieces({ expr, kind, computed }: CellSource): RawBuilder<unknown>[] {
  const quoted = (prefix: string) => sql`${sql.lit(prefix)} || replace(${expr}, '"', '""') || '"'`;
  switch (kind) {
    case 'time':
      // datetime() with 'subsec' is `YYYY-MM-DD HH:MM:SS.SSS`, half the cost of strftime(), which
      // parses its format on every row. SQLite rounds the fractional epoch to the nearest millisecond,
      // so every integer millisecond comes out exact, before 1970 too (checked against `toISOString()`
      // for 500,000 random times between the years 1 and 9999).
      return [sql`replace(datetime(${expr} / 1000.0, 'unixepoch', 'subsec'), ' ', 'T') || 'Z'`];
    case 'number':
    case 'id':
    case 'code':
      // No quote, comma, line break nor formula start can be in these: as they are.
      return [expr];
    case 'json':
      // A computed value (a JSON extraction) is evaluated once.
      return [quoted('"')];
    case 'text':
      // Every text is quoted (RFC 4180 allows it): the expression, often a JSON extraction, is
      // evaluated once or twice instead of the dozen times a quote-where-needed test would take.
      // A computed value is evaluated twice: for its first character's code point, and as text.
      if (computed)
        return [
          sql`'"' || (case when unicode(${expr}) in ${FORMULA_STARTS} then '''' else '' end) || replace(${expr}, '"', '""') || '"'`,
        ];
      // For a column, the formula check reads the first character's code point only where the text
      // starts below 'A' and not with a digit (where every formula start lies): comparing the text
      // itself is much cheaper than the function call, and a letter, what most cells start with,
      // is settled by the first comparison (−28 % for a text cell, measured in SQLite).
      return [
        sql`case when ${expr} >= 'A' then ${quoted('"')} when (${expr} < '0' or ${expr} >= '=') and unicode(${expr}) in ${FORMULA_STARTS} then ${quoted(`"'`)} else ${quoted('"')} end`,
      ];
  }
}

/**
 * What `Engine.copyCsv` of this engine expects to select for the picked columns, in order, or
 * undefined when a column has no SQL source: on PostgreSQL one selection per cell text (`c0`, `c1`…,
 * which `COPY` quotes), on SQLite a single `record`, the whole CSV record without its line end.
 */
export function cellSelections(
  engine: EngineKind,
  sources: Readonly<Record<string, CellSource>>,
  columns: readonly string[],
): AliasedRawBuilder<string | null, string>[] | undefined {
  if (columns.some((c) => sources[c] === undefined)) return undefined;
  if (engine === 'postgres') return columns.map((c, i) => postgresCell(sources[c]!).as(`c${i}`));
  const pieces = columns.flatMap((c, i) => [...(i > 0 ? [sql.lit(',')] : []), ...sqlitePieces(sources[c]!)]);
  return [sql<string>`concat(${sql.join(pieces)})`.as('record')];
}
