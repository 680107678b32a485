import pg from 'pg';

/** One bound value as a PostgreSQL literal (pg's own quoting of strings). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot inline the number ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  throw new Error(`cannot inline a parameter of type ${typeof value}`);
}

/**
 * A compiled query with its `$1, $2…` placeholders replaced by literals, for statements that take no
 * parameters (`COPY (select …) to stdout`). Placeholders inside quoted text or identifiers are left
 * alone; strings are quoted by pg's `escapeLiteral`.
 */
export function inlineParameters(text: string, parameters: readonly unknown[]): string {
  let out = '';
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      out += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c === '$') {
      const match = /^\$(\d+)/.exec(text.slice(i, i + 12));
      if (match) {
        const index = Number(match[1]) - 1;
        if (index < 0 || index >= parameters.length) throw new Error(`no parameter for ${match[0]}`);
        out += literal(parameters[index]);
        i += match[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}
