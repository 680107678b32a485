import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { SortOrder } from '@synctrail/types';
import type { Database } from './database.js';
import type { Engine } from './engine.js';
import { containsPattern, isUuid } from '../shared/filters.js';
import { AppError } from '../http/errors.js';
import type { KeysetPosition } from '../shared/cursor.js';

/** `column LIKE/ILIKE '%text%'` with wildcards escaped, case-insensitive on both engines. */
export function containsText(engine: Engine, column: string, text: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} ${sql.raw(engine.likeOperator)} ${containsPattern(text)} escape '\\'`;
}

/** Rows strictly after `position` in the `(key, id)` order of the list. */
export function afterPosition<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  keyColumn: string,
  idColumn: string,
  position: KeysetPosition,
  sort: SortOrder,
  keyIsTime: boolean,
): Expression<SqlBool> {
  // A forged cursor must not reach SQL as a bad time or id (PostgreSQL would reject it with a 500).
  if (
    (keyIsTime && !Number.isFinite(position.key)) ||
    (typeof position.id === 'string' && !isUuid(position.id))
  ) {
    throw new AppError('invalid_cursor', 'The cursor is not one this list returned; start again without it.');
  }
  const key = keyIsTime ? new Date(Number(position.key)) : position.key;
  const op = sort === 'desc' ? sql.raw('<') : sql.raw('>');
  return sql<SqlBool>`(${sql.ref(keyColumn)}, ${sql.ref(idColumn)}) ${op} (${key}, ${position.id})`;
}

/**
 * Rows strictly after `values` in the order of `columns` (all sorted the same way), e.g.
 * `(a, b, id) > (?, ?, ?)`; `inclusive`: at them too (`>=`).
 */
export function afterTuple(
  columns: readonly string[],
  values: readonly unknown[],
  sort: SortOrder,
  inclusive = false,
): Expression<SqlBool> {
  const op = sql.raw((sort === 'desc' ? '<' : '>') + (inclusive ? '=' : ''));
  return sql<SqlBool>`(${sql.join(columns.map((c) => sql.ref(c)))}) ${op} (${sql.join(values)})`;
}

/** Limits a query to the organizations an `Access` may see (see auth/access.ts). */
export function inOrganizations(
  column: string,
  organizations: 'all' | readonly string[],
): Expression<SqlBool> {
  if (organizations === 'all') return sql<SqlBool>`1 = 1`;
  if (organizations.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(organizations)})`;
}

export type { Database };
