import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '@synctrail/types';
import {
  ENGINES,
  OPERATOR_TOKEN,
  seedBasics,
  startTestApp,
  type TestContext,
} from '../../server/test/harness.js';
import { RunCancelledError, Synctrail, type RunHandle } from '../src/index.js';
import { testAction, waitFor } from './helpers.js';

for (const kind of ENGINES) {
  describe(`cancel and workers [${kind}]`, () => {
    let t: TestContext;
    let client: Synctrail;
    let url: string;
    let basics: Awaited<ReturnType<typeof seedBasics>>;

    beforeAll(async () => {
      t = await startTestApp(kind);
      url = await t.app.listen({ port: 0, host: '127.0.0.1' });
      client = new Synctrail({ url, token: OPERATOR_TOKEN, retry: { baseDelayMs: 5, maxDelayMs: 50 } });
      basics = await seedBasics(t.api);
    });
    afterAll(async () => t?.close());

    const serverRun = async (id: string) => (await t.api('GET', `/api/v1/runs/${id}`)).json<Run>();

    describe('run.signal', () => {
      it('aborts at the heartbeat after POST /runs/:id/cancel, and finish() confirms ABORTED', async () => {
        const run = await client.startRun({ integrationId: basics.integration.id, heartbeatIntervalMs: 20 });
        await run.action(testAction(1));
        expect(run.signal.aborted).toBe(false);
        const cancel = await t.api('POST', `/api/v1/runs/${run.id}/cancel`);
        expect(cancel.json<Run>().progress).toBe('ABORTION_PENDING');

        await waitFor('run.signal to abort', () => run.signal.aborted);
        expect(run.signal.reason).toBeInstanceOf(RunCancelledError);
        expect(run.cancelled).toBe(true);
        await run.action(testAction(2)); // what was done before stopping is still recorded
        const finished = await run.finish();
        expect(finished.progress).toBe('ABORTED');
        expect(await serverRun(run.id)).toMatchObject({
          progress: 'ABORTED',
          counters: { processed: 2 },
          errorSource: null,
        });
      });

      it('also learns of a cancel from the answer to a batch', async () => {
        const run = await client.startRun({ integrationId: basics.integration.id, heartbeatIntervalMs: 0 });
        const cancelled = await client.cancelRun(run.id);
        expect(cancelled.progress).toBe('ABORTION_PENDING');
        await run.action(testAction(1));
        await run.flush();
        expect(run.signal.aborted).toBe(true);
        // Failing with the cancel's own reason is a confirmation, not an error.
        const ended = await run.fail(run.signal.reason);
        expect(ended).toMatchObject({ progress: 'ABORTED', errorSource: null, exception: null });
      });

      it('lets an ingest key confirm a cancel the server already completed', async () => {
        const key = (
          await t.api('POST', `/api/v1/organizations/${basics.org.id}/api-keys`, {
            name: 'connector',
            scopes: ['ingest'],
          })
        ).json();
        const connector = new Synctrail({ url, token: key.token, retry: { baseDelayMs: 5, maxDelayMs: 50 } });
        const run = await connector.startRun({
          integrationId: basics.integration.id,
          heartbeatIntervalMs: 20,
        });
        await t.api('POST', `/api/v1/runs/${run.id}/cancel`);
        await waitFor('run.signal to abort', () => run.signal.aborted);
        // The server ends it first (as the stale-run reaper would); the connector's confirmation comes late.
        await t.api('PATCH', `/api/v1/runs/${run.id}`, { progress: 'ABORTED' });
        const ended = await run.finish();
        expect(ended.progress).toBe('ABORTED');
        expect(await serverRun(run.id)).toMatchObject({ progress: 'ABORTED' });
      });

      it('cancelRun() reports run_not_cancellable for an integration that cannot cancel', async () => {
        const fixed = await seedBasics(t.api, { cancellable: false });
        const run = await client.startRun({ integrationId: fixed.integration.id, heartbeatIntervalMs: 0 });
        await expect(client.cancelRun(run.id)).rejects.toMatchObject({
          status: 409,
          code: 'run_not_cancellable',
        });
        await run.finish();
      });
    });

    describe('client.worker()', () => {
      it('leases a run queued by triggerSync(), runs the handler and finishes the run', async () => {
        const pending = await client.triggerSync(basics.integration.id, { name: 'manual' });
        expect(pending).toMatchObject({ progress: 'PENDING', trigger: 'FULL_SYNC_MANUAL' });
        const stop = new AbortController();
        const seen: Run[] = [];
        const worker = client.worker(
          basics.integration.id,
          async (run) => {
            seen.push(run.run);
            await run.action(testAction(1));
            await run.action(testAction(2, 'WARNING'));
          },
          { signal: stop.signal, pollIntervalMs: 20, name: 'worker-a', heartbeatIntervalMs: 0 },
        );
        await waitFor('the run to finish', async () => (await serverRun(pending.id)).progress === 'FINISHED');
        stop.abort();
        await worker; // resolves once stopped
        expect(seen.map((r) => [r.id, r.progress])).toEqual([[pending.id, 'RUNNING']]);
        expect(await serverRun(pending.id)).toMatchObject({
          leaseOwner: 'worker-a',
          status: 'WARNING',
          counters: { processed: 2 },
        });
      });

      it('never gives the same run to two workers', async () => {
        const users = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            client.upsertUser(basics.org.id, { externalId: `worker-user-${i}` }),
          ),
        );
        const queued = await Promise.all(
          users.map((u) => client.triggerSync(basics.integration.id, { userId: u.id })),
        );
        const stop = new AbortController();
        const handled: { worker: string; runId: string }[] = [];
        const handler = (worker: string) => async (run: RunHandle) => {
          handled.push({ worker, runId: run.id });
          await run.action(testAction(1));
        };
        const options = { signal: stop.signal, pollIntervalMs: 10, concurrency: 2, heartbeatIntervalMs: 0 };
        const workers = [
          client.worker(basics.integration.id, handler('a'), { ...options, name: 'a' }),
          client.worker(basics.integration.id, handler('b'), { ...options, name: 'b' }),
        ];
        await waitFor('every queued run finished', async () => {
          const runs = await Promise.all(queued.map((r) => serverRun(r.id)));
          return runs.every((r) => r.progress === 'FINISHED');
        });
        stop.abort();
        await Promise.all(workers);
        expect(handled.map((h) => h.runId).sort()).toEqual(queued.map((r) => r.id).sort());
        for (const h of handled) expect((await serverRun(h.runId)).leaseOwner).toBe(h.worker);
      });

      it('fails the run with the error the handler threw', async () => {
        const pending = await client.triggerSync(basics.integration.id);
        const stop = new AbortController();
        const worker = client.worker(
          basics.integration.id,
          async (run) => {
            await run.action(testAction(1, 'ERROR'));
            throw new Error('CRM refused the login');
          },
          { signal: stop.signal, pollIntervalMs: 20, heartbeatIntervalMs: 0 },
        );
        await waitFor('the run to end', async () => (await serverRun(pending.id)).progress === 'FINISHED');
        stop.abort();
        await worker;
        const stored = await serverRun(pending.id);
        expect(stored).toMatchObject({
          status: 'ERROR',
          errorSource: 'CONNECTOR',
          errorCategory: 'Error',
          counters: { processed: 1 },
        });
        expect(stored.exception).toContain('CRM refused the login');
      });

      it('hands the handler a run.signal that aborts on cancel; the run ends ABORTED', async () => {
        const pending = await client.triggerSync(basics.integration.id);
        const stop = new AbortController();
        let started = false;
        const worker = client.worker(
          basics.integration.id,
          async (run) => {
            started = true;
            await new Promise((resolve) => run.signal.addEventListener('abort', resolve, { once: true }));
            run.signal.throwIfAborted();
          },
          { signal: stop.signal, pollIntervalMs: 20, heartbeatIntervalMs: 20 },
        );
        await waitFor('the handler to start', () => started);
        await client.cancelRun(pending.id);
        await waitFor(
          'the run to be aborted',
          async () => (await serverRun(pending.id)).progress === 'ABORTED',
        );
        stop.abort();
        await worker;
        expect(await serverRun(pending.id)).toMatchObject({ progress: 'ABORTED', errorSource: null });
      });

      it('stops and rejects when the lease is refused for good (bad token, unknown integration)', async () => {
        const errors: unknown[] = [];
        const stranger = new Synctrail({
          url,
          token: 'not-a-valid-token-at-all',
          retry: { baseDelayMs: 5, maxDelayMs: 50 },
        });
        await expect(
          stranger.worker(basics.integration.id, async () => undefined, {
            pollIntervalMs: 10,
            onError: (e) => errors.push(e),
          }),
        ).rejects.toMatchObject({ status: 401 });
        await expect(
          client.worker('01890000-0000-7000-8000-000000000000', async () => undefined, {
            pollIntervalMs: 10,
            concurrency: 2,
          }),
        ).rejects.toMatchObject({ status: 404, code: 'integration_not_found' });
        expect(errors).toHaveLength(1);
      });

      it('leases partial syncs queued by notifyChanges(), merged while pending', async () => {
        const partial = await seedBasics(t.api, { partialSync: true });
        const first = await client.notifyChanges(partial.integration.id, { origin: 'SERVICENOW' });
        const second = await client.notifyChanges(partial.integration.id, { origin: 'SERVICENOW' });
        expect(second.id).toBe(first.id);
        expect(first).toMatchObject({ progress: 'PENDING', trigger: 'SERVICENOW_CHANGES' });
        const stop = new AbortController();
        const triggers: string[] = [];
        const worker = client.worker(partial.integration.id, (run) => void triggers.push(run.run.trigger), {
          signal: stop.signal,
          pollIntervalMs: 20,
          heartbeatIntervalMs: 0,
        });
        await waitFor(
          'the partial sync to finish',
          async () => (await serverRun(first.id)).progress === 'FINISHED',
        );
        stop.abort();
        await worker;
        expect(triggers).toEqual(['SERVICENOW_CHANGES']);
      });
    });
  });
}
