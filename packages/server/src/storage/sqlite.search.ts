import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { containsPattern } from '../shared/filters.js';
import { ACTION_MATCHES_FOR_SCAN, type ActionRange, type SearchField } from './engine.js';

/*
 * Text search on SQLite: FTS5 tables with the trigram tokenizer (SQLite 3.34 or later; better-sqlite3
 * bundles a newer one), which match any substring of 3 characters or more, case-insensitively. They are
 * contentless (the text lives once, in the table) and kept in step by triggers on the table's rowid.
 * Shorter text falls back to LIKE (ASCII case-insensitive), which scans the rows the other filters leave.
 *
 * The rowids of `calls` and `actions` are implicit (their keys are not INTEGER PRIMARY KEY): VACUUM may renumber them,
 * after which the FTS tables must be dropped and created again. Synctrail never vacuums.
 */

/**
 * Indexed text, by table, kept in step by triggers. Actions are not among them: FTS5 trigram
 * triggers on them made embedded ingest four times slower (`npm run bench:ingest`: 38,033 → 9,936
 * rows/s). Their text goes into `actions_fts` off the ingest path instead (migration 0016,
 * `actions/action-text-index.ts`).
 */
const FTS = {
  calls: ['url', 'login'],
} as const;

/** The text `q=` on actions looks in. */
const ACTION_TEXT = ['message', 'source_name', 'target_name', 'source_id', 'target_id'] as const;

/**
 * An action's text as `actions_fts` indexes it: the fields of ACTION_TEXT in one string, separated by
 * a control character no search text holds, so that a match never spans two fields.
 */
const ACTION_TEXT_JOINED = ACTION_TEXT.map((c) => `coalesce(${c}, '')`).join(` || char(31) || `);

/** Searches with fewer characters than this cannot use a trigram index. */
export const TRIGRAM = 3;

/** Creates the FTS5 tables, fills them from the rows already stored, and adds the triggers. */
export async function createFtsTables(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(FTS)) {
    const list = columns.join(', ');
    const values = (row: 'new' | 'old') => columns.map((c) => `${row}.${c}`).join(', ');
    const statements = [
      `create virtual table ${table}_fts using fts5(${list}, content='', contentless_delete=1, tokenize='trigram')`,
      `insert into ${table}_fts (rowid, ${list}) select rowid, ${list} from ${table}`,
      `create trigger ${table}_fts_insert after insert on ${table} begin
         insert into ${table}_fts (rowid, ${list}) values (new.rowid, ${values('new')});
       end`,
      `create trigger ${table}_fts_delete after delete on ${table} begin
         delete from ${table}_fts where rowid = old.rowid;
       end`,
      `create trigger ${table}_fts_update after update of ${list} on ${table} begin
         delete from ${table}_fts where rowid = old.rowid;
         insert into ${table}_fts (rowid, ${list}) values (new.rowid, ${values('new')});
       end`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  }
}

/**
 * The FTS5 table of actions' text (contentless, rowid = the action's rowid) and the trigger that
 * takes a deleted action out of it; the background indexer fills it.
 */
export async function createActionFts(db: Kysely<any>): Promise<void> {
  await sql`create virtual table actions_fts using fts5(text, content='', contentless_delete=1, tokenize='trigram')`.execute(
    db,
  );
  await sql`create trigger actions_fts_delete after delete on actions begin
      delete from actions_fts where rowid = old.rowid;
    end`.execute(db);
}

/** Indexes the text of the actions in `ranges`; answers how many were indexed. */
export async function indexActionTexts(db: Kysely<any>, ranges: readonly ActionRange[]): Promise<number> {
  const within = sql.join(
    ranges.map((r) => sql`(run_id = ${r.runId} and seq between ${r.firstSeq} and ${r.lastSeq})`),
    sql` or `,
  );
  const result = await sql`insert into actions_fts (rowid, text)
    select rowid, ${sql.raw(ACTION_TEXT_JOINED)} from actions where ${within}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * The condition that an action `actions_fts` holds contains `text`, or undefined when a scan is the
 * better plan: text too short for trigrams, or more than ACTION_MATCHES_FOR_SCAN matches in scope.
 * Within a run the index is read between the rowids of the run's first and last action only (a
 * run's actions are appended in seq order, so their rowids grow with seq).
 */
export async function indexedActionMatch(
  db: Kysely<any>,
  text: string,
  runId: string | undefined,
): Promise<Expression<SqlBool> | undefined> {
  if ([...text].length < TRIGRAM) return undefined;
  let range = sql``;
  if (runId !== undefined) {
    const ends = await sql<{ first: number | null; last: number | null }>`select
        (select rowid from actions where run_id = ${runId} order by seq limit 1) as first,
        (select rowid from actions where run_id = ${runId} order by seq desc limit 1) as last`.execute(db);
    const { first, last } = ends.rows[0]!;
    if (first === null || last === null) return sql<SqlBool>`0`;
    range = sql` and rowid between ${first} and ${last}`;
  }
  const query = phrase(undefined, text);
  const probe = await sql<{ n: number }>`select count(*) as n from (select rowid from actions_fts
      where actions_fts match ${query}${range} limit ${ACTION_MATCHES_FOR_SCAN + 1})`.execute(db);
  if (probe.rows[0]!.n > ACTION_MATCHES_FOR_SCAN) return undefined;
  return sql<SqlBool>`${sql.ref('actions.rowid')} in (select rowid from actions_fts where actions_fts match ${query}${range})`;
}

/** An FTS5 phrase query for `text` in the given columns (double quotes doubled, as FTS5 escapes them). */
function phrase(columns: readonly string[] | undefined, text: string): string {
  const quoted = `"${text.replace(/"/g, '""')}"`;
  return columns ? `{${columns.join(' ')}} : ${quoted}` : quoted;
}

function likeAny(columns: readonly string[], text: string): Expression<SqlBool> {
  const pattern = containsPattern(text);
  return sql<SqlBool>`(${sql.join(
    columns.map((c) => sql`${sql.ref(c)} like ${pattern} escape '\\'`),
    sql` or `,
  )})`;
}

/** The condition that a field contains `text`, case-insensitively. */
export function ftsMatch(field: SearchField, text: string): Expression<SqlBool> {
  if (field === 'actions') return likeAny(ACTION_TEXT, text);
  const columns = field === 'calls.login' ? ['login'] : FTS.calls;
  // Characters, not UTF-16 units: the tokenizer counts code points.
  if ([...text].length < TRIGRAM) return likeAny(columns, text);
  const query = phrase(field === 'calls.login' ? columns : undefined, text);
  return sql<SqlBool>`${sql.ref('calls.rowid')} in (select rowid from calls_fts where calls_fts match ${query})`;
}
