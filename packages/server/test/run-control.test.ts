import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunControlService } from '../src/runs/run-control.service.js';
import { ENGINES, seedBasics, startTestApp, type TestContext } from './harness.js';

for (const kind of ENGINES) {
  describe(`run control [${kind}]`, () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await startTestApp(kind);
    });
    afterAll(() => t?.close());

    describe('POST /api/v1/integrations/:id/sync', () => {
      it('queues a PENDING FULL_SYNC_MANUAL run and records who asked', async () => {
        const { integration } = await seedBasics(t.api);
        const res = await t.api('POST', `/api/v1/integrations/${integration.id}/sync`, {});
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json()).toMatchObject({
          progress: 'PENDING',
          trigger: 'FULL_SYNC_MANUAL',
          startedAt: null,
          requestedBy: 'operator:bootstrap',
        });
      });

      it('refuses a second full sync while one is pending, per integration and user', async () => {
        const { integration, user } = await seedBasics(t.api);
        await t.api('POST', `/api/v1/integrations/${integration.id}/sync`);
        const again = await t.api('POST', `/api/v1/integrations/${integration.id}/sync`);
        expect(again.statusCode).toBe(409);
        expect(again.json().error.code).toBe('run_already_pending');
        const forUser = await t.api('POST', `/api/v1/integrations/${integration.id}/sync`, {
          userId: user.id,
        });
        expect(forUser.statusCode).toBe(201);
        expect(forUser.json().userId).toBe(user.id);
      });

      it('refuses an INACTIVE integration with 409 integration_inactive', async () => {
        const { integration } = await seedBasics(t.api);
        await t.api('PATCH', `/api/v1/integrations/${integration.id}`, { status: 'INACTIVE' });
        const res = await t.api('POST', `/api/v1/integrations/${integration.id}/sync`);
        expect(res.statusCode).toBe(409);
        expect(res.json().error.code).toBe('integration_inactive');
      });

      it('refuses organizations and users whose sync is disabled with 409 sync_disabled, queueing nothing', async () => {
        const { org, integration, user } = await seedBasics(t.api, { partialSync: true });
        await t.api('PATCH', `/api/v1/users/${user.id}`, { syncEnabled: false });
        const forUser = await t.api('POST', `/api/v1/integrations/${integration.id}/sync`, {
          userId: user.id,
        });
        expect(forUser.statusCode).toBe(409);
        expect(forUser.json().error).toMatchObject({
          code: 'sync_disabled',
          message: expect.stringMatching(/Ada Lovelace/),
        });

        await t.api('PATCH', `/api/v1/organizations/${org.id}`, { syncEnabled: false });
        const full = await t.api('POST', `/api/v1/integrations/${integration.id}/sync`);
        expect(full.statusCode).toBe(409);
        expect(full.json().error.code).toBe('sync_disabled');
        const changes = await t.api('POST', `/api/v1/integrations/${integration.id}/changes`, {
          origin: 'SERVICENOW',
        });
        expect(changes.statusCode).toBe(409);
        expect((await t.api('GET', `/api/v1/runs?integrationId=${integration.id}`)).json().items).toEqual([]);

        await t.api('PATCH', `/api/v1/organizations/${org.id}`, { syncEnabled: true });
        expect((await t.api('POST', `/api/v1/integrations/${integration.id}/sync`)).statusCode).toBe(201);
      });

      it('answers 404 for an unknown integration', async () => {
        const res = await t.api('POST', '/api/v1/integrations/01890000-0000-7000-8000-000000000000/sync');
        expect(res.statusCode).toBe(404);
      });
    });

    describe('POST /api/v1/integrations/:id/changes', () => {
      it('queues a partial sync named after the origin and merges notifications while it is pending', async () => {
        const { integration } = await seedBasics(t.api, { partialSync: true });
        const first = await t.api('POST', `/api/v1/integrations/${integration.id}/changes`, {
          origin: 'SERVICENOW',
        });
        expect(first.statusCode).toBe(201);
        expect(first.json()).toMatchObject({
          trigger: 'SERVICENOW_CHANGES',
          progress: 'PENDING',
          requestedBy: 'changes:SERVICENOW (operator:bootstrap)',
        });
        const merged = await t.api('POST', `/api/v1/integrations/${integration.id}/changes`, {
          origin: 'SERVICENOW',
        });
        expect(merged.statusCode).toBe(200);
        expect(merged.json().id).toBe(first.json().id);
        const other = await t.api('POST', `/api/v1/integrations/${integration.id}/changes`, {
          origin: 'LEANIX',
        });
        expect(other.statusCode).toBe(201);
        expect(other.json().trigger).toBe('LEANIX_CHANGES');
        // Once the pending one is leased, a new notification queues a new run.
        await t.api('POST', `/api/v1/integrations/${integration.id}/lease`);
        const next = await t.api('POST', `/api/v1/integrations/${integration.id}/changes`, {
          origin: 'SERVICENOW',
        });
        expect(next.statusCode).toBe(201);
        expect(next.json().id).not.toBe(first.json().id);
      });

      it('refuses integrations that cannot do partial syncs, and bad origins', async () => {
        const { integration } = await seedBasics(t.api, { partialSync: false });
        const res = await t.api('POST', `/api/v1/integrations/${integration.id}/changes`, {
          origin: 'SERVICENOW',
        });
        expect(res.statusCode).toBe(409);
        expect(res.json().error.code).toBe('partial_sync_unsupported');
        expect(
          (await t.api('POST', `/api/v1/integrations/${integration.id}/changes`, { origin: 'service now' }))
            .statusCode,
        ).toBe(400);
      });
    });

    describe('POST /api/v1/integrations/:id/lease', () => {
      it('hands out the oldest pending run, RUNNING, and 204 when none is left', async () => {
        const { integration } = await seedBasics(t.api);
        const a = (
          await t.api('POST', '/api/v1/runs', { integrationId: integration.id, progress: 'PENDING' })
        ).json();
        const b = (
          await t.api('POST', '/api/v1/runs', { integrationId: integration.id, progress: 'PENDING' })
        ).json();
        const first = await t.api('POST', `/api/v1/integrations/${integration.id}/lease`, {
          worker: 'connector-1',
        });
        expect(first.statusCode).toBe(200);
        expect(first.json().run).toMatchObject({ id: a.id, progress: 'RUNNING', leaseOwner: 'connector-1' });
        expect(first.json().run.startedAt).not.toBeNull();
        expect(Date.parse(first.json().leaseExpiresAt)).toBeGreaterThan(Date.now());
        expect((await t.api('POST', `/api/v1/integrations/${integration.id}/lease`)).json().run.id).toBe(
          b.id,
        );
        const none = await t.api('POST', `/api/v1/integrations/${integration.id}/lease`);
        expect(none.statusCode).toBe(204);
        expect(none.body).toBe('');
      });

      it('never hands the same run to two concurrent callers', async () => {
        const { integration } = await seedBasics(t.api);
        const pending = new Set<string>();
        for (let i = 0; i < 12; i++) {
          pending.add(
            (
              await t.api('POST', '/api/v1/runs', { integrationId: integration.id, progress: 'PENDING' })
            ).json().id,
          );
        }
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            t.api('POST', `/api/v1/integrations/${integration.id}/lease`, { worker: `w${i}` }),
          ),
        );
        const leased = answers.filter((r) => r.statusCode === 200).map((r) => r.json().run.id as string);
        expect(answers.filter((r) => r.statusCode === 204)).toHaveLength(8);
        expect(new Set(leased).size).toBe(12);
        expect(new Set(leased)).toEqual(pending);
      });
    });

    describe('POST /api/v1/runs/:id/cancel', () => {
      it('aborts a PENDING run at once', async () => {
        const { integration } = await seedBasics(t.api, { cancellable: true });
        const run = (await t.api('POST', `/api/v1/integrations/${integration.id}/sync`)).json();
        const res = await t.api('POST', `/api/v1/runs/${run.id}/cancel`);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ progress: 'ABORTED', cancelRequestedBy: 'operator:bootstrap' });
        expect(res.json().finishedAt).not.toBeNull();
        expect((await t.api('POST', `/api/v1/integrations/${integration.id}/lease`)).statusCode).toBe(204);
      });

      it('asks a RUNNING run to stop through the heartbeat, and the connector confirms', async () => {
        const { integration } = await seedBasics(t.api, { cancellable: true });
        await t.api('POST', `/api/v1/integrations/${integration.id}/sync`);
        const { run } = (await t.api('POST', `/api/v1/integrations/${integration.id}/lease`)).json();
        expect((await t.api('POST', `/api/v1/runs/${run.id}/heartbeat`)).json().cancelRequested).toBe(false);
        const cancelled = await t.api('POST', `/api/v1/runs/${run.id}/cancel`);
        expect(cancelled.json().progress).toBe('ABORTION_PENDING');
        expect((await t.api('POST', `/api/v1/runs/${run.id}/cancel`)).json().progress).toBe(
          'ABORTION_PENDING',
        );
        expect((await t.api('POST', `/api/v1/runs/${run.id}/heartbeat`)).json()).toEqual({
          progress: 'ABORTION_PENDING',
          cancelRequested: true,
        });
        const confirmed = await t.api('PATCH', `/api/v1/runs/${run.id}`, { progress: 'ABORTED' });
        expect(confirmed.json()).toMatchObject({ progress: 'ABORTED' });
        expect(confirmed.json().durationMs).toBeGreaterThanOrEqual(0);
      });

      it('refuses runs of integrations that cannot cancel, and final runs, with 409 run_not_cancellable', async () => {
        const fixed = await seedBasics(t.api, { cancellable: false });
        const run = (await t.api('POST', '/api/v1/runs', { integrationId: fixed.integration.id })).json();
        const res = await t.api('POST', `/api/v1/runs/${run.id}/cancel`);
        expect(res.statusCode).toBe(409);
        expect(res.json().error).toMatchObject({ code: 'run_not_cancellable' });
        expect((await t.api('GET', `/api/v1/runs/${run.id}`)).json().progress).toBe('RUNNING');
        const ok = await seedBasics(t.api, { cancellable: true });
        const done = (
          await t.api('POST', '/api/v1/runs', { integrationId: ok.integration.id, progress: 'FINISHED' })
        ).json();
        expect((await t.api('POST', `/api/v1/runs/${done.id}/cancel`)).json().error.code).toBe(
          'run_not_cancellable',
        );
      });
    });

    describe('stale runs', () => {
      it('aborts live runs whose connector stopped reporting, once, and leaves the others alone', async () => {
        const { integration } = await seedBasics(t.api);
        const quiet = (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json();
        const talking = (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json();
        const services = t.app.services;
        let clock = new Date(Date.now() + 5 * 60_000);
        const control = (now: () => Date) =>
          new RunControlService(t.engine, services.runs, services.integrations, services.users, {
            staleRunTimeoutMs: 10 * 60_000,
            events: services.liveEvents,
            now,
          });
        // Within the timeout nothing happens.
        expect(await control(() => clock).reapStaleRuns()).toHaveLength(0);
        await t.api('POST', `/api/v1/runs/${talking.id}/heartbeat`);
        clock = new Date(Date.now() + 11 * 60_000);
        // The talking run's heartbeat is now also old: heartbeat it "later" by moving it to the clock.
        await services.runs.repository.update(talking.id, {
          lastHeartbeatAt: new Date(clock.getTime() - 60_000),
        });
        const [first, second] = await Promise.all([
          control(() => clock).reapStaleRuns(),
          control(() => clock).reapStaleRuns(),
        ]);
        const reaped = [...first!, ...second!].map((r) => r.id);
        expect(reaped.filter((id) => id === quiet.id)).toHaveLength(1);
        expect(reaped).not.toContain(talking.id);
        const after = (await t.api('GET', `/api/v1/runs/${quiet.id}`)).json();
        expect(after).toMatchObject({ progress: 'ABORTED', errorSource: 'CONNECTOR' });
        expect(after.exception).toContain('stopped reporting');
        expect((await t.api('GET', `/api/v1/runs/${talking.id}`)).json().progress).toBe('RUNNING');
      });
    });
  });
}
