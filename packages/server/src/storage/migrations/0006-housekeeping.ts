import type { Kysely } from 'kysely';

/** Indexes that let housekeeping find expired rows without scanning. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('idempotency_keys_created_idx')
    .on('idempotency_keys')
    .column('created_at')
    .execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();
  await db.schema
    .createIndex('artifacts_state_idx')
    .on('artifacts')
    .columns(['state', 'created_at'])
    .execute();
}
