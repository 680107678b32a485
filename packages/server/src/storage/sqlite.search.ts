import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { containsPattern } from '../shared/filters.js';
import type { SearchField } from './engine.js';

/*
 * Text search on SQLite: FTS5 tables with the trigram tokenizer (SQLite 3.34 or later; better-sqlite3
 * bundles a newer one), which match any substring of 3 characters or more, case-insensitively. They are
 * contentless (the text lives once, in the table) and kept in step by triggers on the table's rowid.
 * Shorter text falls back to LIKE (ASCII case-insensitive), which scans the rows the other filters leave.
 *
 * The rowid of `calls` is implicit (its key is not INTEGER PRIMARY KEY): VACUUM may renumber it,
 * after which the table must be dropped and created again. Synctrail never vacuums.
 */

/**
 * Indexed text, by table. Actions are not indexed: FTS5 trigram triggers on them made embedded ingest
 * four times slower (`npm run bench:ingest`: 38,033 → 9,936 rows/s), so `q=` on actions compares
 * with LIKE among the rows the run or the time window leaves.
 */
const FTS = {
  calls: ['url', 'login'],
} as const;

/** The text `q=` on actions looks in. */
const ACTION_TEXT = ['message', 'source_name', 'target_name', 'source_id', 'target_id'] as const;

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
