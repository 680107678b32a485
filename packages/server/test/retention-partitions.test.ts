import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ENGINES, readAllPages, seedBasics, startTestApp, type Api, type TestContext } from './harness.js';

/** A test registered on PostgreSQL only: on SQLite there is nothing to test, so nothing is listed as skipped. */
const onPostgres = (kind: string) => (kind === 'postgres' ? it : () => undefined) as typeof it;

/*
 * Retention over time partitions: on PostgreSQL a month partition of actions or calls that has aged out
 * for every organization with rows in it is dropped whole (counted first, per organization) instead of
 * deleted row by row. The same data on SQLite loses the same rows by row deletes: the counts a pass
 * reports and audits do not depend on the engine.
 */

const DAY = 24 * 3600 * 1000;

const action = (id: string, at: string) => ({
  at,
  source: { system: 'EXCHANGE', id, name: `Meeting ${id}` },
  target: { system: 'SALESFORCE', id: `sf-${id}` },
  objectType: 'Appointment',
  action: 'UPDATE',
  status: 'OK',
  message: 'updated',
});

const call = (organizationId: string, at: string, runId?: string) => ({
  organizationId,
  at,
  direction: 'OUTGOING',
  appFrom: 'portal',
  appTo: 'idp',
  action: 'SSO_SUCCESSFUL',
  method: 'POST',
  url: 'https://idp.example.com/sso',
  statusCode: 200,
  request: { headers: {}, body: `request ${at}` },
  response: { headers: {}, body: null },
  ...(runId ? { runId } : {}),
});

