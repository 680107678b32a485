import { sql, type Kysely } from 'kysely';

/**
 * A sync user's timeline (`GET /users/{id}/timeline`) reads each of its streams newest first and stops
 * after a page: the issues a user opened by `first_seen_at` and resolved by `resolved_at`, and the
 * calls of an organization whose login is the user's email or external id, compared case-insensitively
 * through `lower(login)` (an expression index: each engine uses it for exactly that expression).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('issues_user_first_seen_idx')
    .on('issues')
    .columns(['user_id', 'first_seen_at', 'id'])
    .execute();
  await db.schema
    .createIndex('issues_user_resolved_idx')
    .on('issues')
    .columns(['user_id', 'resolved_at', 'id'])
    .execute();
  await sql`create index calls_org_login_lower_idx on calls (organization_id, lower(login), at, id)`.execute(
    db,
  );
}
