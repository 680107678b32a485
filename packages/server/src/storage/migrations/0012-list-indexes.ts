import type { Kysely } from 'kysely';

/**
 * Every list filter, for operators (no organization) as for organizations, read from an index in
 * the list's keyset order, so that a page is the first rows of one index range, whatever the table's
 * size: calls newest first on `(at, id)` alone (across organizations, and any time window), by action,
 * request type and status code with time, globally and per organization; runs by status, integration
 * type and trigger with request time across organizations; a run's
 * actions by kind.
 *
 * The contains-match filters (`login=`, `q=`) are served by the text indexes of migration 0013.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, lead] of [
    ['calls_at_idx', []],
    ['calls_action_idx', ['action']],
    ['calls_request_type_idx', ['request_type']],
    ['calls_status_code_idx', ['status_code']],
    ['calls_org_request_type_idx', ['organization_id', 'request_type']],
    ['calls_org_status_code_idx', ['organization_id', 'status_code']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('calls')
      .columns([...lead, 'at', 'id'])
      .execute();
  }
  for (const [name, lead] of [
    ['runs_status_idx', ['status']],
    ['runs_type_idx', ['integration_type']],
    ['runs_trigger_idx', ['trigger']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('runs')
      .columns([...lead, 'requested_at', 'id'])
      .execute();
  }
  await db.schema
    .createIndex('actions_action_idx')
    .on('actions')
    .columns(['run_id', 'action', 'seq'])
    .execute();
}
