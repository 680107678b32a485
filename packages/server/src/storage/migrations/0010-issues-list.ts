import type { Kysely } from 'kysely';

/**
 * `GET /api/v1/issues` is keyset paged on `(last_seen_at, id)`, newest first: everyone's issues (an
 * operator) and an organization's (a member, an API key, `organizationId=`) each read one of these in
 * order and stop after a page. A user's list already has `issues_user_idx`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('issues_seen_idx').on('issues').columns(['last_seen_at', 'id']).execute();
  await db.schema
    .createIndex('issues_org_seen_idx')
    .on('issues')
    .columns(['organization_id', 'last_seen_at', 'id'])
    .execute();
}
