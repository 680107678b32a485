import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Compilable, Expression, SqlBool } from 'kysely';
import { ENGINES, startTestApp, type TestContext } from './harness.js';
import { CallRepository, type CallListFilters, type CallRecord } from '../src/calls/call.repository.js';
import { RunRepository, type RunListFilters } from '../src/runs/run.repository.js';
import {
  ActionRepository,
  type ActionRecord,
  type ActionSearchFilters,
} from '../src/actions/action.repository.js';
import { encodeCursor } from '../src/shared/cursor.js';
import { ActionTextIndexer } from '../src/actions/action-text-index.js';
import type { EngineKind } from '../src/storage/engine.js';

/** A test registered on PostgreSQL only: on SQLite there is nothing to test, so nothing is listed as skipped. */
const onPostgres = (kind: string) => (kind === 'postgres' ? it : () => undefined) as typeof it;

/** A modest data set: enough rows that a scan or a sort costs more than reading an index in order. */
const CALLS = 20_000;
const RUNS = 20_000;
/** Half in one big run, half spread over 100 runs. */
const ACTIONS = 20_000;
const CALL_ACTIONS = ['SSO_INITIATED', 'SSO_SUCCESSFUL', 'SSO_SUCCESSFUL', 'NA'] as const;
const REQUEST_TYPES = ['AUTHENTICATION_APPLICATIONS', 'APP_CALL'] as const;

/**
 * Asserts that the plan reads `index` and sorts nothing: the page comes from the index in the list's
 * order (PostgreSQL: no Sort node; SQLite: no temporary B-tree for the ORDER BY). On PostgreSQL,
 * actions and calls are partitioned by month: their index is read in each partition the query needs
 * (`calls_at_idx_p202611`), merged in order by a Merge Append (whose `Sort Key` sorts nothing).
 */
