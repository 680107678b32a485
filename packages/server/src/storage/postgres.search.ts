import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { containsPattern } from '../shared/filters.js';
import type { SearchField } from './engine.js';

/*
 * Text search on PostgreSQL: `ILIKE '%text%'` over pg_trgm GIN indexes. pg_trgm indexes lower-cased
 * trigrams, so one index serves ILIKE in any case, and a pattern of 3 characters or more is answered
 * from the index (a shorter one makes PostgreSQL scan, bounded by the other filters).
 */

/**
 * The searchable text of an action: its message, object names and ids, one string, separated by a
 * control character that no search text holds, so that a match never spans two fields.
 */
const ACTION_TEXT = sql.raw(
  `(coalesce(message, '') || E'\\x1f' || coalesce(source_name, '') || E'\\x1f' || coalesce(target_name, '')` +
    ` || E'\\x1f' || coalesce(source_id, '') || E'\\x1f' || coalesce(target_id, ''))`,
);

/** A call's URL and login, one string, separated likewise (one index scan for `q=` on calls). */
const CALL_TEXT = sql.raw(`(url || E'\\x1f' || coalesce(login, ''))`);

/**
 * The GIN indexes, by name: their expressions are exactly what `trigramMatch` compares. Actions have
 * none: a trigram GIN index over their text made ingest three times slower (`npm run bench:ingest`,
 * 29,050 → 10,585 rows/s, COPY itself 43,771 → 14,133), a price every connector would pay for a
 * search that is bounded by a run or a time window anyway; `q=` on actions scans those rows.
 */
const TRIGRAM_INDEXES = [
  ['calls_text_trgm_idx', sql`calls using gin (${CALL_TEXT} gin_trgm_ops)`],
  ['calls_login_trgm_idx', sql`calls using gin (login gin_trgm_ops)`],
] as const;

/** The condition that a field contains `text`, case-insensitively (the pattern's wildcards escaped). */
export function trigramMatch(field: SearchField, text: string): Expression<SqlBool> {
  const pattern = containsPattern(text);
  switch (field) {
    case 'actions':
      return sql<SqlBool>`${ACTION_TEXT} ilike ${pattern} escape '\\'`;
    case 'calls':
      return sql<SqlBool>`${CALL_TEXT} ilike ${pattern} escape '\\'`;
    case 'calls.login':
      return sql<SqlBool>`login ilike ${pattern} escape '\\'`;
  }
}

/**
 * Creates pg_trgm (a trusted extension: the database's owner may) and the trigram indexes that are
 * missing. Answers a sentence for the operator when the extension cannot be created, in which case
 * searches still answer, by scanning. Inside a transaction, the failed attempt is rolled back to a
 * savepoint so that the transaction goes on.
 */
export async function createTrigramIndexes(
  db: Kysely<any>,
  inTransaction: boolean,
): Promise<string | undefined> {
  const installed = await sql<{
    ok: number;
  }>`select 1 as ok from pg_extension where extname = 'pg_trgm'`.execute(db);
  if (installed.rows.length === 0) {
    if (inTransaction) await sql`savepoint synctrail_pg_trgm`.execute(db);
    try {
      await sql`create extension if not exists pg_trgm`.execute(db);
      if (inTransaction) await sql`release savepoint synctrail_pg_trgm`.execute(db);
    } catch (error) {
      if (inTransaction) await sql`rollback to savepoint synctrail_pg_trgm`.execute(db);
      const reason = error instanceof Error ? error.message : String(error);
      return (
        `text search (q=, login=) is not indexed: the pg_trgm extension could not be created (${reason}). ` +
        'Searches still answer, by scanning. Run "create extension pg_trgm;" in this database as a superuser ' +
        '(Debian/Ubuntu: install postgresql-contrib) and restart Synctrail: it then builds the indexes.'
      );
    }
  }
  for (const [name, on] of TRIGRAM_INDEXES) {
    await sql`create index if not exists ${sql.raw(name)} on ${on}`.execute(db);
  }
  return undefined;
}
