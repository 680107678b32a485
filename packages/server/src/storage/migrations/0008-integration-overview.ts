import type { Kysely } from 'kysely';

/** `GET /api/v1/integrations` pages by organization, then name: an index in that order. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('integrations_org_name_idx')
    .on('integrations')
    .columns(['organization_id', 'name', 'id'])
    .execute();
}
