/**
 * The data set of `npm run bench:query`, generated inside the database (PostgreSQL `generate_series`,
 * SQLite a recursive CTE) into the real schema with its indexes and triggers in place: `n` actions and
 * `n` calls, `n / 10` runs, five organizations (the fifth small), a realistic status mix.
 *
 * Ids are derived from row numbers (`…-4000-8000-<n in hex>` for runs), so that actions can name their
 * run without a lookup. Times are spread over the same year whatever `n`, so that a time window holds
 * ten times the rows at ten times the size.
 */
import { sql } from 'kysely';
import type { Engine } from '../src/storage/engine.js';

export const BASE_MS = Date.UTC(2025, 0, 1);
export const SPAN_MS = 365 * 24 * 3600 * 1000;

/** The run id of row number `n` (`…-8000-…`), as both engines build it. */
export function runId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** The run holding a tenth of all actions. */
export const BIG_RUN = runId(0);

/** How often the rare object of the "find it everywhere" search occurs: every this many actions. */
export const RARE_EVERY = 100_000;

export interface Tenancy {
  /** Five organizations, each with a servicenow and an exchange integration. */
  organizations: string[];
  /** `[servicenow, exchange]` per organization, in the same order. */
  integrations: [string, string][];
}

/** Loads the data set; seconds taken. */
export async function generate(engine: Engine, n: number, tenancy: Tenancy): Promise<number> {
  const started = performance.now();
  const runs = Math.max(1, Math.floor(n / 10));
  if (engine.kind === 'postgres') await generatePostgres(engine, n, runs, tenancy);
  else await generateSqlite(engine, n, runs, tenancy);
  return (performance.now() - started) / 1000;
}

/*
 * Shared expressions, in SQL both engines understand, over a row number `n`:
 * - a run's organization index `o` (0–3 mostly; 4, the small one, for 2 %) and integration (exchange 1 in 20);
 * - a run's status (ERROR 3 %, WARNING 10 %), trigger (manual 4 %), progress (ABORTED 2.5 %);
 * - a call's organization like a run's, action (SSO_FAILED 2 %), request type (LOGOUT 2.5 %), status
 *   (500 1.7 %, 401 7.7 %), login among 50,000 users;
 * - an action's run (a tenth in BIG_RUN, the rest spread), status (ERROR 1 in 30, WARNING 1 in 6).
 */
const ORG = (n: string) => `(case when ${n} % 50 = 0 then 4 else ${n} % 4 end)`;
const RUN_STATUS = (n: string) =>
  `(case when ${n} % 30 = 0 then 'ERROR' when ${n} % 10 = 1 then 'WARNING' else 'OK' end)`;
const TRIGGER = (n: string) =>
  `(case when ${n} % 25 = 2 then 'FULL_SYNC_MANUAL' when ${n} % 3 = 0 then 'FULL_SYNC_JOB' else 'SERVICENOW_CHANGES' end)`;
const PROGRESS = (n: string) => `(case when ${n} % 40 = 5 then 'ABORTED' else 'FINISHED' end)`;
const CALL_ACTION = (n: string) =>
  `(case when ${n} % 50 = 1 then 'SSO_FAILED' when ${n} % 3 = 0 then 'SSO_INITIATED' when ${n} % 3 = 1 then 'SSO_SUCCESSFUL' else 'NA' end)`;
const REQUEST_TYPE = (n: string) =>
  `(case when ${n} % 40 = 3 then 'LOGOUT_APPLICATIONS' else 'AUTHENTICATION_APPLICATIONS' end)`;
const STATUS_CODE = (n: string) =>
  `(case when ${n} % 60 = 7 then 500 when ${n} % 13 = 0 then 401 else 200 end)`;
const ACTION_STATUS = (n: string) =>
  `(case when ${n} % 30 = 0 then 'ERROR' when ${n} % 6 = 0 then 'WARNING' else 'OK' end)`;
const SOURCE_NAME = (n: string) =>
  `(case when ${n} % ${RARE_EVERY} = 17 then 'Quarantined Ledger' else 'Application ' || ${n} || ' (Finance)' end)`;
