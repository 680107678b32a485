import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { buildApp } from '../src/http/app.js';
import { openEngine } from '../src/storage/open-engine.js';
import { migrateToLatest, migrateUpTo } from '../src/storage/migrator.js';
import type { Engine } from '../src/storage/engine.js';
import { ENGINES, OPERATOR_TOKEN, createTestDatabase, type TestDatabase } from './harness.js';

/*
 * Time partitions on PostgreSQL (migration 0015, Engine.preparePartitions). SQLite has none: these
 * suites run where PostgreSQL is among the engines tested.
 */

const ORG = randomUUID();
const INTEGRATION = randomUUID();
const RUN = randomUUID();

/** An organization, an integration and a run, written as the schema of any version has them. */
async function seedOwners(db: Kysely<any>) {
  const now = new Date();
  await db
    .insertInto('organizations')
    .values({ id: ORG, name: 'Partitioned', slug: `p-${ORG}`, sync_enabled: true, created_at: now })
    .execute();
  await db
    .insertInto('integrations')
    .values({
      id: INTEGRATION,
      organization_id: ORG,
      type: 'exchange',
      name: 'Exchange',
      status: 'ACTIVE',
      cancellable: true,
      partial_sync: false,
      schedule: '0 3 * * *',
      configuration: '{}',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('runs')
    .values({
      id: RUN,
      organization_id: ORG,
      integration_id: INTEGRATION,
      integration_type: 'exchange',
      trigger: 'FULL_SYNC_JOB',
      progress: 'FINISHED',
      status: 'WARNING',
      requested_at: now,
    })
    .execute();
}

/** `count` actions of RUN (seq from `firstSeq`) and as many calls, at the given times in turn. */
async function insertRows(db: Kysely<any>, times: readonly Date[], count: number, firstSeq = 1) {
  const actions = Array.from({ length: count }, (_, i) => ({
    run_id: RUN,
    seq: firstSeq + i,
    at: times[i % times.length]!,
    source_system: 'EXCHANGE',
    source_id: `ex-${i}`,
    source_name: `Meeting ${i} «ü»`,
    target_system: 'SALESFORCE',
    target_id: i % 3 ? `sf-${i}` : null,
    target_name: null,
    object_type: 'Appointment',
    action: i % 2 ? 'UPDATE' : 'CREATE',
    status: i % 7 ? 'OK' : 'WARNING',
    message: i % 7 ? null : `field ${i} could not be mapped\ttab\nline`,
    details: i % 5 ? null : JSON.stringify({ diff: { subject: [`old ${i}`, `new ${i}`] } }),
    error_code: i % 7 ? null : 2,
  }));
  const calls = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    organization_id: ORG,
    run_id: i % 2 ? RUN : null,
    at: times[(i + 1) % times.length]!,
    direction: i % 2 ? 'INCOMING' : 'OUTGOING',
    app_from: 'Portal',
    app_to: 'IdP',
    action: 'SSO_SUCCESSFUL',
    request_type: 'AUTHENTICATION_APPLICATIONS',
    login: `user${i}@example.com`,
    method: 'POST',
    url: `https://idp.example.com/sso?n=${i}`,
    status_code: 200,
    duration_ms: i,
    request: JSON.stringify({ headers: { 'content-type': 'text/plain' }, body: `request ${i}` }),
    response: JSON.stringify({ headers: {}, body: null }),
  }));
  for (let i = 0; i < count; i += 500) {
    await db
      .insertInto('actions')
      .values(actions.slice(i, i + 500))
      .execute();
    await db
      .insertInto('calls')
      .values(calls.slice(i, i + 500))
      .execute();
  }
}

/** Every row of both tables, whole, in key order (as JSON text, so that any difference shows). */
async function snapshot(db: Kysely<any>) {
  const actions = await sql<{
    row: string;
  }>`select to_jsonb(a)::text as row from actions a order by run_id, seq`.execute(db);
  const calls = await sql<{ row: string }>`select to_jsonb(c)::text as row from calls c order by id`.execute(
    db,
  );
  return { actions: actions.rows.map((r) => r.row), calls: calls.rows.map((r) => r.row) };
}

/** How many rows of `table` each of its partitions holds. */
async function rowsByPartition(db: Kysely<any>, table: 'actions' | 'calls') {
  const result = await sql<{ partition: string; rows: number }>`
    select tableoid::regclass::text as partition, count(*)::int as rows from ${sql.table(table)}
    group by 1 order by 1`.execute(db);
  return Object.fromEntries(result.rows.map((r) => [r.partition, r.rows]));
}

