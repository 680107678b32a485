import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../engine.js';

const GENESIS_HASH = '0'.repeat(64);

/**
 * The audit log's chain head and its guards.
 *
 * `audit_head` is one row holding the last appended seq and hash: every append updates it first, so
 * its row lock (PostgreSQL) or the write lock (SQLite) serializes appends across processes, and it
 * anchors the end of the chain (a deleted or forged tail is caught by `synctrail audit verify`).
 * Triggers refuse UPDATE and DELETE (and TRUNCATE) on `audit_events`: the log is append-only and no
 * retention ever deletes it.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addCheckConstraint('audit_head_single_row', sql`id = 1`)
    .execute();
  // Anchored at the current end of the log (empty on a new installation).
  await sql`
    insert into audit_head (id, seq, hash) values (
      1,
      coalesce((select max(seq) from audit_events), 0),
      coalesce((select hash from audit_events order by seq desc limit 1), ${GENESIS_HASH})
    )`.execute(db);

  await db.schema.createIndex('audit_actor_idx').on('audit_events').columns(['actor', 'seq']).execute();
  await db.schema.createIndex('audit_action_idx').on('audit_events').columns(['action', 'seq']).execute();
  await db.schema.createIndex('audit_at_idx').on('audit_events').column('at').execute();

  if (t.id === 'uuid') {
    await sql`
      create function synctrail_audit_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'the audit log is append-only: % on % is not allowed', tg_op, tg_table_name;
      end
      $$`.execute(db);
    await sql`create trigger audit_events_append_only before update or delete on audit_events
      for each row execute function synctrail_audit_append_only()`.execute(db);
    await sql`create trigger audit_events_no_truncate before truncate on audit_events
      for each statement execute function synctrail_audit_append_only()`.execute(db);
    await sql`create trigger audit_head_no_delete before delete on audit_head
      for each row execute function synctrail_audit_append_only()`.execute(db);
    await sql`create trigger audit_head_no_truncate before truncate on audit_head
      for each statement execute function synctrail_audit_append_only()`.execute(db);
  } else {
    for (const [name, event, table] of [
      ['audit_events_no_update', 'update', 'audit_events'],
      ['audit_events_no_delete', 'delete', 'audit_events'],
      ['audit_head_no_delete', 'delete', 'audit_head'],
    ] as const) {
      await sql`create trigger ${sql.raw(name)} before ${sql.raw(event)} on ${sql.raw(table)}
        begin select raise(abort, ${sql.raw(`'the audit log is append-only: ${event.toUpperCase()} on ${table} is not allowed'`)}); end`.execute(
        db,
      );
    }
  }
}
