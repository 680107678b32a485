import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../engine.js';

/**
 * Tiered retention: when a call's bodies and a log file's content were removed (`payload_removed_at`,
 * `content_removed_at`; the rows stay), per-organization overrides of the deployment's policy, and
 * leases so that one process at a time runs a retention pass. Partial indexes find what is still to
 * remove without walking what was removed already; `issues_last_run_idx` finds the issues that point
 * at a run retention removes.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema.alterTable('calls').addColumn('payload_removed_at', t.time).execute();
  await db.schema
    .createIndex('calls_payload_kept_idx')
    .on('calls')
    .columns(['organization_id', 'at'])
    .where(sql.ref('payload_removed_at'), 'is', null)
    .execute();
  await db.schema.alterTable('artifacts').addColumn('content_removed_at', t.time).execute();
  await db.schema
    .createIndex('artifacts_content_kept_idx')
    .on('artifacts')
    .columns(['organization_id', 'created_at'])
    .where(sql.ref('content_removed_at'), 'is', null)
    .execute();
  await db.schema.createIndex('issues_last_run_idx').on('issues').column('last_run_id').execute();
  await db.schema
    .createTable('organization_retention')
    .addColumn('organization_id', t.id, (c) => c.primaryKey().references('organizations.id'))
    .addColumn('payload_days', 'integer')
    .addColumn('days', 'integer')
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .execute();
}
