import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { containsPattern } from '../shared/filters.js';
import { ACTION_MATCHES_FOR_SCAN, type ActionRange, type SearchField } from './engine.js';

/*
 * Text search on PostgreSQL: `ILIKE '%text%'` over pg_trgm GIN indexes. pg_trgm indexes lower-cased
 * trigrams, so one index serves ILIKE in any case, and a pattern of 3 characters or more is answered
 * from the index (a shorter one makes PostgreSQL scan, bounded by the other filters).
 */

/**
 * The searchable text of an action: its message, object names and ids, one string, separated by a
 * control character that no search text holds, so that a match never spans two fields.
 */
const ACTION_TEXT_OF = (table?: string) => {
  const c = (column: string) => (table ? `${table}.${column}` : column);
  return sql.raw(
    `(coalesce(${c('message')}, '') || E'\\x1f' || coalesce(${c('source_name')}, '') || E'\\x1f' || coalesce(${c('target_name')}, '')` +
      ` || E'\\x1f' || coalesce(${c('source_id')}, '') || E'\\x1f' || coalesce(${c('target_id')}, ''))`,
  );
};
const ACTION_TEXT = ACTION_TEXT_OF();

/** A call's URL and login, one string, separated likewise (one index scan for `q=` on calls). */
const CALL_TEXT = sql.raw(`(url || E'\\x1f' || coalesce(login, ''))`);

/**
 * The GIN indexes, by name, with the table they need: their expressions are exactly what
 * `trigramMatch` and `indexedActionMatch` compare. A trigram GIN index over the text of `actions`
 * itself made ingest three times slower (`npm run bench:ingest`, 29,050 → 10,585 rows/s, COPY itself
 * 43,771 → 14,133), so actions' text is copied into `action_texts` off the ingest path (migration 0016,
 * `actions/action-text-index.ts`) and indexed there.
 */
const TRIGRAM_INDEXES = [
  ['calls_text_trgm_idx', 'calls', sql`calls using gin (${CALL_TEXT} gin_trgm_ops)`],
  ['calls_login_trgm_idx', 'calls', sql`calls using gin (login gin_trgm_ops)`],
  ['action_texts_trgm_idx', 'action_texts', sql`action_texts using gin (text gin_trgm_ops)`],
] as const;

/** Searches with fewer characters than this cannot use a trigram index. */
const TRIGRAM = 3;

/**
 * `action_texts`: an action's searchable text (ACTION_TEXT) under its key, filled by the background
 * indexer; no foreign key, so that dropping a time partition of `actions` is not held up by it (a text
 * whose action is gone matches nothing: searches join it to `actions`). Then its trigram index.
 */
export async function createActionTextIndex(
  db: Kysely<any>,
  inTransaction: boolean,
): Promise<string | undefined> {
  await sql`create table action_texts (
      run_id uuid not null, seq integer not null, at timestamptz not null, text text not null,
      constraint action_texts_pkey primary key (run_id, seq))`.execute(db);
  return createTrigramIndexes(db, inTransaction);
}

/** Indexes the text of the actions in `ranges`; answers how many were indexed. */
export async function indexActionTexts(db: Kysely<any>, ranges: readonly ActionRange[]): Promise<number> {
  const result = await sql`insert into action_texts (run_id, seq, at, text)
    select a.run_id, a.seq, a.at, ${ACTION_TEXT_OF('a')}
    from unnest(${ranges.map((r) => r.runId)}::uuid[], ${ranges.map((r) => r.firstSeq)}::int[],
      ${ranges.map((r) => r.lastSeq)}::int[]) as r(run_id, first_seq, last_seq)
    join actions a on a.run_id = r.run_id and a.seq between r.first_seq and r.last_seq
    on conflict do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * The condition that an action `action_texts` holds contains `text`, or undefined when a scan is the
 * better plan: fewer than 3 characters, or more than ACTION_MATCHES_FOR_SCAN matches in scope by the
 * planner's own estimate of the pattern (from the statistics of `action_texts.text`; planning only,
 * nothing is read). The estimate is asked for apart because PostgreSQL cannot carry it through the
 * join to `actions`: the join on a three-column key is costed as if it kept a handful of rows, so a
 * common text would be planned as a rare one, every match joined and sorted.
 */
export async function indexedActionMatch(
  db: Kysely<any>,
  text: string,
  runId: string | undefined,
): Promise<Expression<SqlBool> | undefined> {
  if ([...text].length < TRIGRAM) return undefined;
  const pattern = containsPattern(text);
  const scope = runId === undefined ? sql`` : sql` and run_id = ${runId}`;
  const plan = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`explain (format json)
    select 1 from action_texts where text ilike ${pattern} escape '\\'${scope}`.execute(db);
  if (plan.rows[0]!['QUERY PLAN'][0].Plan['Plan Rows'] > ACTION_MATCHES_FOR_SCAN) return undefined;
  return sql<SqlBool>`exists (select 1 from action_texts t where t.run_id = actions.run_id and t.seq = actions.seq
    and t.at = actions.at and t.text ilike ${pattern} escape '\\')`;
}

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
  for (const [name, table, on] of TRIGRAM_INDEXES) {
    // Migration 0013 runs this before migration 0016 creates `action_texts`; 0016 runs it again.
    const exists = await sql<{ t: string | null }>`select to_regclass(${table})::text as t`.execute(db);
    if (exists.rows[0]?.t == null) continue;
    await sql`create index if not exists ${sql.raw(name)} on ${on}`.execute(db);
  }
  return undefined;
}