/** The partitions of `table`, by name. */
async function partitionsOf(db: Kysely<any>, table: 'actions' | 'calls') {
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${sql.lit(table)}::regclass order by 1`.execute(db);
  return result.rows.map((r) => r.name);
}

const at = (iso: string) => new Date(iso);

describe.runIf(ENGINES.includes('postgres'))('time partitions on PostgreSQL', () => {
  describe('migration 0015 on a database that already holds rows', () => {
    let database: TestDatabase;
    let engine: Engine;
    let before: Awaited<ReturnType<typeof snapshot>>;
    // Three months of the past (one at a month's first instant, one at its last millisecond), and a
    // time far ahead that no partition covers.
    const times = [
      at('2025-01-01T00:00:00.000Z'),
      at('2025-01-31T23:59:59.999Z'),
      at('2025-03-15T12:00:00.000Z'),
      at('2031-07-04T08:00:00.000Z'),
    ];

    beforeAll(async () => {
      database = await createTestDatabase('postgres');
      engine = openEngine(database.config);
      await migrateUpTo(engine, '0014-retention');
      await seedOwners(engine.db);
      await insertRows(engine.db, times, 2_000);
      before = await snapshot(engine.db);
      // And 0016, which queues every action for the text indexer (the rows stay as they are).
      expect(await migrateToLatest(engine)).toEqual(['0015-time-partitions', '0016-action-text-index']);
    }, 120_000);

    afterAll(async () => {
      await engine?.close();
      await database?.drop();
    });

    it('keeps every row, whole', async () => {
      const after = await snapshot(engine.db);
      expect(after.actions).toHaveLength(2_000);
      expect(after.calls).toHaveLength(2_000);
      expect(after).toEqual(before);
    });

    it('puts each row in its month partition, and a row no month covers in the default one', async () => {
      expect(await rowsByPartition(engine.db, 'actions')).toEqual({
        actions_p202501: 1_000,
        actions_p202503: 500,
        actions_default: 500,
      });
      const partitions = await partitionsOf(engine.db, 'calls');
      expect(partitions).toEqual(expect.arrayContaining(['calls_p202501', 'calls_p202503', 'calls_default']));
      // No partition for the empty month between, nor for the far one.
      expect(partitions).not.toContain('calls_p202502');
      expect(partitions).not.toContain('calls_p203107');
    });

    it('keeps every index and key under its old name, each partition with its suffix', async () => {
      const indexes = await sql<{ name: string; definition: string }>`
        select indexname as name, indexdef as definition from pg_indexes
        where tablename in ('calls', 'calls_p202501', 'actions', 'actions_default') order by 1`.execute(
        engine.db,
      );
      const names = indexes.rows.map((r) => r.name);
      for (const name of ['calls_pkey', 'calls_at_idx', 'calls_org_login_lower_idx', 'calls_text_trgm_idx']) {
        expect(names).toContain(name);
        expect(names).toContain(`${name}_p202501`);
      }
      for (const name of ['actions_pkey', 'actions_at_idx', 'actions_status_idx', 'actions_action_idx']) {
        expect(names).toContain(name);
        expect(names).toContain(`${name}_default`);
      }
      const keys = await sql<{ name: string; definition: string }>`
        select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
        where conrelid in ('actions'::regclass, 'calls'::regclass) order by 1`.execute(engine.db);
      expect(keys.rows).toEqual([
        { name: 'actions_pkey', definition: 'PRIMARY KEY (run_id, seq, at)' },
        { name: 'actions_run_id_fkey', definition: 'FOREIGN KEY (run_id) REFERENCES runs(id)' },
        {
          name: 'calls_organization_id_fkey',
          definition: 'FOREIGN KEY (organization_id) REFERENCES organizations(id)',
        },
        { name: 'calls_pkey', definition: 'PRIMARY KEY (id, at)' },
      ]);
      // The foreign keys still hold on every partition.
      await expect(
        sql`insert into actions (run_id, seq, at, source_system, target_system, action, status)
          values (${randomUUID()}, 1, '2025-01-02T00:00:00Z', 'A', 'B', 'NONE', 'OK')`.execute(engine.db),
      ).rejects.toThrow(/actions_run_id_fkey/);
    });

    it('serves the API from the partitioned tables', async () => {
      const app = await buildApp(database.config, { engine, logger: false, backgroundJobs: false });
      try {
        const get = async (url: string) =>
          (await app.inject({ url, headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })).json();
        const march = await get(`/api/v1/calls?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z&limit=1000`);
        expect(march.items).toHaveLength(500);
        const page = await get(`/api/v1/runs/${RUN}/actions?limit=5`);
        expect(page.items.map((a: { seq: number }) => a.seq)).toEqual([1, 2, 3, 4, 5]);
        const one = await get(`/api/v1/calls/${march.items[0].id}`);
        expect(one.request.body).toMatch(/^request \d+$/);
      } finally {
        await app.close();
      }
    });
  });

  describe('preparing partitions', () => {
    let database: TestDatabase;
    const engines: Engine[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('postgres');
      // Two engines, two pools: what two server processes on one database are.
      engines.push(openEngine(database.config), openEngine(database.config));
      await migrateToLatest(engines[0]!);
      await seedOwners(engines[0]!.db);
    }, 60_000);

    afterAll(async () => {
      for (const engine of engines) await engine.close();
      await database?.drop();
    });

    it('creates each partition exactly once when two processes race, moving rows stranded in the default one', async () => {
      const db = engines[0]!.db;
      // Rows for months that have no partition (a clock far off): they wait in the default partition.
      const stranded = [at('2019-05-05T05:05:05.555Z'), at('2019-08-31T23:59:59.999Z')];
      await insertRows(db, stranded, 600);
      expect(await rowsByPartition(db, 'actions')).toEqual({ actions_default: 600 });
      const before = await snapshot(db);

      let seq = 601;
      for (const now of ['2029-01-10T00:00:00Z', '2029-02-20T00:00:00Z', '2029-07-01T00:00:00Z']) {
        const reports = await Promise.all(engines.map((engine) => engine.preparePartitions(new Date(now))));
        const created = reports.flatMap((r) => r.created);
        // Each partition created by one of the two, none twice.
        expect(created.length).toBe(new Set(created).size);
        const partitions = await partitionsOf(db, 'calls');
        for (const month of monthsFrom(now, 4)) expect(partitions).toContain(`calls_p${month}`);
        // The other engine finds nothing left to do.
        expect((await engines[1]!.preparePartitions(new Date(now))).created).toEqual([]);
        if (now === '2029-01-10T00:00:00Z') {
          expect(reports.reduce((n, r) => n + r.moved, 0)).toBe(1_200);
          expect(created).toEqual(expect.arrayContaining(['actions_p201905', 'calls_p201908']));
        }
        // Ingestion goes on between the passes, into the partitions just made.
        await insertRows(db, [new Date(now)], 10, seq);
        seq += 10;
      }
      expect(await rowsByPartition(db, 'actions')).toMatchObject({
        actions_p201905: 300,
        actions_p201908: 300,
        actions_p202901: 10,
        actions_p202902: 10,
        actions_p202907: 10,
      });
      expect((await rowsByPartition(db, 'actions')).actions_default).toBeUndefined();
      const after = await snapshot(db);
      expect(after.actions.slice(0, 600)).toEqual(before.actions);
      expect(after.calls.filter((row) => before.calls.includes(row))).toHaveLength(600);
    });

    it("moves rows out of the default partition when their month's partition is created, not before", async () => {
      const db = engines[0]!.db;
      const far = at('2035-06-15T10:00:00.000Z');
      await sql`delete from actions`.execute(db);
      await insertRows(db, [far], 50);
      const before = await snapshot(db);
      // A year before: the month is beyond the months ahead, the rows stay where they are.
      expect((await engines[1]!.preparePartitions(at('2034-06-15T00:00:00Z'))).moved).toBe(0);
      expect(await rowsByPartition(db, 'actions')).toEqual({ actions_default: 50 });
      // Three months before: June 2035 is prepared, and its rows move there.
      const report = await engines[1]!.preparePartitions(at('2035-03-02T00:00:00Z'));
      expect(report.created).toEqual(expect.arrayContaining(['actions_p203506', 'calls_p203506']));
      expect(report.moved).toBe(100);
      expect(await rowsByPartition(db, 'actions')).toEqual({ actions_p203506: 50 });
      expect(await snapshot(db)).toEqual(before);
      // The new partition has the parent's indexes under their names.
      const indexes = await sql<{ name: string }>`
        select indexname as name from pg_indexes where tablename = 'calls_p203506' order by 1`.execute(db);
      expect(indexes.rows.map((r) => r.name)).toContain('calls_at_idx_p203506');
      expect(indexes.rows.map((r) => r.name)).toContain('calls_pkey_p203506');
    });
  });
});

/** `YYYYMM` of the month of `iso` and the `n - 1` after it. */
function monthsFrom(iso: string, n: number): string[] {
  const d = new Date(iso);
  return Array.from({ length: n }, (_, i) => {
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + i, 1));
    return `${m.getUTCFullYear()}${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}
