import { sql, type AliasedRawBuilder, type RawBuilder } from 'kysely';

/**
 * How a column becomes the text of its CSV cell when PostgreSQL writes the CSV (`COPY`), the same
 * text `cellText()` gives the JavaScript path: `text` neutralised against spreadsheet formulas;
 * `number` and `id` as they are; `time` as ISO 8601 in UTC with milliseconds; `json` as JSON.
 */
export type CellKind = 'text' | 'number' | 'id' | 'time' | 'json';

export interface CellSource {
  /** An SQL expression over the exported table (a column, or a field of a JSON column). */
  expr: RawBuilder<unknown>;
  kind: CellKind;
}

export const column = (name: string, kind: CellKind): CellSource => ({ expr: sql.ref(name), kind });

/** A text field of a JSON column (`request->>'body'`). */
export const jsonText = (name: string, field: string): CellSource => ({
  expr: sql`(${sql.ref(name)} ->> ${sql.lit(field)})`,
  kind: 'text',
});

/** A JSON field of a JSON column, as JSON (`request->'headers'`). */
export const jsonField = (name: string, field: string): CellSource => ({
  expr: sql`(${sql.ref(name)} -> ${sql.lit(field)})`,
  kind: 'json',
});

/** The cell's text as PostgreSQL computes it; null stays null (an empty cell). */
export function cellSql({ expr, kind }: CellSource): RawBuilder<string | null> {
  switch (kind) {
    case 'time':
      return sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case 'number':
    case 'id':
    case 'json':
      return sql`(${expr})::text`;
    case 'text':
      // A cell a spreadsheet would run as a formula gets an apostrophe first, as `cellText()` does.
      return sql`(case when left(${expr}, 1) in ('=', '+', '-', '@', chr(9), chr(13)) then '''' || ${expr} else ${expr} end)`;
  }
}

/** The picked export columns as selections of cell texts, in order (`c0`, `c1`…). */
export function cellSelections(
  sources: Readonly<Record<string, CellSource>>,
  columns: readonly string[],
): AliasedRawBuilder<string | null, string>[] | undefined {
  if (columns.some((c) => sources[c] === undefined)) return undefined;
  return columns.map((c, i) => cellSql(sources[c]!).as(`c${i}`));
}
