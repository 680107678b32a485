/**
 * `npm run bench:partitions`: how long migration 0015 (time partitions on PostgreSQL) takes on a
 * database that already holds rows, per million rows, beside a baseline measured in the same run on the
 * same rows: rewriting both tables unpartitioned with the same indexes (`create table … as select`,
 * then every index), which is the least any migration that moves every row must do.
 *
 * - Loads BENCH_ROWS actions and as many calls (default 1,000,000 each; a tenth as many runs, five
 *   organizations, spread over the past year) into the schema as migration 0014 left it, indexes and
 *   text indexes in place, with `generate_series`, then ANALYZE.
 * - Times the baseline, then `migrateToLatest` (0015 and the partitions of the months ahead), and
 *   checks that every row is still there.
 *
 * Environment: BENCH_ROWS, BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_DB_PREFIX.
 */
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { openEngine } from '../src/storage/open-engine.js';
import { migrateToLatest, migrateUpTo } from '../src/storage/migrator.js';
import { indexDefinitions } from '../src/storage/postgres.partitions.js';
import { createPgDatabase } from './bench-database.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Math.max(1, Math.floor(ROWS / 10));
const ORGS = 5;

async function load(db: Kysely<any>): Promise<void> {
  await sql`
    insert into organizations (id, name, slug, sync_enabled, created_at)
    select md5('org' || o)::uuid, 'Org ' || o, 'org-' || o, true, now() from generate_series(0, ${ORGS - 1}) o`.execute(
    db,
  );
  await sql`
    insert into integrations (id, organization_id, type, name, status, cancellable, partial_sync, schedule,
      configuration, created_at, updated_at)
    select md5('int' || o)::uuid, md5('org' || o)::uuid, 'exchange', 'Exchange', 'ACTIVE', true, false,
      '0 3 * * *', '{}', now(), now() from generate_series(0, ${ORGS - 1}) o`.execute(db);
  await sql`
    insert into runs (id, organization_id, integration_id, integration_type, trigger, progress, status,
      requested_at, started_at, finished_at)
    select md5('run' || r)::uuid, md5('org' || (r % ${ORGS}))::uuid, md5('int' || (r % ${ORGS}))::uuid,
      'exchange', 'FULL_SYNC_JOB', 'FINISHED', case when r % 30 = 0 then 'ERROR' else 'OK' end,
      now() - (r::float8 / ${RUNS}) * interval '365 days', now() - (r::float8 / ${RUNS}) * interval '365 days',
      now() - (r::float8 / ${RUNS}) * interval '365 days' + interval '5 minutes'
    from generate_series(0, ${RUNS - 1}) r`.execute(db);
  await sql`
    insert into actions (run_id, seq, at, source_system, source_id, source_name, target_system, target_id,
      target_name, object_type, action, status, message, details, error_code)
    select md5('run' || (g % ${RUNS}))::uuid, g / ${RUNS} + 1,
      now() - ((g % ${RUNS})::float8 / ${RUNS}) * interval '365 days' + (g / ${RUNS}) * interval '1 second',
      'LeanIX', 'fs-' || g, 'Application ' || g || ' (Finance)', 'ServiceNow', 'sn-' || g,
      'cmdb_ci_business_app ' || g, 'Application', (array['CREATE', 'UPDATE', 'DELETE', 'NONE'])[g % 4 + 1],
      case when g % 6 = 0 then 'ERROR' when g % 6 = 1 then 'WARNING' else 'OK' end,
      case when g % 6 < 2 then 'Field lifecycle.active could not be mapped for object ' || g end,
      '{"changed":["description","owner"],"before":{"owner":"ada"},"after":{"owner":"bob"}}'::jsonb,
      case when g % 6 = 0 then 1 end
    from generate_series(0, ${ROWS - 1}) g`.execute(db);
  await sql`
    insert into calls (id, organization_id, run_id, at, direction, app_from, app_to, action, request_type,
      login, method, url, status_code, duration_ms, request, response)
    select gen_random_uuid(), md5('org' || (g % ${ORGS}))::uuid,
      case when g % 10 = 0 then md5('run' || (g % ${RUNS}))::uuid end,
      now() - (g::float8 / ${ROWS}) * interval '365 days',
      case when g % 2 = 0 then 'OUTGOING' else 'INCOMING' end, 'Portal', 'IdP',
      (array['SSO_INITIATED', 'SSO_SUCCESSFUL', 'SSO_SUCCESSFUL', 'NA', 'SSO_FAILED'])[g % 5 + 1],
      'AUTHENTICATION_APPLICATIONS', 'user' || (g % 900) || '@example.com', 'POST',
      'https://idp.example.com/saml/acs?n=' || g, case when g % 60 = 7 then 500 else 200 end, g % 300,
      '{"headers":{"content-type":"application/x-www-form-urlencoded"},"body":"SAMLRequest=PHNhbWxwOkF1dGhuUmVxdWVzdC8-"}'::jsonb,
      '{"headers":{"content-type":"text/html"},"body":null}'::jsonb
    from generate_series(0, ${ROWS - 1}) g`.execute(db);
  await sql`analyze`.execute(db);
}

