import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../engine.js';
import { createActionTextIndex } from '../postgres.search.js';
import { createActionFts } from '../sqlite.search.js';

/**
 * A text index for actions that ingest does not pay for (see `actions/action-text-index.ts`): each
 * batch of actions records the seq range it stored in `action_text_pending`, one small row; a
 * background indexer takes those ranges and indexes their text (PostgreSQL: rows of `action_texts`
 * under a pg_trgm GIN index; SQLite: the FTS5 trigram table `actions_fts`, keyed by the action's
 * rowid), and `q=` on actions reads the index for what it covers and scans the few ranges still
 * pending. Every action already stored is queued here, one range per run, for the indexer to fill.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('action_text_pending')
    .addColumn('id', t.serial, (c) => c.primaryKey())
    .addColumn('run_id', t.id, (c) => c.notNull())
    .addColumn('first_seq', 'integer', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('action_text_pending_run_idx')
    .on('action_text_pending')
    .columns(['run_id', 'first_seq'])
    .execute();
  if (t.id === 'uuid') await createActionTextIndex(db, true);
  else await createActionFts(db);
  await sql`insert into action_text_pending (run_id, first_seq, last_seq)
    select run_id, min(seq), max(seq) from actions group by run_id order by min(at)`.execute(db);
}
