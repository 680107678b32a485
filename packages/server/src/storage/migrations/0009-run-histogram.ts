import type { Kysely } from 'kysely';

/**
 * The histogram of runs reads only request times and statuses: with both in one index, an engine
 * counts a range from the index alone (an index-only scan) instead of reading every run's row. The
 * organization-scoped form is already covered by `runs_org_status_idx`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('runs_requested_status_idx')
    .on('runs')
    .columns(['requested_at', 'status'])
    .execute();
}