/** The baseline: both tables rewritten unpartitioned, then every one of their indexes built. */
async function rewrite(db: Kysely<any>): Promise<void> {
  for (const table of ['actions', 'calls']) {
    const copy = `${table}_rewrite`;
    const indexes = await indexDefinitions(db, table);
    await sql`create table ${sql.table(copy)} as select * from ${sql.table(table)}`.execute(db);
    for (const index of indexes) {
      const definition = index.definition
        .replace(/^CREATE (UNIQUE )?INDEX (\S+) ON (ONLY )?\S+ /, `CREATE $1INDEX $2_rewrite ON ${copy} `)
        .trim();
      await sql.raw(definition).execute(db);
    }
    await sql`drop table ${sql.table(copy)}`.execute(db);
  }
}

async function counts(db: Kysely<any>) {
  const result = await sql<{ actions: number; calls: number }>`
    select (select count(*) from actions)::int as actions, (select count(*) from calls)::int as calls`.execute(
    db,
  );
  return result.rows[0]!;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

const database = await createPgDatabase();
const engine = openEngine({ databaseUrl: database.url, dataDir: '.' });
try {
  await migrateUpTo(engine, '0014-retention');
  console.log(`partition migration benchmark: ${ROWS.toLocaleString('en')} actions and as many calls`);
  let started = performance.now();
  await load(engine.db);
  console.log(`loaded into the pre-0015 schema in ${seconds(performance.now() - started)} s`);
  const before = await counts(engine.db);

  started = performance.now();
  await rewrite(engine.db);
  const baseline = performance.now() - started;

  started = performance.now();
  const applied = await migrateToLatest(engine);
  const migration = performance.now() - started;
  const after = await counts(engine.db);
  if (after.actions !== before.actions || after.calls !== before.calls) {
    throw new Error(`rows lost: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
  }
  const partitions = await sql<{ n: number }>`
    select count(*)::int as n from pg_inherits where inhparent in ('actions'::regclass, 'calls'::regclass)`.execute(
    engine.db,
  );
  const millions = (before.actions + before.calls) / 1e6;
  console.log(
    `migration ${applied.join(', ')}: ${seconds(migration)} s for ${millions.toFixed(1)}M rows ` +
      `(${(migration / 1000 / millions).toFixed(1)} s per million rows), ${partitions.rows[0]!.n} partitions; ` +
      `every row kept (${before.actions.toLocaleString('en')} actions, ${before.calls.toLocaleString('en')} calls)`,
  );
  console.log(
    `baseline (both tables rewritten unpartitioned with the same indexes): ${seconds(baseline)} s ` +
      `(${(baseline / 1000 / millions).toFixed(1)} s per million rows); ratio migration / baseline ${(migration / baseline).toFixed(2)}`,
  );
} finally {
  await engine.close();
  await database.drop();
}
