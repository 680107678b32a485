import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../engine.js';
import { createTrigramIndexes } from '../postgres.search.js';
import { createFtsTables } from '../sqlite.search.js';

/**
 * Text search that scales (`q=` on actions and calls, `login=`): on PostgreSQL pg_trgm GIN indexes
 * over an action's message, names and ids and over a call's URL and login; on SQLite FTS5 trigram
 * tables filled from the rows already stored and kept in step by triggers. Where PostgreSQL refuses
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