function expectServedBy(kind: EngineKind, plan: string[], index: string) {
  const text = plan.join('\n');
  if (kind === 'postgres') {
    expect(text).toMatch(new RegExp(`Index (Only )?Scan( Backward)? using ${index}(_p\\d{6}|_default)? on`));
    expect(text).not.toMatch(/Sort(?! Key)/);
  } else {
    expect(text).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}\\b`));
    expect(text).not.toMatch(/TEMP B-TREE/);
  }
}

for (const kind of ENGINES) {
  describe(`list plans read an index in keyset order [${kind}]`, () => {
    let t: TestContext;
    let calls: CallRepository;
    let runs: RunRepository;
    let actionRepository: ActionRepository;
    const orgs: string[] = [];
    const integrations: string[] = [];
    const runIds: string[] = [];
    let userId = '';
    /** The run with a tenth of the calls. */
    const bigRun = () => runIds[RUNS - 1]!;
    const base = Date.UTC(2026, 10, 1);

    const explain = (query: Compilable<unknown>) => t.engine.explain(query);
    const callPlan = (filters: Partial<CallListFilters>, cursor?: string) =>
      explain(
        calls.listQuery(
          { organizations: 'all', ...filters },
          { limit: 50, sort: 'desc', ...(cursor ? { cursor } : {}) },
        ),
      );
    const searchPlan = (filters: Partial<ActionSearchFilters>, match?: Expression<SqlBool>) =>
      explain(
        actionRepository.searchQuery(
          { organizations: 'all', ...filters },
          { limit: 50, sort: 'desc' },
          match,
        ),
      );
    const runPlan = (filters: Partial<RunListFilters>) =>
      explain(runs.listQuery({ organizations: 'all', ...filters }, { limit: 50, sort: 'desc' }));

    beforeAll(async () => {
      t = await startTestApp(kind);
      calls = new CallRepository(t.engine);
      runs = new RunRepository(t.engine);
      actionRepository = new ActionRepository(t.engine);
      for (let i = 0; i < 4; i++) {
        const org = (await t.api('POST', '/api/v1/organizations', { name: `Org ${i}` })).json();
        orgs.push(org.id);
        for (const type of ['servicenow', 'exchange']) {
          const res = await t.api('POST', `/api/v1/organizations/${org.id}/integrations`, {
            type,
            name: `${type} ${i}`,
          });
          integrations.push(res.json().id);
        }
      }
      userId = (
        await t.api('POST', `/api/v1/organizations/${orgs[0]}/users`, { externalId: 'plan-user' })
      ).json().id;
      // A realistic mix: most rows alike, the values people filter for rare (errors, failed sign-ins,
      // manual triggers, a small organization), which is when reading the list's index matters.
      const runRows = Array.from({ length: RUNS }, (_, n) => {
        const org = n % 4;
        const exchange = n % 100 === 0;
        const id = randomUUID();
        runIds.push(id);
        return {
          id,
          organization_id: orgs[org]!,
          integration_id: integrations[org * 2 + (exchange ? 1 : 0)]!,
          integration_type: exchange ? 'exchange' : 'servicenow',
          user_id: n % 50 === 0 ? userId : null,
          name: null,
          trigger: n % 25 === 2 ? 'FULL_SYNC_MANUAL' : n % 3 ? 'SERVICENOW_CHANGES' : 'FULL_SYNC_JOB',
          progress: n % 40 === 5 ? 'ABORTED' : n >= RUNS - 20 ? 'RUNNING' : 'FINISHED',
          status: n % 30 === 0 ? 'ERROR' : n % 10 === 1 ? 'WARNING' : 'OK',
          requested_at: new Date(base + n * 60_000),
          started_at: null,
          finished_at: null,
          duration_ms: null,
          last_heartbeat_at: null,
          error_source: null,
          error_category: null,
          exception: null,
          object_report: null,
          requested_by: null,
        };
      });
      for (let i = 0; i < runRows.length; i += 500) {
        await t.engine.db
          .insertInto('runs')
          .values(runRows.slice(i, i + 500))
          .execute();
      }
      const records: CallRecord[] = Array.from({ length: CALLS }, (_, n) => ({
        id: randomUUID(),
        // orgs[3] is small (2 % of the calls).
        organizationId: n % 50 === 0 ? orgs[3]! : orgs[n % 3]!,
        runId: n % 10 === 0 ? bigRun() : null,
        at: new Date(base + n * 1000),
        direction: n % 2 ? 'INCOMING' : 'OUTGOING',
        appFrom: 'Portal',
        appTo: n % 3 ? 'NetSuite' : 'Google Apps',
        action: n % 50 === 1 ? 'SSO_FAILED' : CALL_ACTIONS[n % CALL_ACTIONS.length]!,
        requestType: n % 40 === 3 ? 'LOGOUT_APPLICATIONS' : REQUEST_TYPES[n % REQUEST_TYPES.length]!,
        login: n === 1234 ? 'Zelda.Rare@Example.com' : `User${n % 900}@Example.com`,
        method: 'POST',
        url:
          n === 4321 ? 'https://idp.example.com/quarantined/acs' : `https://idp.example.com/saml/acs?n=${n}`,
        statusCode: n % 60 === 7 ? 500 : n % 13 === 0 ? 401 : 200,
        durationMs: n % 300,
        request: '{"headers":{},"body":null}',
        response: '{"headers":{},"body":null}',
      }));
      await t.engine.transaction(() => calls.insertBatch(records));
      const actionOf = (n: number, seq: number): ActionRecord => ({
        seq,
        at: new Date(base + n * 1000),
        sourceSystem: 'LeanIX',
        sourceId: `fs-${n}`,
        sourceName: n === 777 || n === 15_555 ? 'Quarantined Ledger' : `Application ${n} (Finance)`,
        targetSystem: 'ServiceNow',
        targetId: `sn-${n}`,
        targetName: `cmdb_ci_business_app ${n}`,
        objectType: 'Application',
        action: 'UPDATE',
        status: n % 6 === 0 ? 'WARNING' : 'OK',
        message: n % 6 === 0 ? `Field lifecycle.active could not be mapped for object ${n}` : null,
        details: null,
        errorCode: null,
      });
      await t.engine.transaction(async () => {
        await actionRepository.insertBatch(
          bigRun(),
          Array.from({ length: ACTIONS / 2 }, (_, i) => actionOf(i, i + 1)),
        );
        for (let r = 0; r < 100; r++) {
          const per = ACTIONS / 200;
          await actionRepository.insertBatch(
            runIds[r]!,
            Array.from({ length: per }, (_, i) => actionOf(ACTIONS / 2 + r * per + i, i + 1)),
          );
        }
      });
      // The rows went to the default partition (their month was not prepared): what a housekeeping
      // sweep does, moving them into November's partition (the clock of November: its months ahead).
      await t.engine.preparePartitions(new Date(base));
      // What the background indexer does: the actions' text into the text index.
      expect(await new ActionTextIndexer(t.engine).drain()).toBe(ACTIONS);
      // What autovacuum does in time: gather statistics, and merge the GIN indexes' pending lists
      // (which PostgreSQL otherwise costs as a scan of their own).
      if (kind === 'postgres') await sql`vacuum analyze`.execute(t.engine.db);
    }, 120_000);

    afterAll(async () => {
      await t?.close();
    });

    describe('calls', () => {
      it('pages across organizations newest first from (at, id)', async () => {
        expectServedBy(kind, await callPlan({}), 'calls_at_idx');
        const cursor = encodeCursor({ key: base + 10_000_000, id: randomUUID() });
        expectServedBy(kind, await callPlan({}, cursor), 'calls_at_idx');
      });

      it('pages one day across organizations from (at, id)', async () => {
        const plan = await callPlan({ from: new Date(base + 3_600_000), to: new Date(base + 5 * 3_600_000) });
        expectServedBy(kind, plan, 'calls_at_idx');
      });

      onPostgres(kind)('reads only the month partitions a time window needs', async () => {
        /** The partitions of `table` a plan reads. */
        const partitionsRead = (plan: string[], table: string) =>
          [...new Set(plan.join('\n').match(new RegExp(`\\b${table}_(p\\d{6}|default)\\b`, 'g')))].sort();
        const day = { from: new Date(base + 3_600_000), to: new Date(base + 5 * 3_600_000) };
        expect(partitionsRead(await callPlan(day), 'calls')).toEqual(['calls_p202611']);
        expect(partitionsRead(await callPlan({ ...day, organizations: [orgs[1]!] }), 'calls')).toEqual([
          'calls_p202611',
        ]);
        expect(partitionsRead(await searchPlan(day), 'actions')).toEqual(['actions_p202611']);
        // Across a month's end: both months, nothing else.
        const across = { from: new Date(Date.UTC(2026, 10, 30)), to: new Date(Date.UTC(2026, 11, 2)) };
        expect(partitionsRead(await callPlan(across), 'calls')).toEqual(['calls_p202611', 'calls_p202612']);
        // Without a window every partition is read, newest first, merged in (at, id) order.
        expect(partitionsRead(await callPlan({}), 'calls')).toContain('calls_default');
      });

      it("pages one organization's calls from its own index", async () => {
        expectServedBy(kind, await callPlan({ organizations: [orgs[3]!] }), 'calls_org_idx');
      });

      it('pages by action with or without an organization', async () => {
        expectServedBy(kind, await callPlan({ actions: ['SSO_FAILED'] }), 'calls_action_idx');
        expectServedBy(
          kind,
          await callPlan({ actions: ['SSO_FAILED'], organizations: [orgs[2]!] }),
          'calls_org_action_idx',
        );
      });

      it('pages by request type with or without an organization', async () => {
        expectServedBy(
          kind,
          await callPlan({ requestTypes: ['LOGOUT_APPLICATIONS'] }),
          'calls_request_type_idx',
        );
        expectServedBy(
          kind,
          await callPlan({ requestTypes: ['LOGOUT_APPLICATIONS'], organizations: [orgs[0]!] }),
          'calls_org_request_type_idx',
        );
      });

      it('pages by one status code with or without an organization', async () => {
        expectServedBy(
          kind,
          await callPlan({ statusCodes: [{ min: 500, max: 501 }] }),
          'calls_status_code_idx',
        );
        expectServedBy(
          kind,
          await callPlan({ statusCodes: [{ min: 401, max: 402 }], organizations: [orgs[2]!] }),
          'calls_org_status_code_idx',
        );
      });

      it("pages a run's calls from its index", async () => {
        expectServedBy(kind, await callPlan({ runIds: [bigRun()] }), 'calls_run_idx');
      });
    });

    describe('runs', () => {
      it('pages across organizations by request time', async () => {
        expectServedBy(kind, await runPlan({}), 'runs_requested_idx');
      });

      it('pages by status with or without an organization', async () => {
        expectServedBy(kind, await runPlan({ statuses: ['ERROR'] }), 'runs_status_idx');
        expectServedBy(
          kind,
          await runPlan({ statuses: ['ERROR'], organizations: [orgs[1]!] }),
          'runs_org_status_idx',
        );
      });

      it('pages by integration type and time window across organizations', async () => {
        const plan = await runPlan({
          integrationTypes: ['exchange'],
          from: new Date(base),
          to: new Date(base + 24 * 3_600_000),
        });
        expectServedBy(kind, plan, 'runs_type_idx');
      });

      it('pages by trigger across organizations', async () => {
        expectServedBy(kind, await runPlan({ triggers: ['FULL_SYNC_MANUAL'] }), 'runs_trigger_idx');
      });

      it('pages aborted runs across organizations', async () => {
        expectServedBy(kind, await runPlan({ progress: ['ABORTED'] }), 'runs_progress_idx');
      });

      it("pages an integration's and a user's runs from their indexes", async () => {
        expectServedBy(kind, await runPlan({ integrationIds: [integrations[1]!] }), 'runs_integration_idx');
        expectServedBy(kind, await runPlan({ userIds: [userId] }), 'runs_user_idx');
      });
    });

    describe('text search', () => {
      /** The plan reads the engine's text index of `table`. */
      const expectTextIndex = (plan: string[], index: string) =>
        expect(plan.join('\n')).toMatch(
          kind === 'postgres'
            ? new RegExp(`Bitmap Index Scan on ${index}_trgm_idx`)
            : new RegExp(`${index.split('_')[0]}_fts VIRTUAL TABLE INDEX`),
        );

      // When a scan is the better plan (short or common text, the indexer far behind), a search within
      // a run reads that run's rows only, never the whole table.
      it("scans a big run's actions among that run's rows only", async () => {
        const plan = (
          await explain(
            actionRepository.listQuery(bigRun(), { q: 'quarantined' }, { limit: 50, sort: 'asc' }),
          )
        ).join('\n');
        if (kind === 'postgres') {
          expect(plan).toMatch(/(Index|Recheck) Cond: \(run_id = /);
          // Partitioned by month: the partitions that hold rows are read through the run's index; the
          // empty ones (months ahead, the default partition) may be scanned, which reads nothing.
          const filled = await sql<{
            name: string;
          }>`select distinct tableoid::regclass::text as name from actions`.execute(t.engine.db);
          expect(filled.rows.map((r) => r.name)).toEqual(['actions_p202611']);
          for (const { name } of filled.rows) expect(plan).not.toMatch(new RegExp(`Seq Scan on ${name}\\b`));
        } else {
          expect(plan).toMatch(/SEARCH actions USING \w+ (\w+ )?\(run_id=\?/);
          expect(plan).not.toMatch(/TEMP B-TREE/);
        }
      });

      it("searches actions' text from the text index, within a run and across runs", async () => {
        const within = await t.engine.indexedActionMatch('quarantined', bigRun());
        expect(within).toBeDefined();
        const page = { limit: 50, sort: 'asc' } as const;
        const expectIndex = (plan: string[]) =>
          expect(plan.join('\n')).toMatch(
            kind === 'postgres'
              ? /Bitmap Index Scan on action_texts_trgm_idx/
              : /SCAN actions_fts VIRTUAL TABLE INDEX/,
          );
        expectIndex(await explain(actionRepository.listQuery(bigRun(), { q: 'quarantined' }, page, within)));
        const across = (await t.engine.indexedActionMatch('quarantined ledger'))!;
        expectIndex(await searchPlan({ q: 'quarantined ledger' }, across));
        expectIndex(await searchPlan({ q: 'quarantined ledger', organizations: [orgs[0]!] }, across));
        // And the index finds them: both in the big run, one among the small runs.
        const found = await actionRepository.search(
          { organizations: 'all', q: 'QUARANTINED LEDGER' },
          { limit: 50, sort: 'asc' },
        );
        expect(found.items.map((a) => a.source.name)).toEqual(['Quarantined Ledger', 'Quarantined Ledger']);
      });

      it('reads a common text in the page order instead of every match from the index', async () => {
        // 'application' is in every action's source name. Neither engine weighs the index's matches
        // against the page order well by itself (SQLite not at all, PostgreSQL not through the join):
        // more than ACTION_MATCHES_FOR_SCAN matches in scope means a scan in the page's order.
        expect(await t.engine.indexedActionMatch('application', bigRun())).toBeUndefined();
        expect(await t.engine.indexedActionMatch('application')).toBeUndefined();
        const scan = actionRepository.searchQuery(
          { organizations: 'all', q: 'application' },
          { limit: 50, sort: 'desc' },
        );
        expectServedBy(kind, await t.engine.explain(scan, { inPageOrder: true }), 'actions_at_idx');
      });

      it('pages actions across runs newest first from (at, run_id, seq)', async () => {
        expectServedBy(kind, await searchPlan({}), 'actions_at_idx');
        expectServedBy(kind, await searchPlan({ organizations: [orgs[2]!] }), 'actions_at_idx');
      });

      it('searches calls by URL or login and by login from the text indexes', async () => {
        const q = await callPlan({ q: 'quarantined' });
        expectTextIndex(q, 'calls_text');
        expectTextIndex(await callPlan({ login: 'zelda.rare' }), 'calls_login');
        expectTextIndex(await callPlan({ login: 'zelda.rare', organizations: [orgs[0]!] }), 'calls_login');
      });
    });
  });
}