/** A run reported whole (or still running) at `startedAt`, with actions at the given times. */
async function reportRun(
  api: Api,
  integrationId: string,
  startedAt: string,
  actionTimes: string[],
  running = false,
) {
  const res = await api('POST', '/api/v1/runs', {
    integrationId,
    startedAt,
    ...(running ? {} : { finishedAt: new Date(Date.parse(startedAt) + 3_600_000).toISOString() }),
    progress: running ? 'RUNNING' : 'FINISHED',
    counters: { objects: 10, changes: actionTimes.length },
    actions: actionTimes.map((at, i) => action(`${startedAt}-${i}`, at)),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function postCalls(api: Api, calls: unknown[]): Promise<string[]> {
  const res = await api('POST', '/api/v1/calls', calls);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().ids;
}

for (const kind of ENGINES) {
  describe(`retention drops aged time partitions [${kind}]`, () => {
    let t: TestContext;
    const ids: Record<string, string> = {};
    const before: Record<string, unknown> = {};

    const partitions = async (table: 'actions' | 'calls') =>
      (
        await sql<{ name: string }>`
          select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = ${sql.lit(table)}::regclass and c.relname like ${`${table}_p2025%`}
          order by 1`.execute(t.engine.db)
      ).rows.map((r) => r.name);

    beforeAll(async () => {
      // The deployment keeps 30 days; B keeps a century (its override).
      t = await startTestApp(kind, { retention: { payloadDays: undefined, days: 30 } });
      const a = await seedBasics(t.api);
      const b = await seedBasics(t.api);
      const c = await seedBasics(t.api);
      Object.assign(ids, { a: a.org.id, b: b.org.id, c: c.org.id });
      await t.app.services.retention.repository.setOverride(
        b.org.id,
        { payloadDays: null, days: 36_500 },
        'test',
        new Date(),
      );
      // January 2025: only A's rows (a finished run, its calls and a loose one).
      ids.aJanuary = await reportRun(t.api, a.integration.id, '2025-01-10T08:00:00Z', [
        '2025-01-10T08:00:01Z',
        '2025-01-10T08:00:02Z',
        '2025-01-31T23:59:59.999Z',
      ]);
      await postCalls(t.api, [
        call(a.org.id, '2025-01-10T08:00:03Z', ids.aJanuary),
        call(a.org.id, '2025-01-20T00:00:00Z'),
      ]);
      // February 2025: A's and B's rows; B keeps them, so the partition stays and A's go row by row.
      ids.aFebruary = await reportRun(t.api, a.integration.id, '2025-02-03T08:00:00Z', [
        '2025-02-03T08:00:01Z',
        '2025-02-03T08:00:02Z',
      ]);
      ids.bFebruary = await reportRun(t.api, b.integration.id, '2025-02-04T08:00:00Z', [
        '2025-02-04T08:00:01Z',
        '2025-02-04T08:00:02Z',
      ]);
      ids.bCall = (await postCalls(t.api, [call(b.org.id, '2025-02-04T08:00:03Z', ids.bFebruary)]))[0]!;
      await postCalls(t.api, [call(a.org.id, '2025-02-05T00:00:00Z')]);
      // March 2025: C's run never finished (it is kept, and its actions with it); C's loose call aged.
      ids.cRunning = await reportRun(
        t.api,
        c.integration.id,
        '2025-03-01T08:00:00Z',
        ['2025-03-01T08:00:01Z', '2025-03-01T08:00:02Z'],
        true,
      );
      await postCalls(t.api, [call(c.org.id, '2025-03-02T00:00:00Z')]);
      // The rows landed in the default partition (no partition for 2025 yet): a sweep moves them.
      await t.engine.preparePartitions();
      for (const run of ['bFebruary', 'cRunning']) {
        before[run] = (await t.api('GET', `/api/v1/runs/${ids[run]}`)).json();
      }
    }, 60_000);

    afterAll(async () => {
      await t?.close();
    });

    onPostgres(kind)('has a partition per month of 2025 before the pass', async () => {
      expect(await partitions('actions')).toEqual(['actions_p202501', 'actions_p202502', 'actions_p202503']);
      expect(await partitions('calls')).toEqual(['calls_p202501', 'calls_p202502', 'calls_p202503']);
    });

    it('removes what aged, dropping the partitions every organization in them let go', async () => {
      expect(await t.app.services.audit.verify()).toMatchObject({ ok: true });
      const pass = await t.app.services.retention.pass(new Date());
      const of = (org: string) => pass.organizations.find((o) => o.organizationId === ids[org])!;
      const none = {
        callPayloads: 0,
        artifactContents: 0,
        artifactChunks: 0,
        runs: 0,
        actions: 0,
        calls: 0,
        artifacts: 0,
        issuesDetached: 0,
      };
      // The same counts on both engines: January's partitions dropped or January's rows deleted.
      expect(of('a').removed).toEqual({ ...none, runs: 2, actions: 5, calls: 3 });
      expect(of('b').removed).toEqual(none);
      expect(of('c').removed).toEqual({ ...none, calls: 1 });

      if (kind === 'postgres') {
        expect(of('a').droppedPartitions).toEqual(['actions_p202501', 'calls_p202501']);
        expect(of('c').droppedPartitions).toEqual(['calls_p202503']);
        expect(of('b').droppedPartitions).toBeUndefined();
        // February holds B's rows; March's actions belong to C's run, which is kept.
        expect(await partitions('actions')).toEqual(['actions_p202502', 'actions_p202503']);
        expect(await partitions('calls')).toEqual(['calls_p202502']);
      }

      // What remains: B's run with its actions and call, C's running run with its actions.
      for (const run of ['bFebruary', 'cRunning']) {
        expect((await t.api('GET', `/api/v1/runs/${ids[run]}`)).json()).toEqual(before[run]);
        expect((await t.api('GET', `/api/v1/runs/${ids[run]}/actions`)).json().items).toHaveLength(2);
      }
      expect((await t.api('GET', `/api/v1/calls/${ids.bCall}`)).json().request.body).toContain('request');
      for (const run of ['aJanuary', 'aFebruary']) {
        expect((await t.api('GET', `/api/v1/runs/${ids[run]}`)).statusCode).toBe(404);
      }
      const counts = await sql<{ actions: number; calls: number }>`
        select cast((select count(*) from actions) as integer) as actions,
          cast((select count(*) from calls) as integer) as calls`.execute(t.engine.db);
      expect(counts.rows[0]).toEqual({ actions: 4, calls: 1 });

      // Audited like any removal, with the counts per organization; the chain stays intact.
      const audit = async (org: string) =>
        (
          await readAllPages<{ details: Record<string, any> }>(
            t.api,
            `/api/v1/audit?organizationId=${ids[org]}&action=retention.pass`,
          )
        ).items;
      const [eventA] = await audit('a');
      expect(eventA!.details.removed).toEqual({ ...none, runs: 2, actions: 5, calls: 3 });
      expect(eventA!.details.droppedPartitions).toEqual(
        kind === 'postgres' ? ['actions_p202501', 'calls_p202501'] : undefined,
      );
      expect(await audit('b')).toEqual([]);
      expect(await t.app.services.audit.verify()).toMatchObject({ ok: true });

      // A second pass finds nothing left.
      const again = await t.app.services.retention.pass(new Date());
      expect(again.organizations.every((o) => Object.values(o.removed).every((n) => n === 0))).toBe(true);
    });

    onPostgres(kind)('drops no partition while one organization with rows in it keeps them', async () => {
      // A century on, B's February has aged too; C's run still runs: March's actions stay.
      const later = await t.app.services.retention.pass(new Date(Date.now() + 36_600 * DAY));
      const b = later.organizations.find((o) => o.organizationId === ids.b)!;
      expect(b.droppedPartitions).toEqual(['actions_p202502', 'calls_p202502']);
      expect(b.removed).toMatchObject({ runs: 1, actions: 2, calls: 1 });
      expect(await partitions('actions')).toEqual(['actions_p202503']);
      expect(await partitions('calls')).toEqual([]);
    });
  });
}
