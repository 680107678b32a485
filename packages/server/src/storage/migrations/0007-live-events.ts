import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../engine.js';

/**
 * The live event log behind `GET /api/v1/events`: one row per change of a run or batch of calls,
 * written in the transaction of the change, read by every server process's poller in `seq` order
 * (the primary key), pruned after an hour by housekeeping (`at`).
 *
 * On SQLite the key is AUTOINCREMENT so that a number is never handed out twice, even after the
 * newest rows were deleted: a client's `Last-Event-ID` must never name another event.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('live_events')
    .addColumn('seq', t.serial, (c) =>
      t.serial === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('organization_id', t.id, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('run_id', t.id)
    .addColumn('count', 'integer')
    .addColumn('latest_at', t.time)
    .execute();
  await db.schema.createIndex('live_events_at_idx').on('live_events').column('at').execute();
}
