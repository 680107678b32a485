import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ENGINES, readAllPages, seedBasics, startTestApp, type Api, type TestContext } from './harness.js';
import { ActionTextIndexer } from '../src/actions/action-text-index.js';

/*
 * The actions' text index is filled in the background from the ranges each batch queues
 * (actions/action-text-index.ts). Whatever the indexer has done so far (nothing, part of a batch,
 * everything), a search answers the same pages; each action is indexed once, by one indexer or two at
 * once; a removed run leaves nothing of itself in the index.
 */

interface Item {
  runId: string;
  seq: number;
  at: string;
  source: { name: string | null };
  message: string | null;
}

const BASE = Date.UTC(2026, 10, 2);
/** Actions per batch, and batches: three for run 1 (one organization), one each for runs 2 and 3. */
const BATCH = 300;
const TOTAL = BATCH * 5;

/** Action number `n` of all: times interleave across runs (a multiplier prime to TOTAL). */
function actionOf(n: number) {
  const marked = n % 41 === 7;
  return {
    at: new Date(BASE + ((n * 7919) % TOTAL) * 60_000).toISOString(),
    source: { system: 'LeanIX', id: `fs-${n}`, name: marked ? `Quarantined Ledger ${n}` : `Object ${n}` },
    target: { system: 'ServiceNow', id: `sn-${n}`, name: 'cmdb item' },
    objectType: 'Application',
    action: 'UPDATE',
    status: 'OK',
    message: n % 3 === 0 ? `Step ${n} done` : null,
  };
}

