import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../engine.js';

/** Run control: leases, cancel requests, and the schedule slots that make scheduling exactly-once. */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema.alterTable('runs').addColumn('lease_owner', 'text').execute();
  await db.schema.alterTable('runs').addColumn('cancel_requested_by', 'text').execute();
  await db.schema.alterTable('runs').addColumn('cancel_requested_at', t.time).execute();
  // Lease and stale-run scans look at pending / live runs only.
  await db.schema
    .createIndex('runs_integration_progress_idx')
    .on('runs')
    .columns(['integration_id', 'progress', 'requested_at', 'id'])
    .execute();
  await db.schema
    .createTable('schedule_slots')
    .addColumn('integration_id', t.id, (c) => c.notNull().references('integrations.id'))
    .addColumn('slot_at', t.time, (c) => c.notNull())
    .addColumn('run_id', t.id)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_slots_pkey', ['integration_id', 'slot_at'])
    .execute();
}
