import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, readAllPages, seedBasics, startTestApp, type TestContext } from './harness.js';

const action = (over: Record<string, unknown> = {}) => ({
  source: { system: 'EXCHANGE', id: 'obj-1', name: 'Quarterly review' },
  target: { system: 'SALESFORCE', id: null },
  objectType: 'Appointment',
  action: 'UPDATE',
  status: 'OK',
  message: 'Updated subject',
  ...over,
});

for (const kind of ENGINES) {
  describe(`runs API [${kind}]`, () => {
    let t: TestContext;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    beforeAll(async () => {
      t = await startTestApp(kind);
      basics = await seedBasics(t.api);
    });
    afterAll(() => t?.close());

    const start = async (body: Record<string, unknown> = {}) => {
      const res = await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id, ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };

    describe('POST /api/v1/runs', () => {
      it('starts a RUNNING run with zeroed counters and status OK', async () => {
        const run = await start({ name: 'Workspace A', trigger: 'FULL_SYNC_MANUAL' });
        expect(run).toMatchObject({
          organizationId: basics.org.id,
          integrationId: basics.integration.id,
          integrationType: 'exchange',
          name: 'Workspace A',
          trigger: 'FULL_SYNC_MANUAL',
          progress: 'RUNNING',
          status: 'OK',
          finishedAt: null,
        });
        expect(run.counters.processed).toBe(0);
        expect((await t.api('GET', `/api/v1/runs/${run.id}`)).json()).toEqual(run);
      });

      it('records a whole finished run with its actions at once', async () => {
        const run = await start({
          userId: basics.user.id,
          progress: 'FINISHED',
          startedAt: '2026-01-05T10:00:00.000Z',
          finishedAt: '2026-01-05T10:02:30.000Z',
          counters: { objects: 40, changes: 3, failures: 1, conflicts: 2 },
          errorSource: 'MICROSOFT_EXCHANGE',
          errorCategory: 'AUTHENTICATION',
          exception: 'EWS 401 Unauthorized',
          objectReport: { 'E-Mail': { created: 1 } },
          actions: [
            action({ action: 'CREATE', status: 'INFO' }),
            action({ status: 'WARNING', source: { system: 'EXCHANGE', id: 'x' } }),
          ],
        });
        expect(run).toMatchObject({
          progress: 'FINISHED',
          status: 'WARNING',
          startedAt: '2026-01-05T10:00:00.000Z',
          finishedAt: '2026-01-05T10:02:30.000Z',
          durationMs: 150_000,
          errorSource: 'MICROSOFT_EXCHANGE',
          errorCategory: 'AUTHENTICATION',
          exception: 'EWS 401 Unauthorized',
          objectReport: { 'E-Mail': { created: 1 } },
        });
        expect(run.counters).toMatchObject({
          processed: 2,
          creates: 1,
          updates: 1,
          warnings: 1,
          errors: 0,
          objects: 40,
          changes: 3,
          failures: 1,
          conflicts: 2,
        });
      });

      it('answers 404 for an unknown integration and stores nothing', async () => {
        const before = (await readAllPages<{ id: string }>(t.api, '/api/v1/runs?limit=1000')).items.length;
        const res = await t.api('POST', '/api/v1/runs', {
          integrationId: '01890000-0000-7000-8000-000000000000',
        });
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('integration_not_found');
        expect((await readAllPages(t.api, '/api/v1/runs?limit=1000')).items.length).toBe(before);
      });

      it.each([
        ['a missing integrationId', {}],
        ['an unknown field', { integrationId: 'x', color: 'red' }],
        ['a malformed trigger', { trigger: 'SOMETIMES' }],
        ['a wrong type', { name: 42 }],
        ['an unknown progress', { progress: 'DONE' }],
      ])('rejects %s with 400 validation_failed', async (_label, body) => {
        const res = await t.api('POST', '/api/v1/runs', {
          integrationId: basics.integration.id,
          ...body,
          ...(_label === 'a missing integrationId' ? { integrationId: undefined } : {}),
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
        expect(res.json().error.message).toMatch(/Invalid request/);
      });

      it('rejects a sync user of another organization', async () => {
        const other = await seedBasics(t.api);
        const res = await t.api('POST', '/api/v1/runs', {
          integrationId: basics.integration.id,
          userId: other.user.id,
        });
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('user_not_found');
      });

      it('accepts partial-sync triggers named after the origin', async () => {
        expect((await start({ trigger: 'SERVICENOW_CHANGES' })).trigger).toBe('SERVICENOW_CHANGES');
      });
    });

    describe('PATCH /api/v1/runs/:id', () => {
      it('finishes a run and computes its duration', async () => {
        const run = await start({ startedAt: '2026-02-01T08:00:00.000Z' });
        const res = await t.api('PATCH', `/api/v1/runs/${run.id}`, {
          progress: 'FINISHED',
          finishedAt: '2026-02-01T08:00:05.250Z',
          counters: { objects: 12 },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({
          progress: 'FINISHED',
          durationMs: 5250,
          counters: { objects: 12 },
        });
      });

      it('refuses any change to a final run with 409 run_final', async () => {
        const run = await start();
        await t.api('PATCH', `/api/v1/runs/${run.id}`, { progress: 'ABORTED' });
        const res = await t.api('PATCH', `/api/v1/runs/${run.id}`, { progress: 'RUNNING' });
        expect(res.statusCode).toBe(409);
        expect(res.json().error).toMatchObject({ code: 'run_final' });
        expect((await t.api('GET', `/api/v1/runs/${run.id}`)).json().progress).toBe('ABORTED');
      });

      it('refuses an impossible move with 409 invalid_transition naming the allowed ones', async () => {
        const run = await start({ progress: 'PENDING' });
        expect(run.startedAt).toBeNull();
        const res = await t.api('PATCH', `/api/v1/runs/${run.id}`, { progress: 'FINISHED' });
        expect(res.statusCode).toBe(409);
        expect(res.json().error.code).toBe('invalid_transition');
        expect(res.json().error.message).toContain('RUNNING, ABORTED');
        const running = await t.api('PATCH', `/api/v1/runs/${run.id}`, { progress: 'RUNNING' });
        expect(running.json().startedAt).not.toBeNull();
      });

      it('rejects a finish time before the start', async () => {
        const run = await start({ startedAt: '2026-02-01T08:00:00.000Z' });
        const res = await t.api('PATCH', `/api/v1/runs/${run.id}`, {
          progress: 'FINISHED',
          finishedAt: '2026-02-01T07:00:00.000Z',
        });
        expect(res.statusCode).toBe(400);
        expect((await t.api('GET', `/api/v1/runs/${run.id}`)).json().progress).toBe('RUNNING');
      });

      it('answers 404 for an unknown or malformed id', async () => {
        expect((await t.api('PATCH', '/api/v1/runs/nope', { name: 'x' })).statusCode).toBe(404);
        expect(
          (await t.api('GET', '/api/v1/runs/01890000-0000-7000-8000-000000000000')).json().error.code,
        ).toBe('run_not_found');
      });
    });

    describe('POST /api/v1/runs/:id/heartbeat', () => {
      it('records the heartbeat and says no cancel was requested', async () => {
        const run = await start();
        const res = await t.api('POST', `/api/v1/runs/${run.id}/heartbeat`);
        expect(res.json()).toEqual({ progress: 'RUNNING', cancelRequested: false });
        expect((await t.api('GET', `/api/v1/runs/${run.id}`)).json().lastHeartbeatAt).not.toBeNull();
      });

      it('tells the connector of an aborted run to stop', async () => {
        const run = await start();
        await t.api('PATCH', `/api/v1/runs/${run.id}`, { progress: 'ABORTION_PENDING' });
        expect((await t.api('POST', `/api/v1/runs/${run.id}/heartbeat`)).json()).toEqual({
          progress: 'ABORTION_PENDING',
          cancelRequested: true,
        });
      });
    });

    describe('Idempotency-Key', () => {
      it('stores a retried request once and replays the first answer', async () => {
        const key = `retry-${Math.random()}`;
        const body = { integrationId: basics.integration.id, name: 'idempotent' };
        const first = await t.api('POST', '/api/v1/runs', body, { 'idempotency-key': key });
        const second = await t.api('POST', '/api/v1/runs', body, { 'idempotency-key': key });
        expect(second.statusCode).toBe(201);
        expect(second.headers['idempotent-replayed']).toBe('true');
        expect(second.json().id).toBe(first.json().id);
        const named = await readAllPages<{ id: string }>(t.api, '/api/v1/runs?name=idempotent');
        expect(named.items).toHaveLength(1);
      });

      it('refuses the same key for a different request with 422', async () => {
        const key = `reuse-${Math.random()}`;
        await t.api(
          'POST',
          '/api/v1/runs',
          { integrationId: basics.integration.id, name: 'one' },
          { 'idempotency-key': key },
        );
        const res = await t.api(
          'POST',
          '/api/v1/runs',
          { integrationId: basics.integration.id, name: 'two' },
          { 'idempotency-key': key },
        );
        expect(res.statusCode).toBe(422);
        expect(res.json().error.code).toBe('idempotency_key_reused');
        expect((await readAllPages(t.api, '/api/v1/runs?name=two')).items).toHaveLength(0);
      });
    });
  });
}
