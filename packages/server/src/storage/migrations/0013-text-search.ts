import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../engine.js';
import { createTrigramIndexes } from '../postgres.search.js';
import { createFtsTables } from '../sqlite.search.js';

/**
 * Text search that scales for calls (`q=` on the URL and login, `login=`): on PostgreSQL pg_trgm GIN
 * indexes over a call's URL and login; on SQLite an FTS5 trigram table filled from the rows already
 * stored and kept in step by triggers. Actions are not indexed for text here: kept in step, it made
 * their ingest 3–4 times slower (migration 0016 indexes them off the ingest path). Where PostgreSQL refuses
 * the extension the migration goes on without the indexes, and the server says so at every start
 * (see `Engine.prepareSearch`), building them once the extension is there.
 *
 * Also `(at, run_id, seq)` on actions: `GET /api/v1/actions` pages across runs newest first.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  if (t.id === 'uuid') await createTrigramIndexes(db, true);
  else await createFtsTables(db);
  await db.schema.createIndex('actions_at_idx').on('actions').columns(['at', 'run_id', 'seq']).execute();
}