const MESSAGE = (n: string) =>
  `(case when ${n} % 6 = 0 then 'Field lifecycle.active could not be mapped for object ' || ${n} else null end)`;

async function generatePostgres(engine: Engine, n: number, runs: number, tenancy: Tenancy) {
  // The months of the data set get their partitions first (time partitions, migration 0015), as the
  // housekeeping sweeps of a server that ran through that year would have made them.
  for (let month = 0; month * 30 * 24 * 3600 * 1000 <= SPAN_MS; month += 3) {
    await engine.preparePartitions(new Date(Date.UTC(2025, month, 1)));
  }
  const orgs = sql.val(tenancy.organizations);
  const integrations = sql.val(tenancy.integrations.flat());
  const hex = (e: string) => `lpad(to_hex(${e}), 12, '0')`;
  const at = (e: string, count: number) =>
    sql.raw(`to_timestamp((${BASE_MS} + ${e}::float8 * ${SPAN_MS / count}) / 1000.0)`);
  const db = engine.db;
  // The run of action `n`: a tenth in run 0, the others spread over the rest.
  const actionRun = `(case when n % 10 = 0 or ${runs} = 1 then 0 else 1 + n % ${Math.max(1, runs - 1)} end)`;
  await sql`insert into runs (id, organization_id, integration_id, integration_type, trigger, progress, status,
      requested_at, started_at, finished_at, duration_ms, processed)
    select ('00000000-0000-4000-8000-' || ${sql.raw(hex('n'))})::uuid,
      (${orgs}::uuid[])[${sql.raw(ORG('n'))} + 1],
      (${integrations}::uuid[])[${sql.raw(ORG('n'))} * 2 + (case when n % 20 = 0 then 2 else 1 end)],
      case when n % 20 = 0 then 'exchange' else 'servicenow' end,
      ${sql.raw(TRIGGER('n'))}, ${sql.raw(PROGRESS('n'))}, ${sql.raw(RUN_STATUS('n'))},
      ${at('n', runs)}, ${at('n', runs)}, ${at('n', runs)} + interval '2 minutes', 120000, 10
    from generate_series(0, ${runs - 1}) as n`.execute(db);
  await sql`insert into actions (run_id, seq, at, source_system, source_id, source_name, target_system,
      target_id, target_name, object_type, action, status, message, error_code)
    select ('00000000-0000-4000-8000-' || ${sql.raw(hex(actionRun))})::uuid, n + 1, ${at('n', n)},
      'LeanIX', 'fs-' || n, ${sql.raw(SOURCE_NAME('n'))}, 'ServiceNow', 'sn-' || n,
      'cmdb_ci_business_app ' || n, 'Application',
      (array['CREATE', 'UPDATE', 'DELETE', 'NONE'])[n % 4 + 1], ${sql.raw(ACTION_STATUS('n'))},
      ${sql.raw(MESSAGE('n'))}, case when n % 30 = 0 then 1 else null end
    from generate_series(0, ${n - 1}) as n`.execute(db);
  await sql`insert into calls (id, organization_id, run_id, at, direction, app_from, app_to, action,
      request_type, login, method, url, status_code, duration_ms, request, response)
    select ('00000000-0000-4000-9000-' || ${sql.raw(hex('n'))})::uuid,
      (${orgs}::uuid[])[${sql.raw(ORG('n'))} + 1], null, ${at('n', n)},
      case when n % 2 = 0 then 'OUTGOING' else 'INCOMING' end, 'Synctrail Portal',
      case when n % 3 = 0 then 'OAuth 2.0 Google Apps' else 'NetSuite' end, ${sql.raw(CALL_ACTION('n'))},
      ${sql.raw(REQUEST_TYPE('n'))}, 'user' || (n % 50000) || '@example.com', 'POST',
      'https://idp.example.com/saml/acs?RelayState=' || n, ${sql.raw(STATUS_CODE('n'))}, n % 300,
      '{"headers":{},"body":null}'::jsonb, '{"headers":{},"body":null}'::jsonb
    from generate_series(0, ${n - 1}) as n`.execute(db);
  // What autovacuum does in time: statistics, and the GIN indexes' pending lists merged.
  await sql`vacuum analyze`.execute(db);
}

