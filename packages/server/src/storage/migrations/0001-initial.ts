import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../engine.js';

/** The first schema: every entity of the domain, with the indexes the list endpoints page by. */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('sync_enabled', t.bool, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('organizations_name_idx').on('organizations').columns(['name', 'id']).execute();

  await db.schema
    .createTable('integrations')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('organization_id', t.id, (c) => c.notNull().references('organizations.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cancellable', t.bool, (c) => c.notNull())
    .addColumn('partial_sync', t.bool, (c) => c.notNull())
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('configuration', t.json, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('integrations_org_idx')
    .on('integrations')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('sync_users')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('organization_id', t.id, (c) => c.notNull().references('organizations.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('sync_enabled', t.bool, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('sync_users_external_id_key', ['organization_id', 'external_id'])
    .execute();
  await db.schema
    .createIndex('sync_users_org_idx')
    .on('sync_users')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('organization_id', t.id, (c) => c.notNull().references('organizations.id'))
    .addColumn('integration_id', t.id, (c) => c.notNull().references('integrations.id'))
    .addColumn('integration_type', 'text', (c) => c.notNull())
    .addColumn('user_id', t.id, (c) => c.references('sync_users.id'))
    .addColumn('name', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('progress', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_at', t.time, (c) => c.notNull())
    .addColumn('started_at', t.time)
    .addColumn('finished_at', t.time)
    .addColumn('duration_ms', 'bigint')
    .addColumn('last_heartbeat_at', t.time)
    .addColumn('processed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('creates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deletes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('warnings', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('objects', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('changes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('conflicts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('issues', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_source', 'text')
    .addColumn('error_category', 'text')
    .addColumn('exception', 'text')
    .addColumn('object_report', t.json)
    .addColumn('requested_by', 'text')
    .execute();
  // Keyset paging: every list of runs is ordered by (requested_at, id) under its leading filter.
  for (const [name, lead] of [
    ['runs_requested_idx', []],
    ['runs_org_idx', ['organization_id']],
    ['runs_integration_idx', ['integration_id']],
    ['runs_user_idx', ['user_id']],
    ['runs_org_status_idx', ['organization_id', 'status']],
    ['runs_org_type_idx', ['organization_id', 'integration_type']],
    ['runs_progress_idx', ['progress']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('runs')
      .columns([...lead, 'requested_at', 'id'])
      .execute();
  }

  await db.schema
    .createTable('actions')
    .addColumn('run_id', t.id, (c) => c.notNull().references('runs.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('source_system', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('source_name', 'text')
    .addColumn('target_system', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('target_name', 'text')
    .addColumn('object_type', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('details', t.json)
    .addColumn('error_code', 'integer')
    .addPrimaryKeyConstraint('actions_pkey', ['run_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('actions_status_idx')
    .on('actions')
    .columns(['run_id', 'status', 'seq'])
    .execute();

  await db.schema
    .createTable('issues')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('organization_id', t.id, (c) => c.notNull().references('organizations.id'))
    .addColumn('user_id', t.id, (c) => c.notNull().references('sync_users.id'))
    .addColumn('object_key', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text')
    .addColumn('object_id', 'text')
    .addColumn('object_name', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('error_code', 'integer', (c) => c.notNull())
    .addColumn('error_text', 'text')
    .addColumn('first_seen_at', t.time, (c) => c.notNull())
    .addColumn('last_seen_at', t.time, (c) => c.notNull())
    .addColumn('occurrences', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('last_run_id', t.id)
    .addColumn('resolved_at', t.time)
    .execute();
  await db.schema
    .createIndex('issues_user_idx')
    .on('issues')
    .columns(['user_id', 'last_seen_at', 'id'])
    .execute();
  await db.schema
    .createIndex('issues_object_idx')
    .on('issues')
    .columns(['user_id', 'object_key', 'state'])
    .execute();

  await db.schema
    .createTable('artifacts')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('organization_id', t.id, (c) => c.notNull().references('organizations.id'))
    .addColumn('run_id', t.id, (c) => c.notNull().references('runs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('artifacts_run_idx')
    .on('artifacts')
    .columns(['run_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('artifact_chunks')
    .addColumn('artifact_id', t.id, (c) => c.notNull().references('artifacts.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', t.bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('artifact_chunks_pkey', ['artifact_id', 'seq'])
    .execute();

  await db.schema
    .createTable('calls')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('organization_id', t.id, (c) => c.notNull().references('organizations.id'))
    .addColumn('run_id', t.id)
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('app_from', 'text', (c) => c.notNull())
    .addColumn('app_to', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('request_type', 'text')
    .addColumn('login', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('duration_ms', 'integer')
    .addColumn('request', t.json, (c) => c.notNull())
    .addColumn('response', t.json, (c) => c.notNull())
    .execute();
  for (const [name, lead] of [
    ['calls_org_idx', ['organization_id']],
    ['calls_org_action_idx', ['organization_id', 'action']],
    ['calls_org_login_idx', ['organization_id', 'login']],
    ['calls_run_idx', ['run_id']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('calls')
      .columns([...lead, 'at', 'id'])
      .execute();
  }

  await db.schema
    .createTable('audit_events')
    .addColumn('seq', t.serial, (c) => c.primaryKey())
    .addColumn('id', t.id, (c) => c.notNull().unique())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('organization_id', t.id)
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('source_ip', 'text')
    .addColumn('details', t.json)
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_org_idx')
    .on('audit_events')
    .columns(['organization_id', 'seq'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['scope', 'key'])
    .execute();
}
