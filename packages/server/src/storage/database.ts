import type { ColumnType, Generated } from 'kysely';

/**
 * Column types as both engines see them. Times go in as `Date` and come back as `Date` (PostgreSQL)
 * or epoch milliseconds (SQLite); booleans come back as `boolean` or 0/1; JSON goes in as a string and
 * comes back parsed (PostgreSQL) or as a string (SQLite). `row-values.ts` reads all of them back.
 */
export type Time = ColumnType<Date | number, Date, Date>;
export type NullableTime = ColumnType<Date | number | null, Date | null | undefined, Date | null>;
export type Bool = ColumnType<boolean | number, boolean, boolean>;
export type Json = ColumnType<unknown, string, string>;
export type NullableJson = ColumnType<unknown, string | null | undefined, string | null>;

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  sync_enabled: Bool;
  created_at: Time;
}

export interface IntegrationsTable {
  id: string;
  organization_id: string;
  type: string;
  name: string;
  status: string;
  cancellable: Bool;
  partial_sync: Bool;
  schedule: string;
  configuration: Json;
  created_at: Time;
  updated_at: Time;
}

export interface SyncUsersTable {
  id: string;
  organization_id: string;
  external_id: string;
  email: string | null;
  name: string | null;
  sync_enabled: Bool;
  created_at: Time;
  updated_at: Time;
}

export interface RunsTable {
  id: string;
  organization_id: string;
  integration_id: string;
  integration_type: string;
  user_id: string | null;
  name: string | null;
  trigger: string;
  progress: string;
  status: string;
  requested_at: Time;
  started_at: NullableTime;
  finished_at: NullableTime;
  duration_ms: number | null;
  last_heartbeat_at: NullableTime;
  processed: ColumnType<number, number | undefined, number>;
  creates: ColumnType<number, number | undefined, number>;
  updates: ColumnType<number, number | undefined, number>;
  deletes: ColumnType<number, number | undefined, number>;
  warnings: ColumnType<number, number | undefined, number>;
  errors: ColumnType<number, number | undefined, number>;
  objects: ColumnType<number, number | undefined, number>;
  changes: ColumnType<number, number | undefined, number>;
  failures: ColumnType<number, number | undefined, number>;
  conflicts: ColumnType<number, number | undefined, number>;
  issues: ColumnType<number, number | undefined, number>;
  error_source: string | null;
  error_category: string | null;
  exception: string | null;
  object_report: NullableJson;
  requested_by: string | null;
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  cancel_requested_by: ColumnType<string | null, string | null | undefined, string | null>;
  cancel_requested_at: NullableTime;
}

export interface ActionsTable {
  run_id: string;
  seq: number;
  at: Time;
  source_system: string;
  source_id: string | null;
  source_name: string | null;
  target_system: string;
  target_id: string | null;
  target_name: string | null;
  object_type: string | null;
  action: string;
  status: string;
  message: string | null;
  details: NullableJson;
  error_code: number | null;
}

export interface IssuesTable {
  id: string;
  organization_id: string;
  user_id: string;
  object_key: string;
  object_type: string | null;
  object_id: string | null;
  object_name: string | null;
  direction: string;
  operation: string;
  error_code: number;
  error_text: string | null;
  first_seen_at: Time;
  last_seen_at: Time;
  occurrences: number;
  state: string;
  last_run_id: string | null;
  resolved_at: NullableTime;
}

export interface ArtifactsTable {
  id: string;
  organization_id: string;
  run_id: string;
  name: string;
  kind: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  state: string;
  created_at: Time;
  /** When retention removed the content (null: kept); the row and its metadata stay. */
  content_removed_at: NullableTime;
}

export interface ArtifactChunksTable {
  artifact_id: string;
  seq: number;
  data: Uint8Array;
}

export interface CallsTable {
  id: string;
  organization_id: string;
  run_id: string | null;
  at: Time;
  direction: string;
  app_from: string;
  app_to: string;
  action: string;
  request_type: string | null;
  login: string | null;
  method: string;
  url: string;
  status_code: number | null;
  duration_ms: number | null;
  request: Json;
  response: Json;
  /** When retention removed the bodies (null: kept). */
  payload_removed_at: NullableTime;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  at: Time;
  actor: string;
  organization_id: string | null;
  action: string;
  target: string | null;
  source_ip: string | null;
  details: NullableJson;
  prev_hash: string;
  hash: string;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: Time;
}

export interface ScheduleSlotsTable {
  integration_id: string;
  slot_at: Time;
  run_id: string | null;
  created_at: Time;
}

export interface AccountsTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string | null;
  operator: Bool;
  failed_sign_ins: ColumnType<number, number | undefined, number>;
  locked_until: NullableTime;
  last_sign_in_at: NullableTime;
  created_at: Time;
}

export interface MembershipsTable {
  id: string;
  account_id: string;
  organization_id: string;
  role: string;
  created_at: Time;
}

export interface SessionsTable {
  token_hash: string;
  account_id: string;
  csrf_token: string;
  created_at: Time;
  expires_at: Time;
}

export interface ApiKeysTable {
  id: string;
  organization_id: string;
  name: string;
  /** Comma-separated. */
  scopes: string;
  prefix: string;
  token_hash: string;
  created_by: string | null;
  created_at: Time;
  last_used_at: NullableTime;
  revoked_at: NullableTime;
}

export interface MaskingRulesTable {
  id: string;
  organization_id: string;
  name: string;
  /** `field` or `pattern`. */
  kind: string;
  match: string;
  created_at: Time;
  created_by: string | null;
}

export interface LiveEventsTable {
  seq: Generated<number>;
  at: Time;
  organization_id: string;
  /** `run` or `calls`. */
  kind: string;
  run_id: string | null;
  count: number | null;
  latest_at: NullableTime;
}

export interface OrganizationRetentionTable {
  organization_id: string;
  payload_days: number | null;
  days: number | null;
  updated_at: Time;
  updated_by: string;
}

export interface JobLeasesTable {
  name: string;
  holder: string;
  expires_at: Time;
}

/** A seq range of a run's actions whose text is not indexed yet (migration 0016). */
export interface ActionTextPendingTable {
  id: Generated<number>;
  run_id: string;
  first_seq: number;
  last_seq: number;
}

/** PostgreSQL: an action's searchable text, under a pg_trgm GIN index (migration 0016). */
export interface ActionTextsTable {
  run_id: string;
  seq: number;
  at: Time;
  text: string;
}

export interface Database {
  organizations: OrganizationsTable;
  integrations: IntegrationsTable;
  sync_users: SyncUsersTable;
  runs: RunsTable;
  actions: ActionsTable;
  issues: IssuesTable;
  artifacts: ArtifactsTable;
  artifact_chunks: ArtifactChunksTable;
  calls: CallsTable;
  audit_events: AuditEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  schedule_slots: ScheduleSlotsTable;
  accounts: AccountsTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  masking_rules: MaskingRulesTable;
  live_events: LiveEventsTable;
  organization_retention: OrganizationRetentionTable;
  job_leases: JobLeasesTable;
  action_text_pending: ActionTextPendingTable;
  action_texts: ActionTextsTable;
}
