import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, readAllPages, seedBasics, startTestApp, type TestContext } from './harness.js';

const act = (i: number, over: Record<string, unknown> = {}) => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  source: { system: 'LEANIX', id: `fs-${i}`, name: `Fact Sheet ${i}` },
  target: { system: 'SERVICENOW', id: `sn-${i}`, name: `CMDB item ${i}` },
  objectType: 'Application',
  action: ['CREATE', 'UPDATE', 'DELETE', 'NONE'][i % 4],
  status: 'OK',
  message: `Synchronized item ${i}`,
  ...over,
});

for (const kind of ENGINES) {
  describe(`actions API [${kind}]`, () => {
    let t: TestContext;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    beforeAll(async () => {
      t = await startTestApp(kind);
      basics = await seedBasics(t.api);
    });
    afterAll(() => t?.close());

    const newRun = async () => {
      const res = await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id });
      return res.json() as { id: string };
    };
    const getRun = async (id: string) => (await t.api('GET', `/api/v1/runs/${id}`)).json();

    describe('POST /api/v1/runs/:id/actions', () => {
      it('appends a JSON batch, numbers the actions and keeps counters and status', async () => {
        const run = await newRun();
        const res = await t.api('POST', `/api/v1/runs/${run.id}/actions`, [
          act(0),
          act(1, { status: 'INFO' }),
          act(2, { status: 'WARNING' }),
        ]);
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json()).toMatchObject({ accepted: 3, firstSeq: 1 });
        expect(res.json().run.status).toBe('WARNING');
        const second = await t.api('POST', `/api/v1/runs/${run.id}/actions`, [
          act(3, { status: 'ERROR' }),
          act(4),
        ]);
        expect(second.json().firstSeq).toBe(4);
        const after = await getRun(run.id);
        expect(after.status).toBe('ERROR');
        expect(after.counters).toMatchObject({
          processed: 5,
          creates: 2,
          updates: 1,
          deletes: 1,
          warnings: 1,
          errors: 1,
        });
        const all = await readAllPages<{ seq: number }>(t.api, `/api/v1/runs/${run.id}/actions`);
        expect(all.items.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5]);
      });

      it('accepts NDJSON', async () => {
        const run = await newRun();
        const body = [act(1), act(2, { status: 'INFO' })].map((a) => JSON.stringify(a)).join('\n') + '\n';
        const res = await t.api('POST', `/api/v1/runs/${run.id}/actions`, body, {
          'content-type': 'application/x-ndjson',
        });
        expect(res.statusCode, res.body).toBe(201);
        expect((await getRun(run.id)).status).toBe('INFO');
      });

      it('stores the details diff as JSON and masks secret-named fields in it', async () => {
        const run = await newRun();
        await t.api('POST', `/api/v1/runs/${run.id}/actions`, [
          act(1, { details: { lifecycle: { from: 'active', to: 'phaseOut' }, password: 'hunter2' } }),
        ]);
        const [stored] = (await t.api('GET', `/api/v1/runs/${run.id}/actions`)).json().items;
        expect(stored.details).toEqual({ lifecycle: { from: 'active', to: 'phaseOut' }, password: '***' });
      });

      it.each([
        ['an unknown status', [act(1), act(2, { status: 'FATAL' })], 'validation_failed'],
        ['a missing source', [{ ...act(1), source: undefined }], 'validation_failed'],
        ['a wrong type', [act(1, { errorCode: 'one' })], 'validation_failed'],
        ['an error code out of range', [act(1, { errorCode: 7 })], 'validation_failed'],
        ['a batch over 10,000', Array.from({ length: 10_001 }, (_, i) => act(i)), 'batch_too_large'],
        ['an object instead of an array', act(1), 'validation_failed'],
      ])('rejects %s with 400 and stores nothing', async (_label, body, code) => {
        const run = await newRun();
        const res = await t.api('POST', `/api/v1/runs/${run.id}/actions`, body);
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe(code);
        const after = await getRun(run.id);
        expect(after.counters.processed).toBe(0);
        expect((await t.api('GET', `/api/v1/runs/${run.id}/actions`)).json().items).toEqual([]);
      });

      it('rejects a broken NDJSON line naming it, and stores nothing', async () => {
        const run = await newRun();
        const body = `${JSON.stringify(act(1))}\n{not json\n`;
        const res = await t.api('POST', `/api/v1/runs/${run.id}/actions`, body, {
          'content-type': 'application/x-ndjson',
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.message).toContain('Line 2');
        expect((await getRun(run.id)).counters.processed).toBe(0);
      });

      it('answers 409 run_final for a finished run', async () => {
        const run = await newRun();
        await t.api('PATCH', `/api/v1/runs/${run.id}`, { progress: 'FINISHED' });
        const res = await t.api('POST', `/api/v1/runs/${run.id}/actions`, [act(1)]);
        expect(res.statusCode).toBe(409);
        expect(res.json().error.code).toBe('run_final');
        expect(res.json().error.message).toContain('FINISHED');
      });

      it('starts a PENDING run when its first actions arrive', async () => {
        const pending = (
          await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id, progress: 'PENDING' })
        ).json();
        await t.api('POST', `/api/v1/runs/${pending.id}/actions`, [act(1)]);
        const run = await getRun(pending.id);
        expect(run.progress).toBe('RUNNING');
        expect(run.startedAt).not.toBeNull();
      });

      it('stores a retried batch once (Idempotency-Key)', async () => {
        const run = await newRun();
        const batch = [act(1), act(2)];
        const headers = { 'idempotency-key': `batch-${run.id}` };
        const first = await t.api('POST', `/api/v1/runs/${run.id}/actions`, batch, headers);
        const again = await t.api('POST', `/api/v1/runs/${run.id}/actions`, batch, headers);
        expect(again.statusCode).toBe(201);
        expect(again.json()).toEqual(first.json());
        expect((await getRun(run.id)).counters.processed).toBe(2);
      });

      it('numbers concurrent batches of one run without gaps or duplicates', async () => {
        const run = await newRun();
        const batches = Array.from({ length: 6 }, (_, b) =>
          Array.from({ length: 50 }, (_, i) => act(b * 50 + i)),
        );
        const results = await Promise.all(
          batches.map((batch) => t.api('POST', `/api/v1/runs/${run.id}/actions`, batch)),
        );
        expect(results.every((r) => r.statusCode === 201)).toBe(true);
        const seqs = (
          await readAllPages<{ seq: number }>(t.api, `/api/v1/runs/${run.id}/actions?limit=1000`)
        ).items.map((a) => a.seq);
        expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      });
    });

    describe('GET /api/v1/runs/:id/actions', () => {
      let runId: string;
      beforeAll(async () => {
        runId = (await newRun()).id;
        const batch = Array.from({ length: 120 }, (_, i) =>
          act(i, {
            status: ['OK', 'ERROR', 'WARNING', 'INFO', 'OK'][i % 5],
            message:
              i === 7
                ? 'Insufficient permissions: read access instead of write (100%_sure)'
                : `Synchronized item ${i}`,
            objectType: i % 2 ? 'Application' : 'ITComponent',
          }),
        );
        await t.api('POST', `/api/v1/runs/${runId}/actions`, batch);
      });

      it('filters by several statuses at once', async () => {
        const { items } = await readAllPages<{ status: string }>(
          t.api,
          `/api/v1/runs/${runId}/actions?status=ERROR,WARNING&limit=1000`,
        );
        expect(items).toHaveLength(48);
        expect(new Set(items.map((a) => a.status))).toEqual(new Set(['ERROR', 'WARNING']));
      });

      it('filters by action and object type', async () => {
        const { items } = await readAllPages<{ action: string; objectType: string }>(
          t.api,
          `/api/v1/runs/${runId}/actions?action=DELETE&objectType=ITComponent&limit=1000`,
        );
        expect(items.length).toBe(30);
        expect(items.every((a) => a.action === 'DELETE' && a.objectType === 'ITComponent')).toBe(true);
      });

      it('searches message and object names case-insensitively, with wildcards taken literally', async () => {
        const hit = (
          await t.api(
            'GET',
            `/api/v1/runs/${runId}/actions?q=${encodeURIComponent('INSUFFICIENT permissions')}`,
          )
        ).json();
        expect(hit.items.map((a: { seq: number }) => a.seq)).toEqual([8]);
        const literal = (
          await t.api('GET', `/api/v1/runs/${runId}/actions?q=${encodeURIComponent('100%_sure')}`)
        ).json();
        expect(literal.items).toHaveLength(1);
        expect(
          (await t.api('GET', `/api/v1/runs/${runId}/actions?q=${encodeURIComponent('%')}`)).json().items,
        ).toHaveLength(1);
        const byName = (
          await t.api('GET', `/api/v1/runs/${runId}/actions?q=${encodeURIComponent('fact sheet 42')}`)
        ).json();
        expect(byName.items.map((a: { seq: number }) => a.seq)).toEqual([43]);
      });

      it('pages through every action exactly once, in both orders', async () => {
        const asc = await readAllPages<{ seq: number }>(t.api, `/api/v1/runs/${runId}/actions?limit=7`);
        expect(asc.pages).toBe(18);
        expect(asc.items.map((a) => a.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
        const desc = await readAllPages<{ seq: number }>(
          t.api,
          `/api/v1/runs/${runId}/actions?limit=50&sort=desc&status=OK`,
        );
        const seqs = desc.items.map((a) => a.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
        expect(new Set(seqs).size).toBe(48);
      });

      it('rejects an unknown filter value naming the allowed ones', async () => {
        const res = await t.api('GET', `/api/v1/runs/${runId}/actions?action=MERGE`);
        expect(res.statusCode).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'invalid_filter' });
        expect(res.json().error.message).toContain('CREATE, UPDATE, DELETE, NONE');
      });

      it('rejects an unknown query parameter and a forged cursor', async () => {
        expect((await t.api('GET', `/api/v1/runs/${runId}/actions?colour=red`)).json().error.code).toBe(
          'validation_failed',
        );
        expect((await t.api('GET', `/api/v1/runs/${runId}/actions?cursor=garbage`)).json().error.code).toBe(
          'invalid_cursor',
        );
      });
    });
  });
}