for (const kind of ENGINES) {
  describe(`actions' text index [${kind}]`, () => {
    let t: TestContext;
    let indexer: ActionTextIndexer;
    const runs: string[] = [];
    const orgs: string[] = [];
    /** Every action posted, as the API shows it (runId, seq, at, name, message). */
    const posted: { runId: string; seq: number; at: string; text: string; org: string }[] = [];

    beforeAll(async () => {
      t = await startTestApp(kind);
      indexer = new ActionTextIndexer(t.engine);
      const a = await seedBasics(t.api);
      const b = await seedBasics(t.api);
      orgs.push(a.org.id, b.org.id);
      for (const integration of [a.integration.id, a.integration.id, b.integration.id]) {
        runs.push((await t.api('POST', '/api/v1/runs', { integrationId: integration })).json().id);
      }
      const batches = [runs[0]!, runs[0]!, runs[1]!, runs[0]!, runs[2]!];
      let n = 0;
      for (const runId of batches) {
        const actions = Array.from({ length: BATCH }, () => actionOf(n++));
        const res = await t.api('POST', `/api/v1/runs/${runId}/actions`, actions);
        expect(res.statusCode, res.body).toBe(201);
        const firstSeq = res.json().firstSeq as number;
        actions.forEach((action, i) =>
          posted.push({
            runId,
            seq: firstSeq + i,
            at: action.at,
            text: `${action.message ?? ''}\u001f${action.source.name}\u001fcmdb item\u001f${action.source.id}\u001f${action.target.id}`,
            org: runId === runs[2] ? b.org.id : a.org.id,
          }),
        );
      }
    });

    afterAll(async () => {
      await t?.close();
    });

    const key = (i: { runId: string; seq: number }) => `${i.runId}/${i.seq}`;
    const matching = (q: string) => posted.filter((p) => p.text.toLowerCase().includes(q.toLowerCase()));
    const newestFirst = (items: typeof posted) =>
      [...items].sort(
        (x, y) =>
          Date.parse(y.at) - Date.parse(x.at) ||
          (y.runId > x.runId ? 1 : y.runId < x.runId ? -1 : 0) ||
          y.seq - x.seq,
      );
    const pages = async (api: Api, url: string) => (await readAllPages<Item>(api, url)).items.map(key);

    /** Every search of this file, each with what it must answer. */
    const searches = () => [
      {
        url: `/api/v1/runs/${runs[0]}/actions?q=QUARANTINED&limit=4`,
        expected: matching('quarantined')
          .filter((p) => p.runId === runs[0])
          .map(key),
      },
      {
        url: `/api/v1/runs/${runs[0]}/actions?q=quarantined%20ledger&limit=3&sort=desc`,
        expected: matching('quarantined ledger')
          .filter((p) => p.runId === runs[0])
          .reverse()
          .map(key),
      },
      {
        url: `/api/v1/actions?q=Quarantined&limit=5`,
        expected: newestFirst(matching('quarantined')).map(key),
      },
      {
        url: `/api/v1/actions?q=quarantined&organizationId=${orgs[0]}&limit=6&sort=asc`,
        expected: newestFirst(matching('quarantined').filter((p) => p.org === orgs[0]))
          .reverse()
          .map(key),
      },
      {
        url: `/api/v1/actions?q=ledger&from=${new Date(BASE + 200 * 60_000).toISOString()}&to=${new Date(BASE + 900 * 60_000).toISOString()}&limit=4`,
        expected: newestFirst(
          matching('ledger').filter(
            (p) => Date.parse(p.at) >= BASE + 200 * 60_000 && Date.parse(p.at) < BASE + 900 * 60_000,
          ),
        ).map(key),
      },
      // "Step 1" is in 'Step 1 done', 'Step 12 done', 'Step 102 done'…: a common text, one page.
      {
        url: `/api/v1/runs/${runs[0]}/actions?q=step%201&limit=500`,
        expected: matching('step 1')
          .filter((p) => p.runId === runs[0])
          .map(key),
      },
      { url: `/api/v1/actions?q=zzqxv`, expected: [] },
    ];

    const expectEverySearch = async () => {
      for (const search of searches()) {
        expect(search.expected.length > 0 || search.url.includes('zzqxv')).toBe(true);
        expect(await pages(t.api, search.url), search.url).toEqual(search.expected);
      }
    };

    it('answers the same pages before the indexer ran, part way through a batch, and after', async () => {
      expect(await indexer.backlog()).toEqual({ ranges: 5, actions: TOTAL });
      await expectEverySearch();
      // The first batch and part of the second: a range advanced, not finished.
      const first = await indexer.indexChunk(BATCH + 120);
      expect(first).toMatchObject({ actions: BATCH + 120, ranges: 1 });
      expect(await indexer.backlog()).toEqual({ ranges: 4, actions: TOTAL - BATCH - 120 });
      await expectEverySearch();
      expect((await indexer.indexChunk(BATCH * 2)).actions).toBe(BATCH * 2);
      await expectEverySearch();
      expect(await indexer.drain()).toBe(TOTAL - BATCH * 3 - 120);
      expect(await indexer.backlog()).toEqual({ ranges: 0, actions: 0 });
      await expectEverySearch();
    });

    it('finds a batch the moment it is acknowledged, before it is indexed', async () => {
      const fresh = {
        ...actionOf(99_999),
        source: { system: 'LeanIX', id: 'fs-new', name: 'Freshly Quarantined' },
      };
      const res = await t.api('POST', `/api/v1/runs/${runs[1]}/actions`, [fresh]);
      expect(res.statusCode, res.body).toBe(201);
      posted.push({
        runId: runs[1]!,
        seq: res.json().firstSeq,
        at: fresh.at,
        text: `${fresh.message ?? ''}\u001fFreshly Quarantined\u001fcmdb item\u001ffs-new\u001f${fresh.target.id}`,
        org: orgs[0]!,
      });
      const found = await t.api('GET', '/api/v1/actions?q=freshly%20quarantined');
      expect(found.json().items.map((i: Item) => i.source.name)).toEqual(['Freshly Quarantined']);
      expect(await indexer.drain()).toBe(1);
      const again = await t.api('GET', '/api/v1/actions?q=freshly%20quarantined');
      expect(again.json().items.map((i: Item) => i.source.name)).toEqual(['Freshly Quarantined']);
    });

    it('indexes each action once with two indexers at work together', async () => {
      // Start over: empty the index, queue every action again in ranges of ten.
      if (kind === 'postgres') await sql`delete from action_texts`.execute(t.engine.db);
      else await sql`delete from actions_fts`.execute(t.engine.db);
      await sql`insert into action_text_pending (run_id, first_seq, last_seq)
        select run_id, seq, seq + 9 from actions where seq % 10 = 1 order by at`.execute(t.engine.db);
      const small = { chunkActions: 97 };
      const [one, two] = await Promise.all([
        new ActionTextIndexer(t.engine, small).drain(),
        new ActionTextIndexer(t.engine, small).drain(),
      ]);
      expect(one + two).toBe(TOTAL + 1);
      if (kind === 'postgres') {
        const rows = await sql<{ n: number }>`select count(*)::int as n from action_texts`.execute(
          t.engine.db,
        );
        expect(rows.rows[0]!.n).toBe(TOTAL + 1);
        // Both took part (SKIP LOCKED hands them different ranges).
        expect(one).toBeGreaterThan(0);
        expect(two).toBeGreaterThan(0);
      } else {
        const rows = await sql<{ n: number }>`select count(*) as n from actions_fts`.execute(t.engine.db);
        expect(rows.rows[0]!.n).toBe(TOTAL + 1);
      }
      await expectEverySearch();
    });

    it('runs in the background and stops cleanly', async () => {
      const res = await t.api('POST', `/api/v1/runs/${runs[2]}/actions`, [actionOf(100_001)]);
      expect(res.statusCode, res.body).toBe(201);
      expect((await indexer.backlog()).ranges).toBe(1);
      const background = new ActionTextIndexer(t.engine, { idleMs: 20 });
      background.start();
      for (let i = 0; i < 200 && (await background.backlog()).ranges > 0; i++)
        await new Promise((r) => setTimeout(r, 10));
      await background.stop();
      expect(await background.backlog()).toEqual({ ranges: 0, actions: 0 });
    });
  });

  describe(`actions' text index and retention [${kind}]`, () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await startTestApp(kind, { retention: { payloadDays: undefined, days: 30 } });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('keeps nothing of a removed run in the index, indexed or pending', async () => {
      const { integration } = await seedBasics(t.api);
      const run = async () =>
        (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json().id as string;
      const [gone, kept] = [await run(), await run()];
      for (const runId of [gone, kept]) {
        const res = await t.api('POST', `/api/v1/runs/${runId}/actions`, [actionOf(7), actionOf(48)]);
        expect(res.statusCode, res.body).toBe(201);
      }
      const indexer = new ActionTextIndexer(t.engine);
      // One run's actions indexed, then one more batch of it pending.
      expect(await indexer.drain()).toBe(4);
      expect((await t.api('POST', `/api/v1/runs/${gone}/actions`, [actionOf(89)])).statusCode).toBe(201);
      const finished = await t.api('PATCH', `/api/v1/runs/${gone}`, { progress: 'FINISHED' });
      expect(finished.statusCode, finished.body).toBe(200);
      await t.app.services.retention.pass(new Date(Date.now() + 31 * 24 * 3600 * 1000));
      expect((await t.api('GET', `/api/v1/runs/${gone}`)).statusCode).toBe(404);

      const pending = await t.engine.db.selectFrom('action_text_pending').select('run_id').execute();
      expect(pending).toEqual([]);
      if (kind === 'postgres') {
        const rows = await sql<{ run_id: string }>`select distinct run_id from action_texts`.execute(
          t.engine.db,
        );
        expect(rows.rows.map((r) => r.run_id)).toEqual([kept]);
      } else {
        const rows = await sql<{ n: number }>`select count(*) as n from actions_fts`.execute(t.engine.db);
        expect(rows.rows[0]!.n).toBe(2);
      }
      const found = await t.api('GET', '/api/v1/actions?q=quarantined');
      expect(found.json().items.map((i: Item) => i.runId)).toEqual([kept, kept]);
    });
  });
}