async function generateSqlite(engine: Engine, n: number, runs: number, tenancy: Tenancy) {
  // `pick` chooses from a list by index: SQLite has no arrays, so a CASE over them.
  const pick = (values: string[], index: string) =>
    `(case ${index} ${values.map((v, i) => `when ${i} then '${v}'`).join(' ')} end)`;
  const orgs = tenancy.organizations;
  const integrations = tenancy.integrations.flat();
  const hex = (e: string) => `printf('%012x', ${e})`;
  const at = (e: string, count: number) => `cast(${BASE_MS} + ${e} * ${SPAN_MS / count} as integer)`;
  const series = (count: number) =>
    `with recursive s(n) as (select 0 union all select n + 1 from s where n + 1 < ${count})`;
  const actionRun = `(case when n % 10 = 0 or ${runs} = 1 then 0 else 1 + n % ${Math.max(1, runs - 1)} end)`;
  // One transaction through the engine: its writes run on the SQLite writer thread.
  const statements: string[] = [];
  statements.push(`${series(runs)}
    insert into runs (id, organization_id, integration_id, integration_type, trigger, progress, status,
      requested_at, started_at, finished_at, duration_ms, processed)
    select '00000000-0000-4000-8000-' || ${hex('n')}, ${pick(orgs, ORG('n'))},
      ${pick(integrations, `(${ORG('n')} * 2 + (case when n % 20 = 0 then 1 else 0 end))`)},
      case when n % 20 = 0 then 'exchange' else 'servicenow' end,
      ${TRIGGER('n')}, ${PROGRESS('n')}, ${RUN_STATUS('n')},
      ${at('n', runs)}, ${at('n', runs)}, ${at('n', runs)} + 120000, 120000, 10
    from s`);
  statements.push(`${series(n)}
    insert into actions (run_id, seq, at, source_system, source_id, source_name, target_system,
      target_id, target_name, object_type, action, status, message, error_code)
    select '00000000-0000-4000-8000-' || ${hex(actionRun)}, n + 1, ${at('n', n)},
      'LeanIX', 'fs-' || n, ${SOURCE_NAME('n')}, 'ServiceNow', 'sn-' || n,
      'cmdb_ci_business_app ' || n, 'Application',
      ${pick(['CREATE', 'UPDATE', 'DELETE', 'NONE'], 'n % 4')}, ${ACTION_STATUS('n')},
      ${MESSAGE('n')}, case when n % 30 = 0 then 1 else null end
    from s`);
  statements.push(`${series(n)}
    insert into calls (id, organization_id, run_id, at, direction, app_from, app_to, action,
      request_type, login, method, url, status_code, duration_ms, request, response)
    select '00000000-0000-4000-9000-' || ${hex('n')}, ${pick(orgs, ORG('n'))}, null, ${at('n', n)},
      case when n % 2 = 0 then 'OUTGOING' else 'INCOMING' end, 'Synctrail Portal',
      case when n % 3 = 0 then 'OAuth 2.0 Google Apps' else 'NetSuite' end, ${CALL_ACTION('n')},
      ${REQUEST_TYPE('n')}, 'user' || (n % 50000) || '@example.com', 'POST',
      'https://idp.example.com/saml/acs?RelayState=' || n, ${STATUS_CODE('n')}, n % 300,
      '{"headers":{},"body":null}', '{"headers":{},"body":null}'
    from s`);
  await engine.transaction(async (tx) => {
    for (const statement of statements) await sql.raw(statement).execute(tx);
  });
  // SQLite gathers no statistics by itself and Synctrail runs no ANALYZE: plans here are the ones a
  // deployment gets.
  await sql.raw('pragma wal_checkpoint(truncate)').execute(engine.db);
}
